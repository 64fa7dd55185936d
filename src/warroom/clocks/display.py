"""How clocks read to people: spans of time, recorded answers, state badges, warning notes.

Shared by the pages, the reminder messages and the timeline text, so that a deadline reads the
same everywhere ("due 2025-08-13 10:00 UTC", "3 h 20 min left", "overdue by 1 h").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from warroom.clocks.choices import ClockState

__all__ = [
    "STATE_BADGE",
    "entity_label",
    "is_warning",
    "moment",
    "span",
    "time_left_text",
    "value_text",
]

# The stylesheet's classes (warroom.css, "Regulatory clocks"); the badge's text carries the
# meaning, the colour repeats it.
STATE_BADGE = {state: f"clock-{state.value}" for state in ClockState}

# Notes that must stand out: the reference marks these points as not (yet) settled law.
_WARNING_WORDS = ("unconfirmed", "proposed", "not in force")


def span(delta: timedelta) -> str:
    """DELTA (taken as positive) in days, hours and minutes: "1 d 4 h", "30 min", "0 min"."""
    seconds = abs(delta).total_seconds()
    if 0 < seconds < 60:
        return "under 1 min"
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else ""]
    if minutes and not days:
        parts.append(f"{minutes} min")
    return " ".join(p for p in parts if p) or "0 min"


def time_left_text(left: timedelta | None) -> str:
    """What the dashboard says about LEFT: "3 h left", "overdue by 20 min", "no fixed time"."""
    if left is None:
        return "no fixed time"
    if left <= timedelta(0):
        return f"overdue by {span(left)}"
    return f"{span(left)} left"


def moment(when: datetime | None) -> str:
    """WHEN in UTC to the minute, or "not known yet"."""
    if when is None:
        return "not known yet"
    return f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def entity_label(entity: str) -> str:
    """The label of an entity type of FACTS.json: telecom_provider reads "Telecom provider"."""
    special = {
        "sec_registrant": "SEC registrant",
        "us_critical_infrastructure": "US critical infrastructure",
    }
    return special.get(entity, entity.replace("_", " ").capitalize())


def value_text(value: Any) -> str:
    """A recorded answer (the JSON of a Fact row) as a person reads it."""
    if value is None or value == []:
        return "Not known yet"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(entity_label(v) if "_" in v or v.islower() else v for v in value)
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and "T" in value:
        try:
            return moment(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    return str(value)


def is_warning(note: str) -> bool:
    """True for a note saying a rule is unconfirmed or only proposed."""
    lowered = note.lower()
    return any(word in lowered for word in _WARNING_WORDS)
