from datetime import UTC, datetime

from warroom.cases.actions import change_phase
from warroom.cases.choices import EventKind, Phase

NOW = datetime(2025, 8, 12, 14, 0, tzinfo=UTC)


def test_it_changes_phase(case, alice):
    change_phase(case, Phase.TRIAGE, alice, now=NOW)
    case.refresh_from_db()
    assert case.phase == Phase.TRIAGE


def test_it_writes_timeline_event(case, alice):
    event = change_phase(case, Phase.CONTAINED, alice, now=NOW, note="Portal and Voice API off.")
    assert event is not None
    assert (event.kind, event.actor, event.occurred_at) == (EventKind.STATUS_CHANGE, alice, NOW)
    assert event.text == ("Phase changed from Detected to Contained. Portal and Voice API off.")


def test_it_writes_nothing_when_unchanged(case, alice):
    before = case.events.count()
    assert change_phase(case, Phase.DETECTED, alice, now=NOW) is None
    assert case.events.count() == before
