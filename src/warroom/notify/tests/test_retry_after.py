"""Reading a receiver's Retry-After header, and how the worker uses it."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from warroom.jobs.worker import retry_delay
from warroom.notify.channels import retry_after
from warroom.notify.errors import DeliveryFailed

NOW = datetime(2025, 8, 12, 9, 0, tzinfo=UTC)


def test_seconds_and_http_dates_are_read():
    assert retry_after("120") == timedelta(seconds=120)
    assert retry_after("Tue, 12 Aug 2025 09:05:00 GMT", NOW) == timedelta(minutes=5)


def test_a_date_in_the_past_means_now_and_nonsense_means_nothing():
    assert retry_after("Tue, 12 Aug 2025 08:00:00 GMT", NOW) == timedelta(0)
    assert retry_after("", NOW) is None
    assert retry_after("soon", NOW) is None
    assert retry_after("-5", NOW) is None


@given(st.integers(min_value=0, max_value=10**7))
def test_any_number_of_seconds_round_trips(seconds):
    assert retry_after(str(seconds)) == timedelta(seconds=seconds)


def test_the_worker_waits_at_least_as_asked_but_never_over_an_hour():
    asked = DeliveryFailed("busy", retry=True, retry_after=timedelta(minutes=10))
    assert retry_delay(1, asked, jitter=0) == timedelta(minutes=10)
    greedy = DeliveryFailed("busy", retry=True, retry_after=timedelta(days=3))
    assert retry_delay(1, greedy, jitter=0) == timedelta(hours=1)
    modest = DeliveryFailed("busy", retry=True, retry_after=timedelta(seconds=1))
    assert retry_delay(3, modest, jitter=0) == timedelta(seconds=80)  # the back-off wins
    assert retry_delay(1, ValueError("plain"), jitter=0) == timedelta(seconds=20)
