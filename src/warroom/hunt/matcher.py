"""What every event matcher does: take a batch of events, give back findings.

Matchers (`matchers/sigma.py`, `matchers/ioc.py`) see the events in batches, so that many
rules are evaluated per scan of the data; file matchers (`matchers/yara.py`) see files.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence

from warroom.hunt.finding import Finding
from warroom.hunt.source import Event


class Matcher(abc.ABC):
    """Rules evaluated over batches of events."""

    name: str

    @abc.abstractmethod
    def scan(self, events: Sequence[Event]) -> Iterator[Finding]:
        """The findings in EVENTS; called once per batch, batches in evidence order."""
