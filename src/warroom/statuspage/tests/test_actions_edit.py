from datetime import timedelta

import pytest

from warroom.cases.choices import EventKind
from warroom.catalog.choices import ComponentStatus
from warroom.statuspage.actions import WorkflowError, edit_draft, publish_update, withdraw_update
from warroom.statuspage.choices import ReviewState

from .conftest import NOW

LATER = NOW + timedelta(minutes=10)


def _edit(update, actor, body="We have identified the cause.", changes=None):
    return edit_draft(
        update,
        actor,
        status="identified",
        body=body,
        changes=changes or {},
        language="en",
        now=LATER,
    )


def test_it_rewrites_a_draft(draft, bob, catalog):
    _edit(draft, bob, changes={catalog["hosting"]: ComponentStatus.DEGRADED_PERFORMANCE})
    draft.refresh_from_db()
    assert (draft.status, draft.body, draft.review, draft.updated_at) == (
        "identified",
        "We have identified the cause.",
        ReviewState.DRAFT,
        LATER,
    )
    assert [(row.component, row.new_status) for row in draft.affected.all()] == [
        (catalog["hosting"], ComponentStatus.DEGRADED_PERFORMANCE)
    ]


def test_editing_an_approved_update_sends_it_back_to_draft(approved, bob):
    _edit(approved, bob)
    approved.refresh_from_db()
    assert (approved.review, approved.approved_by, approved.approved_at) == (
        ReviewState.DRAFT,
        None,
        None,
    )


def test_the_timeline_says_the_approval_lapsed(approved, bob, case):
    _edit(approved, bob)
    event = case.events.filter(kind=EventKind.COMMUNICATION).latest("id")
    assert event.text == (
        "Status page update edited for “Customer portal and Voice API unavailable” "
        "(Identified): “We have identified the cause.” The approval by dana no longer holds."
    )


def test_a_published_update_cannot_be_edited(approved, bob, dana):
    publish_update(approved, dana, now=NOW)
    with pytest.raises(WorkflowError) as refused:
        _edit(approved, bob)
    assert str(refused.value) == (
        "Only draft or approved text can be edited; this is published. "
        "Publish a new update that corrects it."
    )


def test_a_withdrawn_update_cannot_be_edited(draft, bob):
    withdraw_update(draft, bob, now=NOW)
    with pytest.raises(WorkflowError, match="this is withdrawn"):
        _edit(draft, bob)


def test_an_outsider_may_not_edit(draft, charlie):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _edit(draft, charlie)
