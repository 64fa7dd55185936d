"""Deadline arithmetic at its edges: hours, caps, business days, months, no fixed time."""

from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.clocks.rules import (
    BusinessDays,
    Cap,
    Hours,
    Months,
    NoFixedTime,
    add_business_days,
    compute_due,
    is_business_day,
)

BERLIN = ZoneInfo("Europe/Berlin")
BRUSSELS = ZoneInfo("Europe/Brussels")
NEW_YORK = ZoneInfo("America/New_York")
SECOND = timedelta(seconds=1)


def at(text: str, zone: tzinfo = UTC) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


# Hours: elapsed time, unmoved by nights, weekends or daylight saving.


@pytest.mark.parametrize("hours", [24, 72])
def test_hours_are_elapsed_hours(hours):
    start = at("2025-08-12T10:00:00")
    assert compute_due(Hours(hours), start, BRUSSELS).at == start + timedelta(hours=hours)


def test_24_hours_across_the_spring_change_end_an_hour_later_on_the_local_clock():
    # Berlin goes from 02:00 CET to 03:00 CEST on 30 March 2025.
    start = at("2025-03-29T12:00:00", BERLIN)
    due = compute_due(Hours(24), start, BERLIN).at
    assert due == at("2025-03-30T11:00:00")
    assert due.astimezone(BERLIN).hour == 13


def test_72_hours_across_the_autumn_change_end_an_hour_earlier_on_the_local_clock():
    # Berlin goes from 03:00 CEST back to 02:00 CET on 26 October 2025.
    start = at("2025-10-24T12:00:00", BERLIN)
    due = compute_due(Hours(72), start, BERLIN).at
    assert due == at("2025-10-27T10:00:00")
    assert due.astimezone(BERLIN).hour == 11
    # Python adds to a zoned time on the wall clock, which would be an hour late here.
    assert due != start + timedelta(hours=72)


def test_hours_run_through_a_weekend():
    friday = at("2025-08-15T16:00:00")
    assert compute_due(Hours(24), friday, BRUSSELS).at == at("2025-08-16T16:00:00")


# The DORA cap: 4 h after classification, no later than 24 h after awareness.

DORA = Hours(4, Cap("aware_at", 24))
AWARE = at("2025-08-12T10:00:00")


@pytest.mark.parametrize(
    ("classified", "due"),
    [
        ("2025-08-12T10:00:00", "2025-08-12T14:00:00"),  # at once: 4 h rule
        ("2025-08-13T05:59:59", "2025-08-13T09:59:59"),  # just before the cap bites
        ("2025-08-13T06:00:00", "2025-08-13T10:00:00"),  # both limits coincide
        ("2025-08-13T06:00:01", "2025-08-13T10:00:00"),  # the 24 h cap is earlier
        ("2025-08-13T09:59:59", "2025-08-13T10:00:00"),  # one second before the cap passes
        ("2025-08-13T10:00:00", "2025-08-13T14:00:00"),  # at the cap: late classification
        ("2025-08-13T10:00:01", "2025-08-13T14:00:01"),  # after it: 4 h from classification
    ],
)
def test_dora_initial_notification_edges(classified, due):
    assert compute_due(DORA, at(classified), BRUSSELS, cap_from=AWARE).at == at(due)


def test_the_cap_says_when_it_decides():
    due = compute_due(DORA, at("2025-08-13T08:00:00"), BRUSSELS, cap_from=AWARE)
    assert any("24 h after aware_at" in note for note in due.notes)


def test_an_unknown_cap_fact_leaves_the_hours_and_says_so():
    due = compute_due(DORA, AWARE, BRUSSELS, cap_from=None)
    assert due.at == AWARE + timedelta(hours=4)
    assert "not recorded yet" in due.notes[0]


# Business days: the end of the Nth business day after the start day, in local time.

SEC = BusinessDays(4, "US")


@pytest.mark.parametrize(
    ("determined", "due"),
    [
        # Monday: Tue, Wed, Thu, Fri.
        ("2025-08-11T10:00:00", "2025-08-16T00:00:00"),
        # Friday: the weekend is skipped, Mon..Thu.
        ("2025-08-15T16:00:00", "2025-08-22T00:00:00"),
        # Saturday and Sunday count as day 0 too.
        ("2025-08-16T12:00:00", "2025-08-22T00:00:00"),
        ("2025-08-17T12:00:00", "2025-08-22T00:00:00"),
        # Thanksgiving (Thu 27 Nov 2025) is skipped: Fri, Mon, Tue, Wed.
        ("2025-11-26T09:00:00", "2025-12-04T00:00:00"),
        # Labor Day (Mon 1 Sep 2025) is skipped: Tue..Fri.
        ("2025-08-29T09:00:00", "2025-09-06T00:00:00"),
        # Christmas (Thu 25 Dec) and a weekend: Wed, Fri, Mon, Tue.
        ("2025-12-23T09:00:00", "2025-12-31T00:00:00"),
    ],
)
def test_sec_business_days(determined, due):
    start = at(determined, NEW_YORK)
    assert compute_due(SEC, start, NEW_YORK).at == at(due, NEW_YORK)


