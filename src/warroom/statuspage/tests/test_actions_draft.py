import pytest
from django.core.exceptions import PermissionDenied

from warroom.accounts.models import Membership, Role
from warroom.catalog.choices import ComponentStatus
from warroom.statuspage.actions import WorkflowError, draft_update
from warroom.statuspage.choices import ReviewState

from .conftest import NOW


def _draft(incident, actor, status="identified", changes=None, body="We found the cause."):
    return draft_update(
        incident,
        actor,
        status=status,
        body=body,
        changes=changes or {},
        language="de",
        now=NOW,
    )


def test_it_drafts_with_the_component_changes(public_incident, bob, catalog):
    update = _draft(public_incident, bob, changes={catalog["api"]: ComponentStatus.MAJOR_OUTAGE})
    assert (update.review, update.status, update.language) == (
        ReviewState.DRAFT,
        "identified",
        "de",
    )
    assert [(row.component, row.new_status, row.old_status) for row in update.affected.all()] == [
        (catalog["api"], ComponentStatus.MAJOR_OUTAGE, "")
    ]


def test_a_draft_changes_nothing_public(public_incident, bob, catalog):
    _draft(public_incident, bob, changes={catalog["api"]: ComponentStatus.MAJOR_OUTAGE})
    catalog["api"].refresh_from_db()
    public_incident.refresh_from_db()
    assert catalog["api"].status == ComponentStatus.OPERATIONAL
    assert public_incident.published_at is None


def test_a_responder_on_the_case_may_draft(public_incident, bob):
    assert _draft(public_incident, bob).drafted_by == bob


def test_the_communications_group_may_draft_without_being_on_the_case(public_incident, erin):
    assert _draft(public_incident, erin).drafted_by == erin


def test_an_outsider_may_not(public_incident, charlie):
    with pytest.raises(PermissionDenied, match="write access on case INC-2025-0001"):
        _draft(public_incident, charlie)


def test_an_observer_may_not(public_incident, case, charlie):
    Membership.objects.create(case=case, user=charlie, role=Role.OBSERVER)
    with pytest.raises(PermissionDenied):
        _draft(public_incident, charlie)


def test_a_case_member_may_not_draft_for_an_unlinked_maintenance(maintenance, bob):
    with pytest.raises(PermissionDenied, match="permission to draft updates"):
        _draft(maintenance, bob, status="in_progress")


def test_it_refuses_a_maintenance_status_on_an_incident(public_incident, bob):
    with pytest.raises(WorkflowError) as refused:
        _draft(public_incident, bob, status="in_progress")
    assert str(refused.value) == (
        "'in_progress' is a status of a maintenance; an update of incident “Customer portal "
        "and Voice API unavailable” takes one of investigating, identified, monitoring, resolved."
    )


def test_it_refuses_an_incident_status_on_a_maintenance(maintenance, erin):
    with pytest.raises(WorkflowError, match="'identified' is a status of an incident; an update"):
        _draft(maintenance, erin, status="identified")


def test_it_refuses_a_status_that_does_not_exist(public_incident, bob):
    with pytest.raises(WorkflowError, match="'fixed' is not a status"):
        _draft(public_incident, bob, status="fixed")


def test_it_refuses_postmortem_as_an_update(public_incident, bob):
    with pytest.raises(WorkflowError, match="postmortem is published with its own form"):
        _draft(public_incident, bob, status="postmortem")


def test_it_refuses_a_status_for_a_group(public_incident, bob, catalog):
    with pytest.raises(WorkflowError, match="Voice is a group"):
        _draft(public_incident, bob, changes={catalog["voice"]: ComponentStatus.MAJOR_OUTAGE})
    assert not public_incident.updates.exists()


def test_it_refuses_an_empty_text(public_incident, bob):
    with pytest.raises(WorkflowError, match=r"The text is empty\."):
        _draft(public_incident, bob, body="  \n")
