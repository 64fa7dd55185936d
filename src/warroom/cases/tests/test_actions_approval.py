from datetime import UTC, datetime

from warroom.cases.actions import approve_action, complete_action, propose_action, reject_action
from warroom.cases.choices import ActionKind, ActionState, EventKind
from warroom.cases.models import Action

NOW = datetime(2025, 8, 12, 16, 0, tzinfo=UTC)


def _proposed(case, user):
    action = Action(case=case, kind=ActionKind.TAKE_OFFLINE, description="Customer portal")
    return propose_action(action, user, now=NOW)


def test_it_proposes_approves_and_completes(case, alice, bob):
    action = _proposed(case, bob)
    approve_action(action, alice, now=NOW)
    complete_action(action, bob, outcome="Portal offline 16:05 UTC", now=NOW)
    action.refresh_from_db()
    assert (action.state, action.requested_by, action.approved_by) == (
        ActionState.DONE,
        bob,
        alice,
    )
    assert action.outcome == "Portal offline 16:05 UTC"


def test_it_writes_timeline_events(case, alice, bob):
    action = _proposed(case, bob)
    approve_action(action, alice, now=NOW)
    complete_action(action, bob, outcome="done", now=NOW)
    events = case.events.filter(text__contains="Customer portal").order_by("id")
    kinds = list(events.values_list("kind", "text"))
    assert kinds == [
        (EventKind.ACTION, "Proposed: Take offline: Customer portal"),
        (EventKind.DECISION, "Approved: Take offline: Customer portal"),
        (EventKind.ACTION, "Done: Take offline: Customer portal done"),
    ]


def test_it_rejects(case, alice, bob):
    action = _proposed(case, bob)
    event = reject_action(action, alice, now=NOW, note="Keep it up for evidence")
    assert action.state == ActionState.REJECTED
    assert event.text == "Rejected: Take offline: Customer portal Keep it up for evidence"
