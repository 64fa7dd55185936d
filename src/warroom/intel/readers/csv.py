"""CSV indicator lists.

Three layouts: a header naming a type column and a value column (`type,value,comment`); a
header with only a value column (`indicator,source`), types inferred; or no header at all,
the value in the first column. Other columns (comment, description, source, ...) become the
indicator's comment.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from warroom.intel.readers import Raw, ReadProblem, UnknownType, type_named

_TYPE_COLUMNS = ("type", "indicator_type", "ioc_type", "kind", "category")
_VALUE_COLUMNS = ("value", "indicator", "ioc", "observable", "data")
_COMMENT_COLUMNS = ("comment", "description", "source", "note", "notes", "tags")


def _find(header: Sequence[str], names: Sequence[str]) -> int | None:
    lowered = [name.strip().lower() for name in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def read(text: str, path: str) -> Iterator[Raw | ReadProblem]:
    """The values of CSV TEXT read from PATH."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None:
        return
    value_col = _find(header, _VALUE_COLUMNS)
    start = 2
    if value_col is None:  # no header: the first row is data
        rows = csv.reader(io.StringIO(text))
        value_col, start = 0, 1
    type_col = _find(header, _TYPE_COLUMNS) if start == 2 else None
    comment_cols = [i for i in range(len(header)) if header[i].strip().lower() in _COMMENT_COLUMNS]
    for number, row in enumerate(rows, start=start):
        yield from _row(row, str(number), path, value_col, type_col, comment_cols)


def _row(
    row: list[str],
    where: str,
    path: str,
    value_col: int,
    type_col: int | None,
    comment_cols: list[int],
) -> Iterator[Raw | ReadProblem]:
    if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
        return
    if value_col >= len(row) or not row[value_col].strip():
        yield ReadProblem(path, where, "no value in this row")
        return
    kind = None
    if type_col is not None and type_col < len(row) and row[type_col].strip():
        try:
            kind = type_named(row[type_col])
        except UnknownType:
            yield ReadProblem(path, where, f"unknown indicator type {row[type_col].strip()!r}")
            return
    comment = "; ".join(row[i].strip() for i in comment_cols if i < len(row) and row[i].strip())
    yield Raw(kind, row[value_col], where, comment)
