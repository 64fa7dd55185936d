"""The Arrow table of a batch of events: one string column per field the rules use.

`event_table` builds it from `Event` objects, `table_columns` from an `EventTable`'s columns.

Only the columns some rule reads are built, and a field no event of the batch has becomes an
all-null column without a pass over the events: rules name hundreds of fields, a table of
events has a few dozen. Case-insensitive comparisons read a lower-cased copy made with
Arrow's vectorised `utf8_lower`.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from warroom.hunt.matchers._sigma_sql import ALL_FIELDS
from warroom.hunt.source import Event


def event_table(events: list[Event], columns: dict[str, tuple[str, bool]]) -> pa.Table:
    """An Arrow table of EVENTS with COLUMNS: name -> (field, whether lower-cased)."""
    raw: dict[str, pa.Array] = {}
    arrays = {}
    # Rules name hundreds of fields an event table never has; those columns are all null.
    present: set[str] = {ALL_FIELDS}
    for event in events:
        present.update(event.fields)
    for name, (field_name, lowered) in columns.items():
        if field_name not in raw:
            raw[field_name] = (
                _field_array(events, field_name)
                if field_name in present
                else pa.nulls(len(events), pa.string())
            )
        array = raw[field_name]
        arrays[name] = pc.utf8_lower(array) if lowered else array
    return pa.table(arrays)


def table_columns(source: pa.Table, columns: dict[str, tuple[str, bool]]) -> pa.Table:
    """The columns of SOURCE (an EventTable's columns) that COLUMNS name, as `event_table`.

    The same values as `event_table` gives for the same events, without leaving Arrow: ints
    become their decimal strings, a field the table lacks is all null.
    """
    raw: dict[str, pa.ChunkedArray | pa.Array] = {}
    arrays = {}
    rows = source.num_rows
    for name, (field_name, lowered) in columns.items():
        if field_name not in raw:
            raw[field_name] = _column(source, field_name, rows)
        array = raw[field_name]
        arrays[name] = pc.utf8_lower(array) if lowered else array
    return pa.table(arrays)


def _column(source: pa.Table, field_name: str, rows: int) -> pa.ChunkedArray | pa.Array:
    if field_name == ALL_FIELDS:
        texts = [_as_text(column) for column in source.columns]
        if not texts:
            return pa.nulls(rows, pa.string())
        return pc.binary_join_element_wise(*texts, "\n", null_handling="skip")
    if field_name not in source.column_names:
        return pa.nulls(rows, pa.string())
    return _as_text(source.column(field_name))


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return column if pa.types.is_string(column.type) else pc.cast(column, pa.string())


def _field_array(events: list[Event], field_name: str) -> pa.Array:
    if field_name == ALL_FIELDS:
        values: list[str | None] = [
            "\n".join([v if type(v) is str else str(v) for v in e.fields.values() if v is not None])
            for e in events
        ]
    else:
        values = [event.fields.get(field_name) for event in events]
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())