@pytest.mark.parametrize(
    ("determined", "due"),
    [
        ("2025-08-14T23:59:59", "2025-08-21T00:00:00"),  # Thursday, just before midnight
        ("2025-08-15T00:00:00", "2025-08-22T00:00:00"),  # Friday, at midnight
        ("2025-08-15T00:00:01", "2025-08-22T00:00:00"),  # just after
    ],
)
def test_the_start_day_is_the_new_york_day_not_the_utc_day(determined, due):
    start = at(determined, NEW_YORK)
    # 23:59:59 on Thursday in New York is already Friday in UTC.
    assert compute_due(SEC, start, NEW_YORK).at == at(due, NEW_YORK)


def test_business_days_across_the_spring_change_in_new_york():
    # Clocks go forward on Sunday 9 March 2025; the deadline is midnight EDT.
    due = compute_due(SEC, at("2025-03-07T15:00:00", NEW_YORK), NEW_YORK).at
    assert due == at("2025-03-14T04:00:00")


def test_business_days_across_the_autumn_change_in_new_york():
    # Clocks go back on Sunday 2 November 2025; the deadline is midnight EST.
    due = compute_due(SEC, at("2025-10-31T15:00:00", NEW_YORK), NEW_YORK).at
    assert due == at("2025-11-07T05:00:00")


def test_business_days_with_a_regional_calendar():
    # 1 November is a holiday in Bavaria but not in Berlin; 2025-10-31 is a Friday.
    start = at("2025-10-30T10:00:00", BERLIN)
    assert add_business_days(start, 1, "DE-BY", BERLIN) == at("2025-11-01T00:00:00", BERLIN)
    assert not is_business_day(date(2025, 11, 1), "DE-BY")
    assert is_business_day(date(2025, 10, 31), "DE-BY")


# Months: the same local time one calendar month later.


@pytest.mark.parametrize(
    ("start", "due"),
    [
        ("2025-08-14T10:00:00", "2025-09-14T10:00:00"),
        ("2025-01-31T10:00:00", "2025-02-28T10:00:00"),  # a shorter month
        ("2024-01-31T10:00:00", "2024-02-29T10:00:00"),  # a leap year
        ("2025-12-15T10:00:00", "2026-01-15T10:00:00"),  # over the year end
    ],
)
def test_months(start, due):
    local = at(start, BRUSSELS)
    assert compute_due(Months(1), local, BRUSSELS).at == at(due, BRUSSELS)


def test_a_month_across_the_spring_change_keeps_the_local_time():
    due = compute_due(Months(1), at("2025-03-15T10:00:00", BRUSSELS), BRUSSELS).at
    assert due == at("2025-04-15T08:00:00")  # 10:00 CEST
    assert due.astimezone(BRUSSELS).hour == 10


def test_no_fixed_time_has_no_due_and_quotes_the_law():
    due = compute_due(NoFixedTime("as soon as reasonably practicable"), AWARE, BRUSSELS)
    assert due.at is None
    assert due.notes == ("No fixed deadline: as soon as reasonably practicable.",)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="naive"):
        compute_due(Hours(24), datetime(2025, 8, 12, 10), BRUSSELS)


# Properties.

zones = st.sampled_from([BERLIN, NEW_YORK, BRUSSELS, ZoneInfo("Europe/London")])
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)
rules = st.one_of(
    st.builds(Hours, st.integers(1, 200)),
    st.builds(Hours, st.integers(1, 24), st.builds(Cap, st.just("aware_at"), st.integers(1, 72))),
    st.builds(BusinessDays, st.integers(1, 10), st.sampled_from(["US", "DE", "GB", "FR"])),
    st.builds(Months, st.integers(1, 13)),
)


@given(rules, instants, zones, st.none() | instants)
def test_a_due_time_is_never_before_its_start(rule, start, zone, cap_from):
    due = compute_due(rule, start, zone, cap_from=cap_from).at
    assert due is not None
    assert due >= start
    assert due.tzinfo is UTC


@given(st.integers(1, 10), st.sampled_from(["US", "DE", "GB"]), instants, zones)
def test_business_day_deadlines_end_a_business_day(days, calendar, start, zone):
    due = add_business_days(start, days, calendar, zone)
    last_day = (due - timedelta(microseconds=1)).astimezone(zone).date()
    assert is_business_day(last_day, calendar)
    assert due.astimezone(zone).time() == datetime.min.time()
    first = start.astimezone(zone).date()
    counted = sum(
        is_business_day(first + timedelta(days=n), calendar)
        for n in range(1, (last_day - first).days + 1)
    )
    assert counted == days
