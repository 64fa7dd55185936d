"""IIS W3C extended log files (``u_exYYMMDD.log``).

The layout of the data lines is whatever the last ``#Fields:`` directive said; IIS writes a new
directive block whenever its logging configuration changes, so the layout can change mid-file.
``#Software``, ``#Version`` and ``#Date`` are read too (``#Date`` supplies the date when a layout
has ``time`` but no ``date``). Values are separated by single spaces, ``-`` means empty (the
field is None), and ``date``/``time`` are always UTC.

Raw or decoded? SigmaHQ's webserver rules are written against the values as the server logged
them: the query keywords mix encoded forms (``=cmd%20/c%``, ``=cmd+/c+``, ``UNION%20SELECT``)
with literal ones (``'1'='1``), and ``cs-uri-query|contains: 'DisplayMode=Edit&a=/ToolPane.aspx'``
is the raw ToolShell query. So every W3C field keeps its raw value under its W3C name, and the
Sigma taxonomy aliases are raw too, except where IIS itself replaced characters:

* ``cs-user-agent`` is ``cs(User-Agent)`` with IIS's ``+`` turned back into spaces, because
  rules match user agents as browsers send them (``Fuzz Faster U Fool``);
* ``cs-uri-query-decoded`` (a warroom extension, not a Sigma name) is the query with ``+`` and
  %-escapes decoded, for our own rules that must see through percent-encoding.

The Windows Firewall log (pfirewall.log, ``#Software: Microsoft Windows Firewall``) is W3C too:
its events are ``category: firewall`` with ``src-ip``/``dst-ip``/``src-port``/``dst-port`` also
under Sigma's firewall names (``src_ip``, ``dst_ip``, ``src_port``, ``dst_port``). Its times
are the machine's local time (``#Time Format: Local``) and are read as UTC all the same: the
log does not say which zone it was.

Numbers (status codes, ports, byte counts, time-taken) are ints so that ``sc-status: 200`` and
numeric comparisons work.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import IO, Any, ClassVar
from urllib.parse import unquote_plus

from warroom.hunt.source import Event, EventTable, LogSource, Origin, Problems, Source

log = logging.getLogger(__name__)

# The Sigma webserver taxonomy name for each IIS header token that has one.
_ALIASES = {
    "cs(User-Agent)": "cs-user-agent",
    "cs(Referer)": "cs-referer",
    "cs(Host)": "cs-host",
    "cs(Cookie)": "cs-cookie",
}
# Windows Firewall writes its pfirewall.log in the same W3C format; its fields get Sigma's
# firewall names.
_FIREWALL_ALIASES = {
    "src-ip": "src_ip",
    "dst-ip": "dst_ip",
    "src-port": "src_port",
    "dst-port": "dst_port",
}
_INTS = frozenset(
    {"sc-status", "sc-substatus", "sc-win32-status", "s-port", "time-taken", "sc-bytes", "cs-bytes"}
    | {"src-port", "dst-port", "size"}
)
_LOGSOURCE = LogSource(category="webserver", service="iis")
_FIREWALL_LOGSOURCE = LogSource(category="firewall", service="windows-firewall")
_SNIFF_PREFIXES = (b"#Software: Microsoft Internet Information Services", b"#Fields:", b"#Version:")


class W3cError(ValueError):
    """A data line that does not fit the current layout (reported and skipped, never raised)."""


class _Clock:
    """Turns ``date``/``time`` strings into aware UTC datetimes, remembering the last second.

    A busy server writes many lines per second, so the cache saves most of the parsing.
    """

    def __init__(self) -> None:
        self._key: tuple[str, str] = ("", "")
        self._value: datetime | None = None

    def at(self, date: str, time: str) -> datetime:
        if (date, time) == self._key and self._value is not None:
            return self._value
        if len(date) != 10 or date[4] != "-" or date[7] != "-" or time[2:3] != ":":
            raise W3cError(f"bad date/time {date!r} {time!r}")
        try:
            value = datetime(
                int(date[0:4]),
                int(date[5:7]),
                int(date[8:10]),
                int(time[0:2]),
                int(time[3:5]),
                int(time[6:8]),
                int(time[9:15].ljust(6, "0")) if len(time) > 9 else 0,
                tzinfo=UTC,
            )
        except ValueError:
            raise W3cError(f"bad date/time {date!r} {time!r}") from None
        self._key, self._value = (date, time), value
        return value


class _Layout:
    """One ``#Fields:`` directive: the names of the columns and how to build an event."""

    def __init__(self, names: list[str], *, firewall: bool = False) -> None:
        aliases = _FIREWALL_ALIASES if firewall else _ALIASES
        self.logsource = _FIREWALL_LOGSOURCE if firewall else _LOGSOURCE
        self.names = names
        self.width = len(names)
        self.ints = [(index, name) for index, name in enumerate(names) if name in _INTS]
        self.aliases = [(name, aliases[name]) for name in names if name in aliases]
        self.has_date = "date" in names
        self.has_time = "time" in names
        self.has_agent = not firewall and "cs(User-Agent)" in names
        self.has_query = "cs-uri-query" in names
        self.host_field = (
            None
            if firewall
            else next(
                (name for name in ("s-computername", "s-sitename", "s-ip") if name in names), None
            )
        )

    def fields(self, parts: list[Any]) -> dict[str, Any]:
        """The event fields of one data line split into PARTS (already the right width).

        This runs once per line of logs that run to gigabytes: the loops over every value are
        left to C (`in`, `index`, `dict(zip())`) and Python only touches the few values that
        need converting.
        """
        while "-" in parts:
            parts[parts.index("-")] = None
        for index, name in self.ints:
            value = parts[index]
            if value is not None:
                try:
                    parts[index] = int(value)
                except ValueError:
                    raise W3cError(f"{name} is not a number: {value!r}") from None
        fields = dict(zip(self.names, parts, strict=True))
        for name, alias in self.aliases:
            fields[alias] = fields[name]
        if self.has_agent:
            agent = fields["cs-user-agent"]
            if agent is not None and "+" in agent:
                fields["cs-user-agent"] = agent.replace("+", " ")
        if self.has_query:
            fields["cs-uri-query-decoded"] = decode_query(fields["cs-uri-query"])
        return fields


