"""What every event matcher does: take a batch of events, give back findings.

Matchers (`matchers/sigma.py`, `matchers/ioc.py`) see the events in batches, so that many
rules are evaluated per scan of the data: lists of `Event`s, or `EventTable`s from sources
that read straight to columns. File matchers (`matchers/yara.py`) see files.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Sequence

from warroom.hunt.finding import Finding
from warroom.hunt.source import Event, EventTable


class Matcher(abc.ABC):
    """Rules evaluated over batches of events."""

    name: str

    @abc.abstractmethod
    def scan(self, events: Sequence[Event]) -> Iterator[Finding]:
        """The findings in EVENTS; called once per batch, batches in evidence order."""

    def scan_table(self, table: EventTable) -> Iterator[Finding]:
        """The findings in TABLE; matchers that read columns override this."""
        yield from self.scan(table.events(range(len(table))))
