"""Plain indicator lists: one value per line, its type inferred.

Blank lines and lines starting with `#` are skipped; ` # text` after a value is its comment
(a bare `#` inside a value is kept, because URLs carry fragments).
"""

from __future__ import annotations

from collections.abc import Iterator

from warroom.intel.readers import Raw, ReadProblem


def read(text: str, path: str) -> Iterator[Raw | ReadProblem]:
    """The values of a plain list TEXT read from PATH, one per line."""
    for number, line in enumerate(text.splitlines(), start=1):
        value, _, comment = line.partition(" #")
        value = value.strip()
        if not value or value.startswith("#"):
            continue
        yield Raw(None, value, str(number), comment.strip())
