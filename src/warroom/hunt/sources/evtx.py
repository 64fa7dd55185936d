"""Windows event logs (.evtx), read with the Rust-backed `evtx` parser.

Each record is rendered by `evtx` as JSON (`records_json()`), which is cheaper to turn into
flat fields than its XML rendering (one `json.loads` against an XML parse plus a tree walk).
`flatten` names the fields as Sigma rules name them: `System` gives Channel, EventID (an int),
Provider_Name, Computer, ...; `EventData`/`UserData` give one field per named `Data` item (or
leaf element); unnamed `Data` items become `Data` (all of them, one per line) and
`Data1`..`DataN`. Every value except EventID is a string, as Sigma compares them.

The JSON rendering of a record is also what `evtx_dump -o json` writes, so the JSON lines
source (`sources/jsonl.py`) reuses `flatten` and `event_from_document`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any, ClassVar

from evtx import PyEvtxParser

from warroom.hunt.errors import SourceError
from warroom.hunt.sigma_logsources import channel_service
from warroom.hunt.source import Event, LogSource, Origin, Problems, Source

_MAGIC = b"ElfFile\x00"
_EXTRA_DIGITS = re.compile(r"(\.\d{6})\d+")
# A file whose every chunk is broken would otherwise report one problem per record forever.
_MAX_CONSECUTIVE_ERRORS = 10_000
_SMALL = 4 * 1024 * 1024


class EvtxSource(Source):
    """Windows event log files (the binary EVTX format)."""

    name: ClassVar[str] = "evtx"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """Whether HEAD starts with the EVTX file header signature."""
        return head.startswith(_MAGIC)

    def events(self, stream: IO[bytes], path: str, problems: Problems) -> Iterator[Event]:
        """The records of STREAM as events; a corrupt record is reported and skipped."""
        try:
            parser = PyEvtxParser(stream, number_of_threads=_threads(stream))
            records = iter(parser.records_json())
        except (OSError, RuntimeError, ValueError) as exc:
            raise SourceError(path, f"not a readable EVTX file: {exc}") from exc
        yield from _read(records, path, problems)


def _threads(stream: IO[bytes]) -> int:
    """1 for small files: starting evtx's thread pool costs more than parsing a few chunks.

    Measured on SigmaHQ's regression samples (one or two 64 KiB chunks each): 5,800
    records/s with the default pool, 11,600 with one thread.
    """
    try:
        size = stream.seek(0, io.SEEK_END)
        stream.seek(0)
    except (OSError, ValueError):
        return 0
    return 1 if size < _SMALL else 0


def _read(records: Iterator[Any], path: str, problems: Problems) -> Iterator[Event]:
    errors = 0
    position = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except (OSError, RuntimeError, ValueError) as exc:
            # The parser reports a bad record and resumes with the next one.
            errors += 1
            problems.skip(path, position + 1, f"corrupt EVTX record: {exc}")
            if errors > _MAX_CONSECUTIVE_ERRORS:
                problems.skip(path, None, "too many corrupt records; rest of file skipped")
                return
            continue
        errors = 0
        position = record.get("event_record_id", position + 1)
        try:
            document = json.loads(record["data"])
        except (KeyError, TypeError, ValueError) as exc:
            problems.skip(path, position, f"record not rendered as JSON: {exc}")
            continue
        yield event_from_document(document, Origin(path, position, "record"))


def event_from_document(document: dict[str, Any], origin: Origin) -> Event:
    """The event of one record in evtx's JSON rendering (`{"Event": {"System": ...}}`)."""
    fields = flatten(document)
    return Event(
        fields=fields,
        time=parse_time(fields.get("TimeCreated")),
        host=fields.get("Computer"),
        logsource=LogSource(product="windows", service=channel_service(fields.get("Channel", ""))),
        origin=origin,
    )


def flatten(document: dict[str, Any]) -> dict[str, Any]:
    """Flat Sigma-named fields of one record in evtx's JSON rendering."""
    event = document.get("Event", document)
    if not isinstance(event, dict):
        return {}
    fields: dict[str, Any] = {}
    system = event.get("System")
    if isinstance(system, dict):
        _system(system, fields)
    for section in ("EventData", "UserData"):
        data = event.get(section)
        if isinstance(data, dict):
            _data(data, fields)
        elif data is not None:
            _put(fields, "Data", data)
    return fields


def _system(system: dict[str, Any], fields: dict[str, Any]) -> None:
    for key, value in system.items():
        kind = type(value)
        # Strings and ints first: most System values are (Channel, Computer, Level, Task...).
        if kind is str:
            fields[key] = value
        elif kind is int:
            fields[key] = value if key == "EventID" else str(value)
        elif kind is dict:
            _system_element(key, value, fields)
        elif key == "EventID":
            fields["EventID"] = _int(value)
        elif value is not None:
            fields[key] = _text(value)


def _system_element(key: str, value: dict[str, Any], fields: dict[str, Any]) -> None:
    """An element of System with attributes: Provider, TimeCreated, Execution, EventID..."""
    attributes = value.get("#attributes")
    if key == "EventID":
        fields["EventID"] = _int(value.get("#text"))
        if isinstance(attributes, dict) and "Qualifiers" in attributes:
            fields["Qualifiers"] = _text(attributes["Qualifiers"])
    elif key == "TimeCreated" and isinstance(attributes, dict):
        fields["TimeCreated"] = _text(attributes.get("SystemTime"))
    elif isinstance(attributes, dict):
        # Provider Name/Guid -> Provider_Name/Provider_Guid, Execution ProcessID, ...
        for name, item in attributes.items():
            joined = f"{key}_{name}" if key == "Provider" else name
            fields[joined] = item if type(item) is str else _text(item)


def _data(data: dict[str, Any], fields: dict[str, Any]) -> None:
    for name, value in data.items():
        # Defender writes "Threat Name", "Process Name"; Sigma rules name them without spaces.
        key = name.replace(" ", "") if " " in name else name
        if type(value) is str and key != "Data":
            fields[key] = value  # the common case, first: it is most of the parsing time
        elif key == "#attributes":
            continue
        elif key == "Data" and not isinstance(value, dict):
            _unnamed(value, fields)
        elif isinstance(value, dict):
            if "#text" in value:
                _put(fields, key, value["#text"])
            else:
                # UserData nests one element per provider; its leaves are the fields.
                _data(value, fields)
        elif value is not None:
            _put(fields, key, value)


def _unnamed(value: Any, fields: dict[str, Any]) -> None:
    items = value if isinstance(value, list) else [value]
    texts = [_text(item) for item in items if item is not None]
    fields["Data"] = "\n".join(texts)
    for number, text in enumerate(texts, start=1):
        fields[f"Data{number}"] = text


def _put(fields: dict[str, Any], key: str, value: Any) -> None:
    if key == "Data":
        _unnamed(value, fields)
    elif value is not None:
        fields[key] = _text(value)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return _text(value.get("#text", ""))
    if isinstance(value, list):
        return "\n".join(_text(item) for item in value)
    return str(value)


def _int(value: Any) -> int | str:
    try:
        return int(value)
    except (TypeError, ValueError):
        return _text(value)


def parse_time(value: Any) -> datetime | None:
    """An aware UTC datetime from an ISO 8601 time stamp as Windows writes them, or None."""
    if not isinstance(value, str) or not value:
        return None
    # Windows writes 7 fractional digits; Python reads at most 6.
    text = _EXTRA_DIGITS.sub(r"\1", value.strip().replace(" ", "T", 1))
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
