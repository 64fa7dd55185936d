"""Uptime bars: minutes per UTC day, the 0.3 weight of partial outages, and the day edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.catalog.choices import ComponentStatus
from warroom.statuspage.tests import site_data
from warroom.statuspage.uptime import DAYS, DayBar, day_bars, percent, uptime_for

NOW = datetime(2025, 8, 14, 12, 0, tzinfo=UTC)
LONG_AGO = datetime(2024, 1, 1, tzinfo=UTC)
STATUSES = [s.value for s in ComponentStatus]


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2025, 8, day, hour, minute, second, tzinfo=UTC)


def test_it_counts_minutes_of_each_outage_on_each_day():
    changes = [
        (at(13, 9), "major_outage"),
        (at(13, 9, 38), "partial_outage"),
        (at(13, 10, 38), "operational"),
    ]
    bars = day_bars("operational", changes, LONG_AGO, NOW)
    yesterday = bars[-2]
    assert yesterday.day == date(2025, 8, 13)
    assert (yesterday.major, yesterday.partial, yesterday.counted) == (38 * 60, 3600, 86400)
    assert yesterday.uptime == pytest.approx(100 * (1 - (38 + 0.3 * 60) / 1440))
    assert (
        yesterday.label == "13 Aug 2025: 96.1% uptime, major outage 38 min, partial outage 60 min"
    )


def test_degraded_performance_and_maintenance_count_as_up():
    changes = [(at(13, 1), "degraded_performance"), (at(13, 5), "under_maintenance")]
    bars = day_bars("operational", changes, LONG_AGO, NOW)
    assert bars[-2].uptime == 100.0
    assert bars[-2].level == "ok"
    assert bars[-2].label == "13 Aug 2025: 100.0% uptime, no downtime"


def test_today_is_counted_only_until_now():
    bars = day_bars("major_outage", [], LONG_AGO, NOW)
    assert len(bars) == DAYS
    assert bars[-1].day == NOW.date()
    assert bars[-1].counted == 12 * 3600
    assert bars[-1].major == 12 * 3600


def test_days_before_the_start_have_no_data():
    start = at(13, 18)
    bars = day_bars("operational", [], start, NOW)
    assert [bar.has_data for bar in bars[-3:]] == [False, True, True]
    assert bars[-2].counted == 6 * 3600
    assert bars[-3].label == "12 Aug 2025: no data"
    assert bars[-3].level == "nodata"


@pytest.mark.parametrize(
    ("major_minutes", "level"),
    [(0, "ok"), (1, "minor"), (29, "minor"), (30, "major"), (239, "major"), (240, "critical")],
)
def test_the_colour_follows_the_downtime(major_minutes, level):
    assert DayBar(date(2025, 8, 13), 86400, major_minutes * 60, 0).level == level


def test_a_day_with_any_downtime_never_reads_100_percent():
    bar = DayBar(date(2025, 8, 13), 86400, 1, 0)
    assert percent(bar.uptime, 1) == "99.9%"
    assert percent(None, 1) == "no data"


@pytest.mark.parametrize(
    ("moment", "day_of_change"),
    [(at(13, 23, 59, 59), date(2025, 8, 13)), (at(14, 0, 0, 0), date(2025, 8, 14))],
)
def test_a_change_at_the_day_edge_falls_on_its_utc_day(moment, day_of_change):
    bars = day_bars("operational", [(moment, "major_outage")], LONG_AGO, at(14, 0, 0, 2))
    by_day = {bar.day: bar for bar in bars}
    if day_of_change == date(2025, 8, 13):
        assert by_day[date(2025, 8, 13)].major == 1
        assert by_day[date(2025, 8, 14)].major == 2
    else:
        assert by_day[date(2025, 8, 13)].major == 0
        assert by_day[date(2025, 8, 14)].major == 2


def test_days_stay_utc_days_across_a_daylight_saving_change(settings):
    # Europe/Berlin moved its clocks back at 01:00 UTC on 26 October 2025; the page's days
    # are UTC days, so that day still has 24 hours.
    settings.STATUS_PAGE_TIME_ZONE = "Europe/Berlin"
    now = datetime(2025, 10, 27, 12, tzinfo=UTC)
    bars = day_bars("major_outage", [], LONG_AGO, now)
    change_day = next(bar for bar in bars if bar.day == date(2025, 10, 26))
    assert change_day.counted == 86400
    assert change_day.major == 86400


changes_strategy = st.lists(
    st.tuples(st.integers(min_value=0, max_value=(DAYS + 3) * 86400), st.sampled_from(STATUSES)),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(
    initial=st.sampled_from(STATUSES),
    raw=changes_strategy,
    start_offset=st.integers(min_value=-86400 * 5, max_value=(DAYS + 2) * 86400),
)
def test_minutes_per_day_always_add_up(initial, raw, start_offset):
    origin = NOW - timedelta(days=DAYS + 1)
    changes = sorted((origin + timedelta(seconds=s), status) for s, status in raw)
    start = origin + timedelta(seconds=start_offset)
    bars = day_bars(initial, changes, start, NOW)
    assert len(bars) == DAYS
    for bar in bars:
        assert 0 <= bar.major + bar.partial <= bar.counted <= 86400
        if bar.has_data:
            assert bar.uptime is not None
            assert 0.0 <= bar.uptime <= 100.0
    counted = sum(bar.counted for bar in bars)
    window_start = datetime.combine(bars[0].day, datetime.min.time(), tzinfo=UTC)
    expected = max(0, int((NOW - max(start, window_start)).total_seconds()))
    assert counted == expected


@settings(max_examples=100, deadline=None)
@given(raw=changes_strategy)
def test_outage_seconds_match_the_time_spent_in_each_status(raw):
    origin = NOW - timedelta(days=DAYS - 1, hours=12)  # the first day's midnight
    changes = sorted((origin + timedelta(seconds=s), status) for s, status in raw)
    bars = day_bars("operational", changes, LONG_AGO, NOW)
    spent = {"major_outage": 0.0, "partial_outage": 0.0}
    points = [(origin, "operational"), *[c for c in changes if c[0] < NOW], (NOW, "")]
    for (begin, status), (end, _next) in pairwise(points):
        if status in spent:
            spent[status] += (end - begin).total_seconds()
    assert sum(bar.major for bar in bars) == spent["major_outage"]
    assert sum(bar.partial for bar in bars) == spent["partial_outage"]


@pytest.mark.django_db
def test_it_reads_the_history_of_components_from_the_database():
    rows = site_data.catalog()
    api = rows["api"]
    site_data.set_status(api, ComponentStatus.MAJOR_OUTAGE, datetime(2025, 4, 1, tzinfo=UTC))
    site_data.set_status(api, ComponentStatus.OPERATIONAL, at(12, 9, 14, 3))
    with time_machine.travel(NOW, tick=False):
        result = uptime_for([api, rows["portal"]], NOW)
    bars = result[api.pk].days
    # The outage began before the window: the first day (and every day up to 12 Aug) is down.
    assert bars[0].major == 86400
    assert bars[-3].day == date(2025, 8, 12)
    assert bars[-3].major == 9 * 3600 + 14 * 60 + 3
    assert bars[-1].major == 0
    assert result[rows["portal"].pk].uptime == 100.0
    assert result[api.pk].uptime_text.endswith("%")
    uptime = result[api.pk].uptime
    assert uptime is not None
    assert uptime < 10