@functools.lru_cache(maxsize=8192)
def decode_query(query: str | None) -> str | None:
    """QUERY with `+` and %-escapes decoded (None stays None).

    Cached: a web server's queries repeat (the same pages, the same API calls) and decoding is
    the dearest step of reading a line.
    """
    if query is None or ("%" not in query and "+" not in query):
        return query
    return unquote_plus(query, errors="replace")


class W3cSource(Source):
    """IIS W3C extended logs, any ``#Fields:`` layout, layout changes mid-file included."""

    name: ClassVar[str] = "w3c"
    columnar: ClassVar[bool] = True

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """IIS logs start with a ``#Software``, ``#Version`` or ``#Fields`` directive."""
        return head.lstrip(b"\xef\xbb\xbf").startswith(_SNIFF_PREFIXES)

    def events(self, stream: IO[bytes], path: str, problems: Problems) -> Iterator[Event]:
        """The events of an IIS log; lines that do not fit the layout are reported, skipped."""
        reader = _Reader(path, problems)
        # IIS writes UTF-8 (with a BOM when so configured); decoding the whole stream in C is
        # much cheaper than decoding line by line.
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
        try:
            for number, line in enumerate(text, start=1):
                event = reader.line(number, line)
                if event is not None:
                    yield event
        finally:
            text.detach()  # the caller closes the stream it opened

    def tables(
        self, stream: IO[bytes], path: str, problems: Problems, rows: int = 200_000
    ) -> Iterator[EventTable]:
        """The events of an IIS log as Arrow tables of at most ROWS rows, one layout each.

        The same events as `events`, with the same lines reported, read in columns: see
        `_w3c_arrow`.
        """
        from warroom.hunt.sources import _w3c_arrow  # it builds on this module

        return _w3c_arrow.tables(stream, path, problems, rows)


class _Reader:
    """The state of reading one file: the current layout, the #Date and the clock."""

    def __init__(self, path: str, problems: Problems) -> None:
        self.path = path
        self.problems = problems
        self.layout: _Layout | None = None
        self.date: str | None = None
        self.clock = _Clock()
        self.software: str | None = None
        self.firewall = False
        self._directives: dict[str, Callable[[str], None]] = {
            "Fields": self._fields,
            "Date": self._date,
            "Software": self._software,
        }

    def line(self, number: int, line: str) -> Event | None:
        """The event of line NUMBER, or None for directives, blank and skipped lines."""
        text = line.rstrip("\r\n")
        if not text or text[0] == "#" or text.isspace():
            if text.startswith("#"):
                self._directive(text)
            return None
        try:
            return self._event(number, text)
        except W3cError as error:
            self.problems.skip(self.path, number, str(error))
            return None

    def _directive(self, text: str) -> None:
        name, _, value = text[1:].partition(":")
        handler = self._directives.get(name.strip())
        if handler is not None:
            handler(value.strip())

    def _fields(self, value: str) -> None:
        self.layout = _Layout(value.split(), firewall=self.firewall)

    def _date(self, value: str) -> None:
        # "#Date: 2019-09-03 10:04:35": when the block was started; its day stands in for a
        # missing date column.
        self.date = value.split(" ", 1)[0] or None

    def _software(self, value: str) -> None:
        self.software = value
        self.firewall = "firewall" in value.lower()

    def _event(self, number: int, text: str) -> Event:
        layout = self.layout
        if layout is None:
            raise W3cError("data before any #Fields directive")
        parts = text.split(" ")
        if len(parts) != layout.width:
            # Some tools collapse or pad the separators; try whitespace runs before giving up.
            parts = text.split()
            if len(parts) != layout.width:
                raise W3cError(f"{len(parts)} fields where #Fields names {layout.width}")
        fields = layout.fields(parts)
        return Event(
            fields=fields,
            time=self._time(layout, fields),
            host=fields.get(layout.host_field) if layout.host_field else None,
            logsource=layout.logsource,
            origin=Origin(self.path, number, "line"),
        )

    def _time(self, layout: _Layout, fields: dict[str, Any]) -> datetime | None:
        if not layout.has_time or fields["time"] is None:
            return None
        date = fields["date"] if layout.has_date else self.date
        if date is None:
            return None
        return self.clock.at(date, fields["time"])
