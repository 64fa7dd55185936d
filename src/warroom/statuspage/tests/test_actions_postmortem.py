import pytest
from django.core.exceptions import PermissionDenied

from warroom.cases.choices import EventKind
from warroom.jobs.models import Job
from warroom.statuspage.actions import (
    WorkflowError,
    approve_update,
    draft_update,
    publish_postmortem,
    publish_update,
)
from warroom.statuspage.choices import IncidentStatus
from warroom.statuspage.models import PageRevision

from .conftest import NOW

BODY = "On 12 August attackers reached our SharePoint servers. Here is what we changed."


@pytest.fixture
def resolved(public_incident, bob, dana):
    update = draft_update(
        public_incident,
        bob,
        status="resolved",
        body="Resolved.",
        changes={},
        language="en",
        now=NOW,
    )
    approve_update(update, dana, now=NOW)
    publish_update(update, dana, now=NOW)
    public_incident.refresh_from_db()
    return public_incident


def test_it_publishes_the_postmortem(resolved, dana, settings):
    settings.STATUS_TARGETS = ["/srv/status"]
    revision = PageRevision.current()
    publish_postmortem(resolved, BODY, dana, now=NOW)
    resolved.refresh_from_db()
    assert (resolved.status, resolved.postmortem_body, resolved.postmortem_published_at) == (
        IncidentStatus.POSTMORTEM,
        BODY,
        NOW,
    )
    assert PageRevision.current() == revision + 1
    assert Job.objects.filter(
        kind="statuspage.publish", payload={"revision": revision + 1}
    ).exists()


def test_it_writes_timeline_event(resolved, dana, case):
    publish_postmortem(resolved, BODY, dana, now=NOW)
    event = case.events.filter(kind=EventKind.COMMUNICATION).latest("id")
    assert event.text == f"Postmortem of “{resolved.name}” published: “{BODY}”"


def test_it_waits_for_the_resolution(public_incident, dana):
    with pytest.raises(WorkflowError, match="A postmortem follows the resolution"):
        publish_postmortem(public_incident, BODY, dana, now=NOW)


def test_a_maintenance_has_none(maintenance, erin):
    with pytest.raises(WorkflowError, match="has no postmortem"):
        publish_postmortem(maintenance, BODY, erin, now=NOW)


def test_it_takes_the_communications_person(resolved, alice):
    with pytest.raises(PermissionDenied):
        publish_postmortem(resolved, BODY, alice, now=NOW)
