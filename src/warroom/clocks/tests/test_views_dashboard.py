"""The dashboard: every open clock of the user's cases, the least time left first."""

from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from warroom.accounts.models import Membership, Role
from warroom.cases.actions import open_case
from warroom.cases.choices import Severity
from warroom.clocks.actions import mark_not_applicable, record_fact
from warroom.clocks.tests.conftest import AWARE, RECORDED

NOW = AWARE + timedelta(hours=30)  # the early warnings are overdue, the notifications not


def _second_case(user, *, aware):
    other = open_case(
        user, title="Voice API outage", severity=Severity.SEV2, detected_at=aware, now=aware
    )
    record_fact(other, user, "aware_at", aware, now=aware)
    record_fact(other, user, "entity", ["essential_entity"], now=aware)
    record_fact(other, user, "countries", ["FR"], now=aware)
    return other


def _rows(client):
    with time_machine.travel(NOW, tick=False):
        text = client.get(reverse("clock-dashboard")).text
    return text.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]


def test_it_lists_open_clocks_of_every_case_by_time_left(client, alice, clock_case):
    other = _second_case(alice, aware=AWARE + timedelta(hours=2))
    client.force_login(alice)
    rows = _rows(client)
    refs = [row.split("</a> ")[-2].rsplit(">", 1)[1] for row in rows]
    assert set(refs) == {clock_case.reference, other.reference}
    lefts = [row.split("<td>")[1].split("</td>")[0] for row in rows]
    assert lefts[:3] == ["overdue by 6 h", "overdue by 4 h", "1 d 18 h left"]
    assert "no fixed time" in lefts[-1]
    assert '<span class="badge clock-overdue">Overdue</span>' in rows[0]
    assert "Germany" in rows[0]
    assert "France" in rows[1]


def test_it_shows_only_open_clocks(client, alice, early_warning):
    mark_not_applicable(early_warning, alice, reason="Not in DE.", now=RECORDED)
    client.force_login(alice)
    assert not any("Germany" in row and "Early warning" in row for row in _rows(client))


def test_it_shows_nothing_of_cases_the_user_is_not_on(client, charlie, clock_case):
    client.force_login(charlie)
    assert _rows(client) == [
        '<td colspan="6" class="muted">No open clocks on your cases.</td></tr>\n  '
    ]


def test_an_expired_membership_hides_the_case(client, charlie, clock_case):
    Membership.objects.create(case=clock_case, user=charlie, role=Role.OBSERVER, expires_at=AWARE)
    client.force_login(charlie)
    assert "No open clocks on your cases." in _rows(client)[0]


def test_its_queries_do_not_grow_with_the_clocks(client, alice, clock_case):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as few:
        _rows(client)
    for hours in range(1, 6):
        _second_case(alice, aware=AWARE + timedelta(hours=hours))
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client)
    assert len(rows) > 15
    assert len(many) == len(few)
