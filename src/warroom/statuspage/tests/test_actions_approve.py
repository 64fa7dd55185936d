import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied

from warroom.accounts.models import Membership
from warroom.cases.choices import EventKind
from warroom.statuspage.actions import WorkflowError, approve_update, draft_update
from warroom.statuspage.choices import ReviewState

from .conftest import NOW


def test_the_communications_person_on_the_case_approves(draft, dana):
    approve_update(draft, dana, now=NOW)
    draft.refresh_from_db()
    assert (draft.review, draft.approved_by, draft.approved_at) == (
        ReviewState.APPROVED,
        dana,
        NOW,
    )


def test_it_writes_timeline_event(draft, dana, case):
    approve_update(draft, dana, now=NOW)
    event = case.events.filter(kind=EventKind.COMMUNICATION).latest("id")
    assert event.actor == dana
    assert event.text.startswith("Status page update approved for “Customer portal")
    assert "“We are aware of an issue affecting Customer portal and Voice API.”" in event.text


def test_the_commander_alone_may_not_approve(draft, alice):
    with pytest.raises(PermissionDenied) as refused:
        approve_update(draft, alice, now=NOW)
    assert str(refused.value) == (
        "Only a member of case INC-2025-0001 with the Communications role may approve its "
        "status page text; the incident commander alone may not."
    )
    draft.refresh_from_db()
    assert draft.review == ReviewState.DRAFT


def test_the_responder_who_drafted_it_may_not_approve(draft, bob):
    with pytest.raises(PermissionDenied):
        approve_update(draft, bob, now=NOW)


def test_the_communications_group_is_not_enough_for_a_case(draft, erin):
    with pytest.raises(PermissionDenied, match="member of case INC-2025-0001"):
        approve_update(draft, erin, now=NOW)


def test_an_expired_communications_membership_is_not_enough(draft, dana, case):
    Membership.objects.filter(user=dana).update(expires_at=NOW.replace(year=2024))
    with pytest.raises(PermissionDenied):
        approve_update(draft, dana, now=NOW)


def _maintenance_draft(maintenance, erin):
    return draft_update(
        maintenance,
        erin,
        status="scheduled",
        body="We will be performing scheduled maintenance on Hosting.",
        changes={},
        language="en",
        now=NOW,
    )


def test_an_unlinked_maintenance_needs_the_global_permission(maintenance, erin, dana):
    update = _maintenance_draft(maintenance, erin)
    with pytest.raises(PermissionDenied, match="Only a member of the Communications group"):
        approve_update(update, dana, now=NOW)
    approve_update(update, erin, now=NOW)
    assert update.review == ReviewState.APPROVED


def test_the_draft_permission_alone_does_not_approve(maintenance, erin, charlie):
    charlie.user_permissions.add(Permission.objects.get(codename="draft_update"))
    charlie = User.objects.get(pk=charlie.pk)  # a fresh permission cache
    update = _maintenance_draft(maintenance, erin)
    with pytest.raises(PermissionDenied):
        approve_update(update, charlie, now=NOW)


def test_it_approves_a_draft_only_once(draft, dana):
    approve_update(draft, dana, now=NOW)
    with pytest.raises(WorkflowError, match=r"Only draft text can be approved; this is approved\."):
        approve_update(draft, dana, now=NOW)


def test_it_refuses_text_with_placeholders_left(public_incident, bob, dana):
    update = draft_update(
        public_incident,
        bob,
        status="investigating",
        body="Call us on {support_phone} or write to {support_email}; again: {support_phone}.",
        changes={},
        language="en",
        now=NOW,
    )
    with pytest.raises(WorkflowError) as refused:
        approve_update(update, dana, now=NOW)
    assert str(refused.value) == (
        "The text still holds placeholders to fill in: {support_phone}, {support_email}."
    )


def test_it_refuses_text_edited_since_it_was_read(draft, bob, dana):
    from warroom.statuspage.actions import edit_draft
    from warroom.statuspage.models import IncidentUpdate

    read_by_dana = IncidentUpdate.objects.get(pk=draft.pk)
    edit_draft(
        draft,
        bob,
        status="investigating",
        body="Other words.",
        changes={},
        language="en",
        now=NOW.replace(minute=5),
    )
    with pytest.raises(WorkflowError, match="changed since it was read"):
        approve_update(read_by_dana, dana, now=NOW)
    draft.refresh_from_db()
    assert draft.review == ReviewState.DRAFT
