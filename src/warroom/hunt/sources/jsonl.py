"""JSON events: one object per line, or pretty-printed objects one after another.

Two shapes are read. Windows event records as `evtx_dump -o json` and SigmaHQ's regression
data render them (`{"Event": {"System": ..., "EventData": ...}}`), often pretty-printed and
concatenated, become Windows events exactly as the EVTX source makes them. Any other object is
a generic event: nested objects are flattened with dotted names (`{"a": {"b": 1}}` ->
`a.b`), the time comes from the first of `TIME_KEYS` present and the host from `HOST_KEYS`.
A line that is not JSON is reported with its line number and skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any, ClassVar

from warroom.hunt.sigma_logsources import channel_service
from warroom.hunt.source import Event, LogSource, Origin, Problems, Source
from warroom.hunt.sources.evtx import event_from_document, parse_time

TIME_KEYS = ("@timestamp", "timestamp", "time", "TimeCreated", "UtcTime", "date")
HOST_KEYS = ("host", "Computer", "hostname", "host.name", "computer_name")
# A pretty-printed object still unfinished after this many bytes is not one we can read.
_MAX_OBJECT = 16 * 1024 * 1024


class JsonlSource(Source):
    """JSON lines, and concatenated (pretty-printed) JSON objects."""

    name: ClassVar[str] = "jsonl"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> bool:
        """Whether HEAD starts like a JSON object."""
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")

    def events(self, stream: IO[bytes], path: str, problems: Problems) -> Iterator[Event]:
        """The events of STREAM; lines that are not JSON are reported and skipped."""
        for number, document in documents(stream, path, problems):
            if isinstance(document, dict):
                yield to_event(document, Origin(path, number, "line"))
            else:
                problems.skip(path, number, "JSON value is not an object")


def documents(stream: IO[bytes], path: str, problems: Problems) -> Iterator[tuple[int, Any]]:
    """(line number where it starts, value) of each JSON value in STREAM."""
    pending: list[str] = []
    size = 0
    start = 0
    for number, raw in enumerate(stream, start=1):
        line = raw.decode("utf-8", errors="replace")
        if not pending:
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
                continue
            except ValueError:
                if not line.lstrip().startswith("{"):
                    problems.skip(path, number, "not a JSON line")
                    continue
                start = number
        pending.append(line)
        size += len(line)
        # A pretty-printed object ends with a closing brace at the start of a line.
        if line.startswith("}") or size > _MAX_OBJECT:
            yield from _finish(pending, start, path, problems)
            pending, size = [], 0
    if pending:
        yield from _finish(pending, start, path, problems)


def _finish(
    pending: list[str], start: int, path: str, problems: Problems
) -> Iterator[tuple[int, Any]]:
    try:
        yield start, json.loads("".join(pending))
    except ValueError as exc:
        problems.skip(path, start, f"invalid JSON object: {exc}")


def to_event(document: dict[str, Any], origin: Origin) -> Event:
    """The event of one JSON object: a Windows record or a generic event."""
    event = document.get("Event")
    if isinstance(event, dict) and "System" in event:
        return event_from_document(document, origin)
    fields = flatten(document)
    channel = fields.get("Channel")
    if isinstance(channel, str) and "EventID" in fields:
        logsource = LogSource(product="windows", service=channel_service(channel))
    else:
        logsource = LogSource()
    return Event(
        fields=fields,
        time=parse_time(_first(fields, TIME_KEYS)),
        host=_first(fields, HOST_KEYS),
        logsource=logsource,
        origin=origin,
    )


def _first(fields: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = fields.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def flatten(document: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """DOCUMENT with nested objects flattened to dotted names; lists kept as they are."""
    flat: dict[str, Any] = {}
    for key, value in document.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat
