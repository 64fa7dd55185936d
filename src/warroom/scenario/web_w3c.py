"""Writing `WebRequest`s as an IIS 10 W3C log, byte for byte as IIS writes one.

The default IIS 10 fields, CRLF line ends, whole-second UTC times and ``+`` for the spaces in a
value (``-`` for no value). Times are printed from `clock`'s table of the day's seconds, values
are ``+``-encoded once each, and lines go out 4,096 at a time.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import BinaryIO

from warroom.scenario.model import WebRequest
from warroom.scenario.web_common import clock

__all__ = ["FIELDS", "HEADER_LINES", "write_w3c"]

FIELDS = (
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
    "cs(Referer) sc-status sc-substatus sc-win32-status time-taken"
)
HEADER_LINES = 4
_CHUNK = 4096  # lines per write


def write_w3c(
    out: BinaryIO,
    day: date,
    requests: Iterable[WebRequest],
    on_step: Callable[[str, int], None] | None = None,
) -> None:
    """Write an IIS 10 log of DAY's REQUESTS; ON_STEP(step, line) for every attack request."""
    it = iter(requests)
    first = next(it, None)
    opened = first.time if first is not None else datetime(day.year, day.month, day.day)
    header = (
        "#Software: Microsoft Internet Information Services 10.0\r\n#Version: 1.0\r\n"
        f"#Date: {opened:%Y-%m-%d %H:%M:%S}\r\n#Fields: {FIELDS}\r\n"
    )
    out.write(header.encode())
    if first is not None:
        _write_lines(out, day, itertools.chain((first,), it), on_step)


def _write_lines(
    out: BinaryIO,
    day: date,
    requests: Iterable[WebRequest],
    on_step: Callable[[str, int], None] | None,
) -> None:
    hms, prefix, plus = clock(), f"{day:%Y-%m-%d} ", _Plus()
    chunk: list[str] = []
    for number, r in enumerate(requests, start=HEADER_LINES + 1):
        t = r.time
        when = prefix if t.day == day.day and t.month == day.month else f"{t:%Y-%m-%d} "
        stem, query = r.uri_stem, r.uri_query or "-"
        if " " in stem or " " in query:
            stem, query = stem.replace(" ", "+"), query.replace(" ", "+")
        chunk.append(
            f"{when}{hms[t.hour * 3600 + t.minute * 60 + t.second]} {r.server_ip} {r.method} "
            f"{stem} {query} {r.port} {plus[r.username]} {r.client_ip} {plus[r.user_agent]} "
            f"{plus[r.referer]} {r.status} {r.substatus} {r.win32_status} {r.time_taken}\r\n"
        )
        if r.step is not None and on_step is not None:
            on_step(r.step, number)
        if len(chunk) >= _CHUNK:
            out.write("".join(chunk).encode())
            chunk.clear()
    out.write("".join(chunk).encode())


class _Plus(dict[str | None, str]):
    """Values as IIS logs them, spaces as "+" and nothing as "-", remembered: they repeat."""

    def __missing__(self, value: str | None) -> str:
        if len(self) > 100_000:
            self.clear()
        text = self[value] = value.replace(" ", "+") if value else "-"
        return text
