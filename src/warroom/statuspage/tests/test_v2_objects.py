"""The Statuspage v2 objects: exact key sets (reference §6.1), values and what stays private."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from warroom.catalog.choices import ComponentStatus
from warroom.statuspage import v2
from warroom.statuspage.choices import IncidentStatus
from warroom.statuspage.tests import site_data
from warroom.statuspage.tests.site_data import T0

PAGE_KEYS = {"id", "name", "url", "time_zone", "updated_at"}
STATUS_KEYS = {"indicator", "description"}
COMPONENT_KEYS = {
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "position",
    "description",
    "showcase",
    "start_date",
    "group_id",
    "page_id",
    "group",
    "only_show_if_degraded",
}
GROUP_KEYS = COMPONENT_KEYS | {"components"}
INCIDENT_KEYS = {
    "id",
    "name",
    "status",
    "impact",
    "created_at",
    "updated_at",
    "started_at",
    "monitoring_at",
    "resolved_at",
    "shortlink",
    "page_id",
    "incident_updates",
    "components",
}
MAINTENANCE_KEYS = INCIDENT_KEYS | {"scheduled_for", "scheduled_until"}
UPDATE_KEYS = {
    "id",
    "status",
    "body",
    "incident_id",
    "created_at",
    "updated_at",
    "display_at",
    "affected_components",
    "deliver_notifications",
    "custom_tweet",
    "tweet_id",
}
AFFECTED_KEYS = {"code", "name", "old_status", "new_status"}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
def rows(db):
    return site_data.catalog()


def test_it_writes_times_as_statuspage_does():
    moment = datetime(2025, 8, 12, 11, 14, 3, 987654, tzinfo=UTC) + timedelta(hours=0)
    assert v2.iso(moment) == "2025-08-12T11:14:03.987Z"
    assert v2.iso(None) is None


def test_it_derives_a_stable_page_id_from_the_page_url(settings):
    settings.STATUS_PAGE_URL = "https://status.example.net/"
    first = v2.page_id()
    assert re.fullmatch(r"[a-z0-9]{12}", first)
    assert v2.page_id() == first
    settings.STATUS_PAGE_URL = "https://status.example.org/"
    assert v2.page_id() != first


def test_it_builds_the_page_object(rows, settings):
    settings.STATUS_PAGE_NAME = "Colt status"
    settings.STATUS_PAGE_TIME_ZONE = "Europe/Berlin"
    page = v2.page_object()
    assert set(page) == PAGE_KEYS
    assert page["name"] == "Colt status"
    assert page["time_zone"] == "Europe/Berlin"
    assert TIME.match(page["updated_at"])


def test_it_builds_component_objects_with_their_group(rows):
    api = v2.component_object(rows["api"])
    assert set(api) == COMPONENT_KEYS
    assert api["id"] == rows["api"].code
    assert api["group_id"] == rows["voice"].code
    assert api["group"] is False
    assert api["description"] is None
    assert api["created_at"] == "2025-05-01T00:00:00.000Z"


def test_a_group_lists_its_public_children_and_shows_the_worst_status(rows):
    site_data.set_status(rows["sip"], ComponentStatus.PARTIAL_OUTAGE, T0)
    voice = v2.component_object(rows["voice"])
    assert set(voice) == GROUP_KEYS
    assert voice["components"] == [rows["api"].code, rows["sip"].code]
    assert voice["status"] == "partial_outage"


def test_it_builds_incident_objects_with_published_updates_newest_first(rows):
    outage = site_data.voice_outage(rows)
    doc = v2.incident_object(outage)
    assert set(doc) == INCIDENT_KEYS
    assert [u["status"] for u in doc["incident_updates"]] == ["identified", "investigating"]
    assert all(set(u) == UPDATE_KEYS for u in doc["incident_updates"])
    assert doc["impact"] == "critical"
    assert doc["shortlink"].endswith(f"/incidents/{outage.code}.html")
    assert [c["name"] for c in doc["components"]] == ["Voice API"]


def test_an_update_names_only_public_affected_components(rows):
    outage = site_data.voice_outage(rows)
    doc = v2.incident_object(outage)["incident_updates"][0]
    assert doc["incident_id"] == outage.code
    assert [set(a) for a in doc["affected_components"]] == [AFFECTED_KEYS]
    assert doc["affected_components"][0] == {
        "code": rows["api"].code,
        "name": "Voice API",
        "old_status": "operational",
        "new_status": "major_outage",
    }
    assert doc["display_at"] == "2025-08-12T11:14:03.000Z"
    assert doc["custom_tweet"] is None
    assert doc["tweet_id"] is None


def test_the_update_object_alone_matches_the_one_inside_the_incident(rows):
    outage = site_data.voice_outage(rows)
    newest = v2.published_updates().filter(incident=outage).first()
    assert newest is not None
    assert v2.incident_update_object(newest) == v2.incident_object(outage)["incident_updates"][0]


def test_a_maintenance_carries_its_window(rows):
    work = site_data.maintenance("Core router upgrade", T0 + timedelta(days=2))
    doc = v2.incident_object(work)
    assert set(doc) == MAINTENANCE_KEYS
    assert doc["impact"] == "maintenance"
    assert doc["scheduled_for"] == "2025-08-14T09:14:03.000Z"
    assert doc["scheduled_until"] == "2025-08-14T11:14:03.000Z"


def test_an_impact_override_wins_over_the_derived_impact(rows):
    outage = site_data.voice_outage(rows)
    outage.impact_override = "minor"
    outage.save()
    assert v2.incident_object(outage)["impact"] == "minor"


@pytest.mark.parametrize(
    ("status", "indicator", "description"),
    [
        (ComponentStatus.OPERATIONAL, "none", "All Systems Operational"),
        (ComponentStatus.DEGRADED_PERFORMANCE, "minor", "Minor Service Outage"),
        (ComponentStatus.PARTIAL_OUTAGE, "major", "Partial System Outage"),
        (ComponentStatus.MAJOR_OUTAGE, "critical", "Major Service Outage"),
        (ComponentStatus.UNDER_MAINTENANCE, "maintenance", "Service Under Maintenance"),
    ],
)
def test_the_indicator_follows_the_worst_component(rows, status, indicator, description):
    site_data.set_status(rows["portal"], status, T0)
    assert v2.status_object() == {"indicator": indicator, "description": description}


def test_an_internal_component_never_moves_the_indicator(rows):
    site_data.set_status(rows["identity"], ComponentStatus.MAJOR_OUTAGE, T0)
    assert v2.status_object()["indicator"] == "none"


def test_an_unresolved_incident_moves_the_indicator_by_its_impact(rows):
    site_data.incident("Slow logins", impact="major")
    assert v2.status_object()["indicator"] == "major"


def test_a_resolved_or_draft_incident_does_not_move_the_indicator(rows):
    site_data.incident("Over", impact="critical", status=IncidentStatus.RESOLVED)
    site_data.incident("Not yet said", impact="critical", published=False)
    assert v2.status_object()["indicator"] == "none"
