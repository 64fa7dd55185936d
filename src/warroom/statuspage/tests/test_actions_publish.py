from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from warroom.catalog.choices import ChangeSource, ComponentStatus
from warroom.catalog.models import ComponentStatusChange
from warroom.jobs.models import Job
from warroom.statuspage.actions import (
    WorkflowError,
    approve_update,
    draft_update,
    publish_update,
)
from warroom.statuspage.choices import IncidentStatus, ReviewState
from warroom.statuspage.models import PageRevision

from .conftest import NOW

LATER = NOW + timedelta(hours=1)


def _next(incident, author, approver, status, changes, now):
    """Draft, approve and publish one more update of INCIDENT at NOW."""
    update = draft_update(
        incident,
        author,
        status=status,
        body=f"Now {status}.",
        changes=changes,
        language="en",
        now=now,
    )
    approve_update(update, approver, now=now)
    return publish_update(update, approver, now=now)


def test_it_publishes_approved_text(approved, dana):
    publish_update(approved, dana, now=NOW)
    approved.refresh_from_db()
    assert (approved.review, approved.published_by, approved.published_at) == (
        ReviewState.PUBLISHED,
        dana,
        NOW,
    )
    assert approved.display_at == NOW


def test_it_keeps_a_display_time_given_with_the_draft(public_incident, bob, dana):
    earlier = NOW - timedelta(minutes=40)
    update = draft_update(
        public_incident,
        bob,
        status="investigating",
        body="Backdated.",
        changes={},
        language="en",
        display_at=earlier,
        now=NOW,
    )
    approve_update(update, dana, now=NOW)
    publish_update(update, dana, now=NOW)
    assert update.display_at == earlier


def test_it_applies_the_component_statuses_with_their_history(approved, dana, catalog):
    publish_update(approved, dana, now=NOW)
    for name, status in [("portal", "major_outage"), ("api", "partial_outage")]:
        catalog[name].refresh_from_db()
        assert catalog[name].status == status
    history = ComponentStatusChange.objects.filter(component=catalog["portal"]).get()
    assert (history.from_status, history.to_status, history.changed_at) == (
        ComponentStatus.OPERATIONAL,
        ComponentStatus.MAJOR_OUTAGE,
        NOW,
    )
    assert (history.source, history.changed_by) == (ChangeSource.UPDATE, dana)
    assert history.reason == "Customer portal and Voice API unavailable: Investigating"


def test_it_records_each_old_status_on_the_update(approved, dana, catalog):
    catalog["api"].status = ComponentStatus.DEGRADED_PERFORMANCE
    catalog["api"].save()
    publish_update(approved, dana, now=NOW)
    old = {row.component.name: row.old_status for row in approved.affected.all()}
    assert old == {"Customer portal": "operational", "Voice API": "degraded_performance"}


def test_it_sets_the_incident_status_and_its_first_times(approved, dana, catalog):
    publish_update(approved, dana, now=NOW)
    incident = approved.incident
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.INVESTIGATING
    assert (incident.published_at, incident.started_at, incident.updated_at) == (NOW, NOW, NOW)
    assert (incident.monitoring_at, incident.resolved_at) == (None, None)


def test_it_adds_the_components_to_the_incident(public_incident, bob, dana, catalog):
    _next(
        public_incident, bob, dana, "identified", {catalog["hosting"]: "degraded_performance"}, NOW
    )
    assert catalog["hosting"] in public_incident.components.all()


def test_monitoring_and_resolved_keep_their_times(public_incident, bob, dana, catalog):
    _next(public_incident, bob, dana, "investigating", {catalog["api"]: "major_outage"}, NOW)
    _next(public_incident, bob, dana, "monitoring", {}, NOW + timedelta(hours=1))
    _next(
        public_incident,
        bob,
        dana,
        "resolved",
        {catalog["api"]: "operational"},
        NOW + timedelta(hours=2),
    )
    public_incident.refresh_from_db()
    assert public_incident.started_at == NOW
    assert public_incident.monitoring_at == NOW + timedelta(hours=1)
    assert public_incident.resolved_at == NOW + timedelta(hours=2)
    assert public_incident.is_resolved


def test_reopening_clears_the_resolution(public_incident, bob, dana):
    _next(public_incident, bob, dana, "resolved", {}, NOW)
    _next(public_incident, bob, dana, "identified", {}, LATER)
    public_incident.refresh_from_db()
    assert (public_incident.status, public_incident.resolved_at) == ("identified", None)
    assert public_incident.published_at == NOW


def test_a_completed_maintenance_is_resolved(maintenance, erin, catalog):
    _next(maintenance, erin, erin, "in_progress", {catalog["hosting"]: "under_maintenance"}, NOW)
    _next(maintenance, erin, erin, "completed", {catalog["hosting"]: "operational"}, LATER)
    maintenance.refresh_from_db()
    assert (maintenance.status, maintenance.resolved_at) == ("completed", LATER)
    assert maintenance.is_resolved


def test_it_bumps_the_page_revision(approved, dana):
    before = PageRevision.current()
    publish_update(approved, dana, now=NOW)
    assert PageRevision.current() == before + 1


def test_it_enqueues_exactly_one_fan_out(approved, dana, settings):
    settings.STATUS_TARGETS = []
    publish_update(approved, dana, now=NOW)
    jobs = list(Job.objects.values_list("kind", "payload"))
    assert jobs == [("statuspage.fan_out", {"update": approved.pk})]


def test_it_enqueues_a_publish_when_targets_are_set(approved, dana, settings):
    settings.STATUS_TARGETS = ["/srv/status"]
    publish_update(approved, dana, now=NOW)
    publish = Job.objects.get(kind="statuspage.publish")
    assert publish.payload == {"revision": PageRevision.current()}
    assert Job.objects.filter(kind="statuspage.fan_out").count() == 1


def test_without_notifications_there_is_no_fan_out(public_incident, bob, dana, settings):
    settings.STATUS_TARGETS = []
    update = draft_update(
        public_incident,
        bob,
        status="investigating",
        body="Quietly.",
        changes={},
        language="en",
        deliver_notifications=False,
        now=NOW,
    )
    approve_update(update, dana, now=NOW)
    publish_update(update, dana, now=NOW)
    assert not Job.objects.exists()


def test_a_draft_cannot_be_published(draft, dana, catalog):
    with pytest.raises(WorkflowError, match=r"approved text can be published; this is draft\."):
        publish_update(draft, dana, now=NOW)
    catalog["portal"].refresh_from_db()
    assert catalog["portal"].status == ComponentStatus.OPERATIONAL
    assert not Job.objects.exists()


def test_it_publishes_only_once(approved, dana):
    publish_update(approved, dana, now=NOW)
    with pytest.raises(WorkflowError, match="this is published"):
        publish_update(approved, dana, now=NOW)
    assert Job.objects.filter(kind="statuspage.fan_out").count() == 1


def test_the_commander_may_not_publish(approved, alice):
    with pytest.raises(PermissionDenied, match="may publish its status page text"):
        publish_update(approved, alice, now=NOW)
    approved.refresh_from_db()
    assert approved.review == ReviewState.APPROVED


def test_the_timeline_says_subscribers_will_be_notified(approved, dana, case):
    publish_update(approved, dana, now=NOW)
    event = case.events.latest("id")
    assert event.text.startswith("Status page update published for")
    assert event.text.endswith(
        "Components: Customer portal → Major outage, Voice API → Partial outage. "
        "Subscribers will be notified."
    )
