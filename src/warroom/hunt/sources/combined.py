"""Apache and Nginx access logs in the combined (and common) format.

    %h %l %u [%t] "%r" %>s %b "%{Referer}i" "%{User-Agent}i"

Fields are named as Sigma's webserver taxonomy names them (``c-ip``, ``cs-username``,
``cs-method``, ``cs-uri-stem``, ``cs-uri-query``, ``cs-version``, ``sc-status``, ``sc-bytes``,
``cs-referer``, ``cs-user-agent``), plus ``cs-uri`` (the whole request target) and
``cs-uri-query-decoded`` (as for IIS, a warroom extension). Values stay as the server logged
them, except that the escapes the servers add inside quoted strings (``\\"`` and ``\\\\``) are
undone. ``-`` means empty. The time is converted from its logged offset to UTC.

A request line that is not ``METHOD TARGET PROTOCOL`` (scanners send TLS handshakes and junk to
port 80) is kept as an event with only ``cs-request`` set: it is evidence too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import IO, Any, ClassVar

from warroom.hunt.source import Event, LogSource, Origin, Problems, Source
from warroom.hunt.sources.w3c import decode_query

# A quoted string in which the server escaped quotes and backslashes with a backslash.
_QUOTED = r'"((?:[^"\\]|\\.)*)"'
_LINE = re.compile(
    r"(\S+) (\S+) (\S+) \[([^\]]+)\] "
    + _QUOTED
    + r" (\d{3}|-) (\d+|-)"
    + rf"(?: {_QUOTED} {_QUOTED})?"
)
_UNESCAPE = re.compile(r"\\([\"\\])")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


class CombinedError(ValueError):
    """A line that is not in the combined or common format (reported and skipped)."""


def parse_time(text: str) -> datetime:
    """``10/Oct/2000:13:55:36 -0700`` as an aware UTC datetime."""
    try:
        day, month, rest = text.split("/", 2)
        year, hour, minute, second_zone = rest.split(":", 3)
        second, zone = second_zone.split(" ")
        sign = -1 if zone[0] == "-" else 1
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
        local = datetime(
            int(year),
            _MONTHS[month],
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=timezone(sign * offset),
        )
    except (ValueError, KeyError, IndexError):
        raise CombinedError(f"bad time {text!r}") from None
    return local.astimezone(UTC)


def _unescape(text: str | None) -> str | None:
    if text is None or text == "-":
        return None
    return _UNESCAPE.sub(r"\1", text) if "\\" in text else text


def _request(request: str) -> dict[str, Any]:
    parts = request.split(" ")
    if len(parts) < 2 or not parts[0].isalpha():
        return {"cs-request": request}
    # HTTP/0.9 has no protocol; a target with raw spaces in it leaves more than three parts.
    has_version = len(parts) > 2 and parts[-1].startswith("HTTP/")
    target = " ".join(parts[1:-1] if has_version else parts[1:])
    stem, _, query = target.partition("?")
    return {
        "cs-request": request,
        "cs-method": parts[0],
        "cs-uri": target,
        "cs-uri-stem": stem,
        "cs-uri-query": query or None,
        "cs-uri-query-decoded": decode_query(query or None),
        "cs-version": parts[-1] if has_version else None,
    }


def _number(text: str) -> int | None:
    return None if text == "-" else int(text)


class _TimeCache:
    """The last time string and its UTC value: consecutive lines mostly share the second."""

    def __init__(self) -> None:
        self.text = ""
        self.value: datetime | None = None

    def at(self, text: str) -> datetime:
        if text != self.text or self.value is None:
            self.value, self.text = parse_time(text), text
        return self.value


def parse_line(line: str, clock: _TimeCache | None = None) -> tuple[dict[str, Any], datetime]:
    """The fields and UTC time of one combined/common log line; CombinedError if it is not one."""
    match = _LINE.match(line)
    if match is None:
        raise CombinedError("not a combined/common log line")
    client, ident, user, when, request, status, size, referer, agent = match.groups()
    time = (clock or _TimeCache()).at(when)
    fields: dict[str, Any] = {
        "c-ip": client,
        "cs-ident": None if ident == "-" else ident,
        "cs-username": None if user == "-" else user,
        **_request(_unescape(request) or ""),
        "sc-status": _number(status),
        "sc-bytes": _number(size),
        "cs-referer": _unescape(referer),
        "cs-user-agent": _unescape(agent),
    }
    return fields, time


def _service(filename: str) -> str | None:
    lowered = filename.lower()
    if "nginx" in lowered:
        return "nginx"
    if "apache" in lowered or "httpd" in lowered:
        return "apache"
    return None


class CombinedSource(Source):
    """Apache/Nginx combined and common access logs."""

    name: ClassVar[str] = "combined"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """Most of the first (complete) lines of HEAD parse as combined/common lines."""
        lines = head.decode("utf-8", "replace").splitlines()[:20]
        if len(head) >= 65536 and len(lines) > 1:
            lines = lines[:-1]  # the last line may be cut off by the 64 KiB head
        lines = [line for line in lines if line.strip()]
        if not lines:
            return False
        good = sum(1 for line in lines if _LINE.match(line))
        return good * 2 > len(lines)

    def events(self, stream: IO[bytes], path: str, problems: Problems) -> Iterator[Event]:
        """The events of an access log; lines that are not access log lines are skipped."""
        logsource = LogSource(category="webserver", service=_service(path))
        clock = _TimeCache()
        text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
        try:
            for number, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                try:
                    fields, time = parse_line(line.rstrip("\r\n"), clock)
                except CombinedError as error:
                    problems.skip(path, number, str(error))
                    continue
                origin = Origin(path, number, "line")
                yield Event(fields, time, None, logsource, origin)
        finally:
            text.detach()  # the caller closes the stream it opened
