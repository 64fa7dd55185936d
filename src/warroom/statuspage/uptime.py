"""90 daily uptime bars per component, computed from its status changes.

A component's history is the list of its `ComponentStatusChange` rows: from each change on,
it held that change's `to_status`. Each bar is one UTC day, never a day of the page's time
zone: a day of 23 or 25 hours would make the bars incomparable. For each day we count the
seconds spent in `major_outage` and in `partial_outage`, out of the seconds counted: the part
of the day after the component's `start_date` (or, without one, its creation) and before now.

    uptime = 1 - (major + 0.3 * partial) / counted

A partial outage weighs 30 % of a major one, as Statuspage and Instatus weigh them; degraded
performance and maintenance count as up (docs/statuspage.md gives the sources).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import OuterRef, Subquery

from warroom.catalog.choices import ComponentStatus
from warroom.catalog.models import Component, ComponentStatusChange

__all__ = [
    "DAYS",
    "PARTIAL_WEIGHT",
    "ComponentUptime",
    "DayBar",
    "day_bars",
    "uptime_for",
]

DAYS = 90
PARTIAL_WEIGHT = 0.3
DAY = timedelta(days=1)
# A day's colour by its weighted downtime in minutes: none, under 30 min, under 4 h, more.
LEVELS = ((0.0, "ok"), (30.0, "minor"), (240.0, "major"))

Change = tuple[datetime, str]


@dataclass(frozen=True)
class DayBar:
    """One UTC day of one component: seconds counted, and spent in each kind of outage."""

    day: date
    counted: int
    major: int
    partial: int

    @property
    def has_data(self) -> bool:
        return self.counted > 0

    @property
    def downtime_minutes(self) -> float:
        """Weighted downtime: major minutes plus 0.3 of partial minutes."""
        return (self.major + PARTIAL_WEIGHT * self.partial) / 60

    @property
    def uptime(self) -> float | None:
        """Uptime in percent, None for a day with no data."""
        if not self.counted:
            return None
        return 100.0 * (1 - (self.major + PARTIAL_WEIGHT * self.partial) / self.counted)

    @property
    def level(self) -> str:
        """The bar's colour class: nodata, ok, minor, major or critical."""
        if not self.counted:
            return "nodata"
        downtime = self.downtime_minutes
        if downtime == 0:
            return "ok"
        for limit, name in LEVELS[1:]:
            if downtime < limit:
                return name
        return "critical"

    @property
    def label(self) -> str:
        """The day's accessible name: "12 Aug 2025: 97.3% uptime, major outage 38 min"."""
        when = f"{self.day.day} {self.day:%b %Y}"
        if not self.counted:
            return f"{when}: no data"
        parts = [f"{when}: {percent(self.uptime, 1)} uptime"]
        if self.major:
            parts.append(f"major outage {_minutes(self.major)} min")
        if self.partial:
            parts.append(f"partial outage {_minutes(self.partial)} min")
        if len(parts) == 1:
            parts.append("no downtime")
        return ", ".join(parts)


@dataclass(frozen=True)
class ComponentUptime:
    """A component's bars, oldest day first, and its uptime over all of them."""

    component: Component
    days: list[DayBar]

    @property
    def uptime(self) -> float | None:
        counted = sum(day.counted for day in self.days)
        if not counted:
            return None
        down = sum(day.major + PARTIAL_WEIGHT * day.partial for day in self.days)
        return 100.0 * (1 - down / counted)

    @property
    def uptime_text(self) -> str:
        return percent(self.uptime, 2)


def percent(value: float | None, places: int) -> str:
    """VALUE rounded down to PLACES decimals, so a day with any downtime never reads 100%."""
    if value is None:
        return "no data"
    scale = 10**places
    return f"{math.floor(value * scale + 1e-9) / scale:.{places}f}%"


def _minutes(seconds: int) -> int:
    """Whole minutes, at least one for any outage at all."""
    return max(1, round(seconds / 60))


def utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def data_start(component: Component) -> datetime:
    """When the component's uptime starts counting: its start date, else its creation."""
    if component.start_date is not None:
        return utc_midnight(component.start_date)
    return component.created_at


def day_bars(
    initial: str, changes: Sequence[Change], start: datetime, now: datetime, days: int = DAYS
) -> list[DayBar]:
    """DAYS bars ending with NOW's UTC day, oldest first.

    INITIAL is the status held when the first bar's day began; CHANGES (time, new status),
    in time order, move it. Nothing is counted before START or after NOW.
    """
    first_day = now.astimezone(UTC).date() - timedelta(days=days - 1)
    segments = _segments(initial, changes, utc_midnight(first_day), now)
    bars = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        lo = max(utc_midnight(day), start)
        hi = min(utc_midnight(day) + DAY, now)
        bars.append(_bar(day, segments, lo, hi))
    return bars


def _segments(
    initial: str, changes: Sequence[Change], begin: datetime, end: datetime
) -> list[tuple[datetime, datetime, str]]:
    """The statuses held from BEGIN to END as (from, to, status) pieces."""
    pieces = []
    status, since = initial, begin
    for at, new in changes:
        if at <= since:
            status = new
            continue
        if at >= end:
            break
        pieces.append((since, at, status))
        status, since = new, at
    if since < end:
        pieces.append((since, end, status))
    return pieces


def _bar(
    day: date, segments: Iterable[tuple[datetime, datetime, str]], lo: datetime, hi: datetime
) -> DayBar:
    if hi <= lo:
        return DayBar(day, 0, 0, 0)
    spent = {ComponentStatus.MAJOR_OUTAGE.value: 0, ComponentStatus.PARTIAL_OUTAGE.value: 0}
    for begin, end, status in segments:
        overlap = (min(end, hi) - max(begin, lo)).total_seconds()
        if overlap > 0 and status in spent:
            spent[status] += int(overlap)
    counted = int((hi - lo).total_seconds())
    return DayBar(day, counted, spent["major_outage"], spent["partial_outage"])


def uptime_for(components: Iterable[Component], now: datetime) -> dict[int, ComponentUptime]:
    """Each component's bars over the DAYS UTC days ending today, by primary key.

    Two queries for any number of components: the status each held before the window, and
    the changes inside it.
    """
    rows = list(components)
    window = utc_midnight(now.astimezone(UTC).date() - timedelta(days=DAYS - 1))
    before = _status_before(rows, window)
    changes: dict[int, list[Change]] = {row.pk: [] for row in rows}
    inside = ComponentStatusChange.objects.filter(
        component__in=rows, changed_at__gte=window, changed_at__lte=now
    ).order_by("changed_at", "id")
    first_from: dict[int, str] = {}
    for pk, at, old, new in inside.values_list(
        "component", "changed_at", "from_status", "to_status"
    ):
        first_from.setdefault(pk, old)
        changes[pk].append((at, new))
    result = {}
    for row in rows:
        initial = before.get(row.pk) or first_from.get(row.pk) or row.status
        bars = day_bars(initial, changes[row.pk], data_start(row), now)
        result[row.pk] = ComponentUptime(row, bars)
    return result


def _status_before(rows: list[Component], moment: datetime) -> dict[int, str]:
    """The status each component was left in by its last change before MOMENT."""
    last = ComponentStatusChange.objects.filter(
        component=OuterRef("pk"), changed_at__lt=moment
    ).order_by("-changed_at", "-id")
    annotated = Component.objects.filter(pk__in=[row.pk for row in rows]).annotate(
        before=Subquery(last.values("to_status")[:1])
    )
    return {pk: status for pk, status in annotated.values_list("pk", "before") if status}
