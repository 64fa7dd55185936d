"""A finding: a rule, an indicator or a YARA signature that fired on a piece of evidence."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from warroom.hunt.source import Origin


class Level(enum.IntEnum):
    """Sigma's levels, ordered so that `--fail-on high` can compare."""

    INFORMATIONAL = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, name: str) -> Level:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            known = ", ".join(level.name.lower() for level in cls)
            raise ValueError(f"unknown level {name!r}; known levels: {known}") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Finding:
    """What fired, where, and on what.

    `author` is kept because the Detection Rule License of SigmaHQ rules requires crediting the
    rule's author wherever its findings are shown.
    """

    matcher: str  # "sigma", "ioc" or "yara"
    rule_id: str
    title: str
    level: Level
    origin: Origin
    time: datetime | None = None
    host: str | None = None
    tags: tuple[str, ...] = ()
    author: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    detail: str = ""  # e.g. the indicator value matched, or the YARA strings that matched
