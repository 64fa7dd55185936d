"""What every evidence source yields: events, with where they came from.

A source reads one format (`sources/evtx.py`, `sources/w3c.py`, ...). It is a generator: it
never loads a whole file, and a corrupt record is reported to `Problems` with its file and
position, then skipped; the loop goes on. A file that cannot be read at all raises SourceError.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any, ClassVar, NamedTuple

import pyarrow as pa


class Origin(NamedTuple):
    """Where an event is in the evidence: file (and archive member), record or line number."""

    path: str
    position: int
    unit: str = "record"  # "record" (EVTX record id, CSV row) or "line" (text logs)

    def __str__(self) -> str:
        return f"{self.path}:{self.unit} {self.position}"


class LogSource(NamedTuple):
    """Sigma's logsource triple, as the source knows it.

    Windows event logs: product "windows" and the service of the channel ("security",
    "sysmon", "system", "powershell", ...). Web server logs: category "webserver" and the server
    as service ("iis", "apache", "nginx"). Firewall and proxy CSV: category "firewall"/"proxy".
    """

    product: str | None = None
    category: str | None = None
    service: str | None = None


@dataclass(slots=True)
class Event:
    """One record of evidence.

    `fields` are flat, named as Sigma rules name them (Channel, EventID, Provider_Name,
    Computer, Image, CommandLine, ...; cs-method, cs-uri-stem, c-ip, ... for IIS). `time` is UTC.
    """

    fields: dict[str, Any]
    time: datetime | None
    host: str | None
    logsource: LogSource
    origin: Origin


@dataclass(slots=True)
class EventTable:
    """Events of one log source from one file, in columns: what a columnar source yields.

    `columns` has one column per field, named as `Event.fields` name them (so a table's row
    and the event the same line would give agree): strings, or int64 where the event has an
    int. A field the rows lack is null. `positions` are the rows' line or record numbers,
    `times` their UTC times (null when unknown) and `hosts` their host (None: no host field).
    Matchers evaluate the columns as they are; `events` builds Event objects only for the rows
    a finding needs.
    """

    columns: pa.Table
    logsource: LogSource
    path: str
    unit: str  # "line" or "record", as Origin.unit
    positions: pa.Array  # int64
    times: pa.Array  # timestamp[us, tz=UTC]
    hosts: pa.Array | None = None  # string

    def __len__(self) -> int:
        return int(self.columns.num_rows)

    def events(self, rows: Sequence[int]) -> list[Event]:
        """The events of ROWS (indexes into the table), in that order."""
        if not rows:
            return []
        picked = pa.array(rows, pa.int64())
        records = self.columns.take(picked).to_pylist()
        positions = self.positions.take(picked).to_pylist()
        times = self.times.take(picked).to_pylist()
        hosts = self.hosts.take(picked).to_pylist() if self.hosts is not None else None
        return [
            Event(
                fields=record,
                time=times[n],
                host=hosts[n] if hosts is not None else None,
                logsource=self.logsource,
                origin=Origin(self.path, positions[n], self.unit),
            )
            for n, record in enumerate(records)
        ]


def event_columns(events: Sequence[Event]) -> pa.Table | None:
    """The fields of EVENTS as columns (a field an event lacks is null), or None.

    None when a field holds values of different types (an int in one event, a string in
    another): the caller then reads the events one by one. Arrow builds the columns in C++,
    several times faster than a Python pass per field.
    """
    try:
        # Not Table.from_pylist: it takes its columns from the first event's fields alone.
        return pa.Table.from_struct_array(pa.array([event.fields for event in events]))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


class Skip(NamedTuple):
    """A record or file that was not read, and why."""

    path: str
    position: int | None  # None: the whole file
    reason: str

    def __str__(self) -> str:
        where = self.path if self.position is None else f"{self.path}:{self.position}"
        return f"{where}: {self.reason}"


@dataclass
class Problems:
    """Collects what a hunt skipped; keeps the first `keep` in full and counts the rest."""

    keep: int = 1000
    skipped: list[Skip] = field(default_factory=list)
    count: int = 0

    def skip(self, path: str, position: int | None, reason: str) -> None:
        """Note that the record at POSITION of PATH (or the whole file) was skipped."""
        self.count += 1
        if len(self.skipped) < self.keep:
            self.skipped.append(Skip(path, position, reason))


class Source(abc.ABC):
    """One evidence format."""

    name: ClassVar[str]  # what --format takes: "evtx", "w3c", "combined", "jsonl", "csv"
    columnar: ClassVar[bool] = False  # whether `tables` reads the format straight to columns

    @classmethod
    @abc.abstractmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """Whether a file starting with HEAD (its first 64 KiB or less) is in this format."""

    @abc.abstractmethod
    def events(self, stream: IO[bytes], path: str, problems: Problems) -> Iterator[Event]:
        """The events of STREAM (opened binary from PATH), skipping and reporting bad records."""

    def tables(
        self, stream: IO[bytes], path: str, problems: Problems, rows: int
    ) -> Iterator[EventTable]:
        """The events of STREAM as tables of at most ROWS rows (sources that are `columnar`).

        Tables hold the same events `events` gives, with the same problems reported.
        """
        raise NotImplementedError(f"{self.name} is not a columnar source")
