"""Events as the columnar sources give them: an `EventTable` of a list of events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pyarrow as pa

from warroom.hunt.finding import Finding
from warroom.hunt.source import Event, EventTable


def as_table(events: Sequence[Event]) -> EventTable:
    """EVENTS (of one log source and file) as one EventTable; absent fields are null."""
    first = events[0]
    names: dict[str, None] = {}
    for event in events:
        names.update(dict.fromkeys(event.fields))
    columns = pa.Table.from_pylist([{n: e.fields.get(n) for n in names} for e in events])
    return EventTable(
        columns=columns,
        logsource=first.logsource,
        path=first.origin.path,
        unit=first.origin.unit,
        positions=pa.array([e.origin.position for e in events], pa.int64()),
        times=pa.array([e.time for e in events], pa.timestamp("us", tz="UTC")),
        hosts=pa.array([e.host for e in events], pa.string()),
    )


def without_nulls(findings: Sequence[Finding]) -> list[Finding]:
    """FINDINGS with null fields left out of their events.

    A table has a column for every field any of its events has, so a row shows as null
    what the event lacked; apart from that a finding from a table equals one from events.
    """
    return [
        replace(f, fields={k: v for k, v in f.fields.items() if v is not None}) for f in findings
    ]
