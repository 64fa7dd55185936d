from datetime import UTC, datetime

from warroom.accounts.models import Membership, Role
from warroom.cases.actions import open_case
from warroom.cases.choices import EventKind, Severity
from warroom.cases.models import Incident


def test_it_gives_the_case_a_reference(case):
    assert case.reference == "INC-2025-0001"


def test_it_numbers_cases_per_year(alice, case):
    when = datetime(2025, 9, 1, tzinfo=UTC)
    second = open_case(alice, title="b", severity=Severity.SEV3, detected_at=when, now=when)
    next_year = datetime(2026, 1, 2, tzinfo=UTC)
    third = open_case(alice, title="c", severity=Severity.SEV3, detected_at=next_year, now=when)
    assert (second.reference, third.reference) == ("INC-2025-0002", "INC-2026-0001")


def test_it_makes_the_opener_commander(alice, case):
    membership = Membership.objects.get(case=case, user=alice)
    assert membership.role == Role.COMMANDER
    assert case.commander == alice


def test_it_writes_timeline_event(case):
    event = case.events.get()
    assert event.kind == EventKind.STATUS_CHANGE
    assert "SEV1" in event.text
    assert Incident.objects.count() == 1
