import pytest
from django.core.exceptions import PermissionDenied

from warroom.cases.choices import EventKind
from warroom.statuspage.actions import WorkflowError, publish_update, withdraw_update
from warroom.statuspage.choices import ReviewState

from .conftest import NOW


def test_it_withdraws_a_draft(draft, bob, case):
    withdraw_update(draft, bob, now=NOW)
    draft.refresh_from_db()
    assert draft.review == ReviewState.WITHDRAWN
    event = case.events.filter(kind=EventKind.COMMUNICATION).latest("id")
    assert event.text.startswith("Status page update withdrawn for")


def test_it_withdraws_approved_text(approved, bob):
    withdraw_update(approved, bob, now=NOW)
    assert approved.review == ReviewState.WITHDRAWN


def test_published_text_stays(approved, dana):
    publish_update(approved, dana, now=NOW)
    with pytest.raises(WorkflowError, match="Publish a new update that corrects it"):
        withdraw_update(approved, dana, now=NOW)


def test_an_outsider_may_not(draft, charlie):
    with pytest.raises(PermissionDenied):
        withdraw_update(draft, charlie, now=NOW)
