"""Deadline arithmetic: from the instant a clock starts to the instant it is due.

Four kinds of rule, each a frozen dataclass, written in a regime file's `deadline:`:

- `Hours(24)`: elapsed hours. They run through nights, weekends and holidays, and a daylight
  saving change does not stretch them: 24 h after 01:00 on the night the clocks go forward
  is 02:00 local time the next day.
- `Hours(4, cap=Cap("aware_at", 24))`: the DORA pattern, "within 4 hours from classification
  but no later than 24 hours from awareness". If the clock starts at or after the cap, the
  cap has passed and the hours count from the start alone (RTS 2025/301 Art. 5(2), draft).
- `BusinessDays(4, "US")`: the end (local midnight) of the Nth business day after the day the
  clock starts, in the regime's time zone, skipping Saturdays, Sundays and the public
  holidays of the named calendar (`holidays` package: "US", "DE", "DE-BY"...).
- `Months(1)`: the same local clock time one calendar month later; the 31st becomes the last
  day of a shorter month.
- `NoFixedTime("as soon as reasonably practicable")`: the law sets no fixed time; due None.

Every function takes and returns aware datetimes and returns UTC.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "BusinessDays",
    "Cap",
    "Deadline",
    "Due",
    "Hours",
    "Months",
    "NoFixedTime",
    "add_business_days",
    "add_months",
    "compute_due",
    "holiday_calendar",
    "is_business_day",
]


@dataclass(frozen=True)
class Cap:
    """A second, outer limit: no later than HOURS after the fact FACT."""

    fact: str
    hours: int


@dataclass(frozen=True)
class Hours:
    """Due HOURS elapsed hours after the start (optionally capped)."""

    hours: int
    cap: Cap | None = None


@dataclass(frozen=True)
class BusinessDays:
    """Due at the end of the DAYS-th business day after the start day, per CALENDAR."""

    days: int
    calendar: str


@dataclass(frozen=True)
class Months:
    """Due MONTHS calendar months after the start, at the same local time."""

    months: int


@dataclass(frozen=True)
class NoFixedTime:
    """No fixed deadline; WORDING is the law's ("without undue delay", "on request")."""

    wording: str


Deadline = Hours | BusinessDays | Months | NoFixedTime


@dataclass(frozen=True)
class Due:
    """The computed deadline (None: no fixed time) and sentences explaining how."""

    at: datetime | None
    notes: tuple[str, ...] = ()


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: every clock time must carry its zone")
    return value.astimezone(UTC)


@cache
def holiday_calendar(name: str) -> holidays.HolidayBase:
    """The public holidays of NAME: a country code, optionally with a subdivision ("DE-BY")."""
    country, _, subdiv = name.partition("-")
    return holidays.country_holidays(country, subdiv=subdiv or None)


def is_business_day(day: date, calendar_name: str) -> bool:
    """Monday to Friday and not a public holiday of CALENDAR_NAME."""
    return day.weekday() < 5 and day not in holiday_calendar(calendar_name)


def add_business_days(start: datetime, days: int, calendar_name: str, zone: ZoneInfo) -> datetime:
    """The end (next local midnight) of the DAYS-th business day after START's local day."""
    day = _utc(start).astimezone(zone).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_business_day(day, calendar_name):
            counted += 1
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return end.astimezone(UTC)


def add_months(start: datetime, months: int, zone: ZoneInfo) -> datetime:
    """START plus MONTHS calendar months at the same local time, clamped to the month's end."""
    local = _utc(start).astimezone(zone)
    index = local.year * 12 + local.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    moved = local.replace(year=year, month=month, day=day, fold=0)
    return max(moved.astimezone(UTC), _utc(start))


def _hours(rule: Hours, start: datetime, cap_from: datetime | None) -> Due:
    due = start + timedelta(hours=rule.hours)
    if rule.cap is None:
        return Due(due)
    if cap_from is None:
        return Due(
            due,
            (
                f"Also due no later than {rule.cap.hours} h after {rule.cap.fact}, "
                "which is not recorded yet.",
            ),
        )
    limit = _utc(cap_from) + timedelta(hours=rule.cap.hours)
    if start >= limit:
        return Due(
            due,
            (
                f"Started {rule.cap.hours} h or more after {rule.cap.fact}: due "
                f"{rule.hours} h after the start.",
            ),
        )
    if limit < due:
        return Due(limit, (f"Due {rule.cap.hours} h after {rule.cap.fact}, the earlier limit.",))
    return Due(due)


def compute_due(
    rule: Deadline, start: datetime, zone: ZoneInfo, *, cap_from: datetime | None = None
) -> Due:
    """When a clock of RULE started at START is due; ZONE is the regime's local time."""
    start = _utc(start)
    if isinstance(rule, Hours):
        return _hours(rule, start, cap_from)
    if isinstance(rule, BusinessDays):
        due = add_business_days(start, rule.days, rule.calendar, zone)
        return Due(
            due,
            (
                f"{rule.days} business days ({rule.calendar} holidays, {zone.key} time): "
                "due at the end of the last one.",
            ),
        )
    if isinstance(rule, Months):
        return Due(add_months(start, rule.months, zone))
    return Due(None, (f"No fixed deadline: {rule.wording}.",))
