"""Obligations as people read them at one instant: rows for tables, the case page's section.

`case_clock_context` feeds `clocks/_case_clocks.html` on the case page; the clock pages
(`views.py`) build their tables from `clock_rows` too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.urls import reverse

from warroom.cases.models import Incident
from warroom.clocks.choices import ClockState, ObligationStatus
from warroom.clocks.display import STATE_BADGE, is_warning, time_left_text
from warroom.clocks.models import Obligation

__all__ = ["ClockRow", "case_clock_context", "case_order", "clock_rows"]

# Open first (soonest deadline first), then what was sent, then what does not apply.
_STATUS_ORDER = {
    ObligationStatus.OPEN: 0,
    ObligationStatus.SUBMITTED: 1,
    ObligationStatus.NOT_APPLICABLE: 2,
}


@dataclass(frozen=True)
class ClockRow:
    """An obligation read against the clock at one instant."""

    obligation: Obligation
    state: ClockState
    left: timedelta | None

    @property
    def badge(self) -> str:
        return STATE_BADGE[self.state]

    @property
    def left_text(self) -> str:
        if self.state in (ClockState.SUBMITTED, ClockState.NOT_APPLICABLE):
            return "—"
        return time_left_text(self.left)

    @property
    def notes(self) -> list[tuple[str, bool]]:
        """(note, is a warning) for each line of the obligation's notes."""
        return [(line, is_warning(line)) for line in self.obligation.notes.splitlines() if line]

    @property
    def warnings(self) -> list[str]:
        return [line for line, warning in self.notes if warning]

    @property
    def caution(self) -> str:
        """The warnings in brief, for tables: "proposed rule; 2 unconfirmed points"."""
        lowered = [line.lower() for line in self.warnings]
        parts = []
        if any("proposed" in line or "not in force" in line for line in lowered):
            parts.append("proposed rule, not in force")
        unconfirmed = sum("unconfirmed" in line for line in lowered)
        if unconfirmed:
            parts.append(f"{unconfirmed} unconfirmed point{'s' if unconfirmed > 1 else ''}")
        return "; ".join(parts)


def clock_rows(obligations: Any, now: datetime) -> list[ClockRow]:
    """OBLIGATIONS (any iterable) as rows at NOW, in the order given."""
    return [ClockRow(o, o.state(now), o.time_left(now)) for o in obligations]


def case_order(rows: list[ClockRow]) -> list[ClockRow]:
    def key(row: ClockRow) -> tuple[int, int, datetime, str]:
        due = row.obligation.due_at
        return (
            _STATUS_ORDER[ObligationStatus(row.obligation.status)],
            due is None,
            due or datetime.max.replace(tzinfo=UTC),
            row.obligation.key,
        )

    return sorted(rows, key=key)


def case_clock_context(case: Incident, now: datetime) -> dict[str, Any]:
    """What `clocks/_case_clocks.html` needs on the case page; one query."""
    # Through the case, so each row knows its case without a query of its own.
    rows = case_order(clock_rows(case.obligations.all(), now))
    return {
        "clock_rows": rows,
        "clock_open": sum(1 for row in rows if row.obligation.status == ObligationStatus.OPEN),
        "clock_overdue": sum(1 for row in rows if row.state == ClockState.OVERDUE),
        "clock_url": reverse("case-clocks", args=[case.reference]),
    }
