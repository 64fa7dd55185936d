from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied

from warroom.cases.choices import EventKind
from warroom.statuspage.actions import WorkflowError, open_public_incident, schedule_maintenance
from warroom.statuspage.choices import IncidentKind, IncidentStatus, MaintenanceStatus

from .conftest import NOW

SAT = datetime(2025, 8, 16, 22, 0, tzinfo=UTC)
SUN = datetime(2025, 8, 17, 2, 0, tzinfo=UTC)


def test_it_opens_a_draft_incident_about_the_case(public_incident, case, bob, catalog):
    assert (public_incident.kind, public_incident.status) == (
        IncidentKind.INCIDENT,
        IncidentStatus.INVESTIGATING,
    )
    assert (public_incident.case, public_incident.created_by) == (case, bob)
    assert set(public_incident.components.all()) == {catalog["portal"], catalog["api"]}
    assert not public_incident.is_published


def test_it_writes_timeline_event(public_incident, case, bob):
    event = case.events.get(kind=EventKind.COMMUNICATION)
    assert (event.actor, event.occurred_at) == (bob, NOW)
    assert event.text == (
        "Public incident “Customer portal and Voice API unavailable” opened as a draft."
    )


def test_it_schedules_a_maintenance(maintenance):
    assert (maintenance.kind, maintenance.status) == (
        IncidentKind.MAINTENANCE,
        MaintenanceStatus.SCHEDULED,
    )
    assert (maintenance.scheduled_for, maintenance.scheduled_until) == (SAT, SUN)


def test_a_maintenance_needs_its_window(erin):
    with pytest.raises(WorkflowError, match="needs the start and end of its window"):
        open_public_incident("Upgrade", kind=IncidentKind.MAINTENANCE, actor=erin, now=NOW)


def test_a_window_ends_after_it_starts(erin):
    with pytest.raises(WorkflowError, match="must end after it starts"):
        schedule_maintenance("Upgrade", scheduled_for=SUN, scheduled_until=SAT, actor=erin, now=NOW)


def test_an_incident_has_no_window(erin):
    with pytest.raises(WorkflowError, match="Only a scheduled maintenance has a window"):
        open_public_incident(
            "Outage", kind=IncidentKind.INCIDENT, actor=erin, now=NOW, scheduled_for=SAT
        )


def test_it_needs_a_name(erin):
    with pytest.raises(WorkflowError, match="The name is empty"):
        open_public_incident(" ", kind=IncidentKind.INCIDENT, actor=erin, now=NOW)


def test_an_unlinked_incident_needs_the_draft_permission(bob):
    with pytest.raises(PermissionDenied, match="permission to draft updates"):
        open_public_incident("Outage", kind=IncidentKind.INCIDENT, actor=bob, now=NOW)


def test_an_outsider_may_not_open_one_about_the_case(case, charlie):
    with pytest.raises(PermissionDenied):
        open_public_incident(
            "Outage", kind=IncidentKind.INCIDENT, case=case, actor=charlie, now=NOW
        )
