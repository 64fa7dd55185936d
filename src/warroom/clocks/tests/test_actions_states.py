"""The state of an obligation at the edges of "due soon" and "due", with a frozen clock.

The NIS2 early warning (24 h window) is due soon from 6 h before its deadline (a quarter of
the window, more than the 4 h floor) and overdue from the deadline itself. The dashboard
reads the clock once per request; time_machine stops it just before, at and just after each
edge.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from warroom.clocks.actions import record_submission
from warroom.clocks.choices import ClockState, SubmissionMethod
from warroom.clocks.models import Obligation
from warroom.clocks.tests.conftest import AWARE

DUE = AWARE + timedelta(hours=24)
SOON = DUE - timedelta(hours=6)
TICK = timedelta(seconds=1)

EDGES = [
    (AWARE, ClockState.PENDING, "1 d left"),
    (SOON - TICK, ClockState.PENDING, "6 h left"),
    (SOON, ClockState.DUE_SOON, "6 h left"),
    (SOON + TICK, ClockState.DUE_SOON, "5 h 59 min left"),
    (DUE - TICK, ClockState.DUE_SOON, "under 1 min left"),
    (DUE, ClockState.OVERDUE, "overdue by 0 min"),
    (DUE + TICK, ClockState.OVERDUE, "overdue by under 1 min"),
    (DUE + timedelta(hours=1, minutes=5), ClockState.OVERDUE, "overdue by 1 h 5 min"),
]


@pytest.mark.parametrize(("now", "state", "left"), EDGES, ids=lambda v: str(v))
def test_the_early_warnings_state(early_warning, now, state, left):
    assert early_warning.state(now) == state
    assert early_warning.time_left(now) == DUE - now


@pytest.mark.parametrize(("now", "state", "left"), EDGES, ids=lambda v: str(v))
def test_the_dashboard_shows_it_with_a_frozen_clock(client, alice, early_warning, now, state, left):
    client.force_login(alice)
    with time_machine.travel(now, tick=False):
        text = client.get(reverse("clock-dashboard")).text
    row = text[: text.index(early_warning.get_absolute_url())].rsplit("<tr>", 1)[1]
    assert f"<td>{left}</td>" in row
    assert f">{state.label}</span>" in row


def test_a_longer_window_is_due_soon_for_a_quarter_of_it(clock_case):
    notification = Obligation.objects.get(case=clock_case, key="eu_nis2.notification:DE")
    due = AWARE + timedelta(hours=72)
    assert notification.state(due - timedelta(hours=18) - TICK) == ClockState.PENDING
    assert notification.state(due - timedelta(hours=18)) == ClockState.DUE_SOON


def test_a_short_window_is_due_soon_for_the_last_four_hours(early_warning):
    early_warning.starts_at = early_warning.due_at - timedelta(hours=8)
    assert early_warning.state(DUE - timedelta(hours=4) - TICK) == ClockState.PENDING
    assert early_warning.state(DUE - timedelta(hours=4)) == ClockState.DUE_SOON


def test_submitted_stays_submitted_after_the_deadline(early_warning, dana):
    record_submission(
        early_warning,
        dana,
        submitted_at=DUE - TICK,
        method=SubmissionMethod.PORTAL,
        now=DUE + TICK,
    )
    early_warning.refresh_from_db()
    assert early_warning.state(DUE + timedelta(days=1)) == ClockState.SUBMITTED


def test_no_fixed_deadline_is_pending(clock_case):
    notice = Obligation.objects.get(case=clock_case, key="eu_nis2.service_recipients")
    assert notice.due_at is None
    assert notice.state(AWARE + timedelta(days=100)) == ClockState.PENDING
    assert notice.time_left(AWARE) is None
