"""Firewall and proxy logs exported as CSV with a header row.

A column map says which CSV column is which Sigma field. It is given as a dict (``--column-map
src=src_ip,...`` on the command line) or as a small YAML file::

    category: firewall          # or proxy; guessed from the mapped field names when left out
    time: Receive Time          # the timestamp column; guessed from common names when left out
    time_format: "%Y/%m/%d %H:%M:%S"   # strptime format, or iso, epoch, epoch_ms (default: auto)
    timezone: Europe/London     # for timestamps written without an offset (default: UTC)
    host: Device Name           # the column naming the logging device, if any
    delimiter: ","              # default: guessed from the header (comma, semicolon, tab)
    fields:                     # CSV column: Sigma field
      Source address: src_ip
      Destination address: dst_ip
      Destination Port: dst_port
      Action: action

Sigma's names: firewall ``src_ip``, ``src_port``, ``dst_ip``, ``dst_port``, ``action``,
``username``; proxy ``c-uri``, ``c-uri-query``, ``c-uri-extension``, ``c-useragent``, ``cs-host``,
``cs-method``, ``cs-referrer``, ``sc-status``, ``r-dns``, ``c-ip``. Columns that are not mapped
keep their own names (so indicators are still matched against them). With no map at all,
common column names (``src``, ``srcaddr``, ``Source IP``, ``user_agent``...) are recognised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from warroom.hunt.errors import HuntError
from warroom.hunt.source import Event, LogSource, Origin, Problems, Source


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


# Column names seen in firewall and proxy exports, by their normalised key, and their Sigma name.
KNOWN_COLUMNS: dict[str, str] = {
    **dict.fromkeys(("srcip", "src", "srcaddr", "sourceip", "sourceaddress"), "src_ip"),
    **dict.fromkeys(("dstip", "dst", "dstaddr", "destinationip", "destinationaddress"), "dst_ip"),
    **dict.fromkeys(("destip",), "dst_ip"),
    **dict.fromkeys(("srcport", "sport", "sourceport"), "src_port"),
    **dict.fromkeys(("dstport", "dport", "destinationport", "destport"), "dst_port"),
    **dict.fromkeys(("action", "disposition"), "action"),
    **dict.fromkeys(("user", "username", "srcuser", "sourceuser"), "username"),
    **dict.fromkeys(("url", "uri", "requesturl", "curi"), "c-uri"),
    **dict.fromkeys(("useragent", "httpuseragent", "cuseragent"), "c-useragent"),
    **dict.fromkeys(("httphost", "cshost"), "cs-host"),
    **dict.fromkeys(("method", "httpmethod", "csmethod"), "cs-method"),
    **dict.fromkeys(("referer", "referrer", "httpreferer", "csreferrer"), "cs-referrer"),
    **dict.fromkeys(("status", "httpstatus", "scstatus", "statuscode"), "sc-status"),
    **dict.fromkeys(("clientip", "cip"), "c-ip"),
}
_TIME_COLUMNS = ("timestamp", "time", "datetime", "date", "ts", "eventtime", "receivetime")
_INTS = frozenset({"src_port", "dst_port", "sc-status"})
_FIREWALL = frozenset({"src_ip", "dst_ip", "src_port", "dst_port", "action"})
_PROXY = frozenset({"c-uri", "c-useragent", "cs-host", "r-dns", "cs-method", "cs-referrer"})
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class ColumnMap:
    """How the columns of a CSV log become event fields (see the module docstring)."""

    fields: dict[str, str] = field(default_factory=dict)
    category: str | None = None
    service: str | None = None
    time: str | None = None
    time_format: str = "auto"
    timezone: str = "UTC"
    host: str | None = None
    delimiter: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnMap:
        """A map from its YAML form, or from a flat ``{column: field}`` dict.

        In the flat form a column mapped to ``time`` or ``host`` is the timestamp or host column.
        """
        if "fields" not in data:
            flat = {str(k): str(v) for k, v in data.items()}
            time = next((k for k, v in flat.items() if v == "time"), None)
            host = next((k for k, v in flat.items() if v == "host"), None)
            rest = {k: v for k, v in flat.items() if k not in (time, host)}
            return cls(fields=rest, time=time, host=host)
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise HuntError(f"column map: unknown keys {sorted(unknown)}")
        fields = data["fields"] or {}
        if not isinstance(fields, Mapping):
            raise HuntError("column map: 'fields' must map CSV columns to field names")
        options = {k: str(v) for k, v in data.items() if k != "fields" and v is not None}
        return cls(fields={str(k): str(v) for k, v in fields.items()}, **options)

    @classmethod
    def load(cls, path: str | Path) -> ColumnMap:
        """A column map from a YAML file; HuntError naming the file when it is not one."""
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise HuntError(f"{path}: cannot read column map: {error}") from None
        if not isinstance(data, Mapping):
            raise HuntError(f"{path}: a column map is a YAML mapping")
        try:
            return cls.from_dict(data)
        except HuntError as error:
            raise HuntError(f"{path}: {error}") from None

    def zone(self) -> tzinfo:
        """The time zone of timestamps written without an offset."""
        if self.timezone.upper() == "UTC":
            return UTC
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise HuntError(f"column map: unknown time zone {self.timezone!r}") from None


class _Header:
    """What the header row of one file resolves to under a column map."""

    def __init__(self, columns: list[str], cmap: ColumnMap) -> None:
        by_key = {_key(k): v for k, v in cmap.fields.items()}
        self.names = [cmap.fields.get(c) or by_key.get(_key(c)) or _guess(c) for c in columns]
        self.width = len(columns)
        self.time = _find(columns, cmap.time, _TIME_COLUMNS)
        self.host = _find(columns, cmap.host, ())
        mapped = set(self.names)
        category = cmap.category or _category(mapped)
        self.logsource = LogSource(category=category, service=cmap.service)


def _guess(column: str) -> str:
    return KNOWN_COLUMNS.get(_key(column), column)


def _category(names: set[str]) -> str | None:
    # A URL or a user agent makes a proxy log, even when it also names addresses and ports.
    if names & {"c-uri", "c-useragent"}:
        return "proxy"
    if names & _FIREWALL:
        return "firewall"
    if names & _PROXY:
        return "proxy"
    return None


def _find(columns: list[str], wanted: str | None, guesses: tuple[str, ...]) -> int | None:
    keys = [_key(c) for c in columns]
    for name in (wanted,) if wanted else guesses:
        if name in columns:
            return columns.index(name)
        if _key(name) in keys:
            return keys.index(_key(name))
    if wanted:
        raise HuntError(f"column map names column {wanted!r}, which the header does not have")
    return None


def parse_time(text: str, time_format: str, zone: tzinfo) -> datetime:
    """TEXT as an aware UTC datetime; ValueError when it does not fit TIME_FORMAT.

    "auto" (the default) reads ISO 8601, or a number as Unix seconds, or as milliseconds when it
    is too large to be seconds (past the year 5138).
    """
    if time_format == "auto":
        if text.replace(".", "", 1).isdigit():
            time_format = "epoch_ms" if float(text) > 1e11 else "epoch"
        else:
            time_format = "iso"
    if time_format == "epoch":
        return datetime.fromtimestamp(float(text), UTC)
    if time_format == "epoch_ms":
        return datetime.fromtimestamp(float(text) / 1000, UTC)
    if time_format == "iso":
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    else:
        value = datetime.strptime(text, time_format)  # naive: zone applied below
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _delimiter(header: str) -> str:
    return max(_DELIMITERS, key=header.count)


class CsvSource(Source):
    """CSV firewall/proxy logs with a header row, mapped to Sigma fields by a ColumnMap."""

    name: ClassVar[str] = "csv"

    def __init__(self, column_map: ColumnMap | None = None) -> None:
        self.column_map = column_map or ColumnMap()

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """A header of names, then rows with as many delimited values as the header."""
        text = head.decode("utf-8", "replace").lstrip("\ufeff")
        lines = [line for line in text.splitlines()[:10] if line.strip()]
        if len(head) >= 65536 and len(lines) > 2:
            lines = lines[:-1]
        if len(lines) < 2 or lines[0][:1] in ("#", "{", "[", "<"):
            return False
        delimiter = _delimiter(lines[0])
        try:
            rows = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            return False
        header = rows[0]
        if len(header) < 2 or not all(_looks_like_name(name) for name in header):
            return False
        return all(len(row) == len(header) for row in rows[1:])

    def events(self, stream: IO[bytes], path: str, problems: Problems) -> Iterator[Event]:
        """The rows of a CSV log as events; rows of the wrong width or time are skipped."""
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
        try:
            yield from self._rows(text, path, problems)
        finally:
            # Detaching leaves the caller's stream open: the caller closes what it opened.
            text.detach()

    def _rows(self, text: IO[str], path: str, problems: Problems) -> Iterator[Event]:
        first = text.readline()
        if not first.strip():
            return
        delimiter = self.column_map.delimiter or _delimiter(first)
        header = _Header(next(csv.reader([first], delimiter=delimiter)), self.column_map)
        zone = self.column_map.zone()
        reader = csv.reader(text, delimiter=delimiter)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                problems.skip(path, reader.line_num + 1, f"bad CSV: {error}")
                continue
            line = reader.line_num + 1  # the header was read before the reader started
            if not row:
                continue
            try:
                yield self._event(row, header, zone, Origin(path, line, "line"))
            except ValueError as error:
                problems.skip(path, line, str(error))

    def _event(self, row: list[str], header: _Header, zone: tzinfo, origin: Origin) -> Event:
        if len(row) != header.width:
            raise ValueError(f"{len(row)} values where the header names {header.width}")
        fields: dict[str, Any] = {}
        for name, value in zip(header.names, row, strict=True):
            fields[name] = _value(name, value)
        time = None
        if header.time is not None and row[header.time]:
            stamp = row[header.time]
            try:
                time = parse_time(stamp, self.column_map.time_format, zone)
            except (ValueError, OverflowError, OSError):
                raise ValueError(f"bad time {stamp!r}") from None
        host = row[header.host] or None if header.host is not None else None
        return Event(fields, time, host, header.logsource, origin)


def _value(name: str, value: str) -> Any:
    if value in ("", "-"):
        return None
    if name in _INTS and value.isdigit():
        return int(value)
    return value


def _looks_like_name(name: str) -> bool:
    name = name.strip()
    return 0 < len(name) <= 64 and not name.replace(".", "").replace(":", "").isdigit()
