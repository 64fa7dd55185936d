"""The v2 endpoint documents: top-level keys (reference §6.1) and which incidents each lists."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from warroom.catalog.choices import ComponentStatus
from warroom.statuspage import v2
from warroom.statuspage.choices import IncidentStatus, MaintenanceStatus, ReviewState
from warroom.statuspage.tests import site_data
from warroom.statuspage.tests.site_data import T0
from warroom.statuspage.tests.test_v2_objects import (
    COMPONENT_KEYS,
    GROUP_KEYS,
    INCIDENT_KEYS,
    MAINTENANCE_KEYS,
    PAGE_KEYS,
    STATUS_KEYS,
    UPDATE_KEYS,
)

TOP_LEVEL = {
    "summary": {"page", "status", "components", "incidents", "scheduled_maintenances"},
    "status": {"page", "status"},
    "components": {"page", "components"},
    "incidents": {"page", "incidents"},
    "unresolved": {"page", "incidents"},
    "maintenances": {"page", "scheduled_maintenances"},
    "upcoming": {"page", "scheduled_maintenances"},
    "active": {"page", "scheduled_maintenances"},
}
START = T0 + timedelta(days=1)  # the maintenance window: START to START + 2 h


@pytest.fixture
def rows(db):
    rows = site_data.catalog()
    site_data.voice_outage(rows)
    site_data.incident(
        "Portal slow last week", status=IncidentStatus.RESOLVED, at=T0 - timedelta(7)
    )
    site_data.maintenance("Core router upgrade", START)
    site_data.maintenance("Number porting migration", T0, status=MaintenanceStatus.IN_PROGRESS)
    return rows


def check_objects(doc: dict[str, Any]) -> None:
    """Every object in DOC has exactly the keys of its kind."""
    if "page" in doc:
        assert set(doc["page"]) == PAGE_KEYS
    if "status" in doc:
        assert set(doc["status"]) == STATUS_KEYS
    for component in doc.get("components", []):
        assert set(component) == (GROUP_KEYS if component["group"] else COMPONENT_KEYS)
    for incident in doc.get("incidents", []):
        assert set(incident) == INCIDENT_KEYS
        assert all(set(update) == UPDATE_KEYS for update in incident["incident_updates"])
    for maintenance in doc.get("scheduled_maintenances", []):
        assert set(maintenance) == MAINTENANCE_KEYS


@pytest.mark.parametrize("name", sorted(TOP_LEVEL))
def test_each_document_has_statuspages_top_level_keys_and_object_fields(rows, name):
    doc = getattr(v2, name)(T0)
    assert set(doc) == TOP_LEVEL[name]
    check_objects(doc)


def names(items: list[dict[str, Any]]) -> list[str]:
    return [item["name"] for item in items]


def test_components_lists_public_ones_only_groups_included(rows):
    doc = v2.components(T0)
    # Ordered by position, then name, as Component.objects.public() orders them.
    assert names(doc["components"]) == ["Voice", "Voice API", "Customer portal", "SIP trunking"]


def test_a_component_shown_only_when_degraded_stays_in_the_json(rows):
    portal = rows["portal"]
    portal.only_show_if_degraded = True
    portal.save()
    [doc] = [c for c in v2.components(T0)["components"] if c["name"] == "Customer portal"]
    assert doc["only_show_if_degraded"] is True


def test_incidents_lists_published_incidents_newest_first_resolved_included(rows):
    assert names(v2.incidents(T0)["incidents"]) == [
        "Voice API unavailable",
        "Portal slow last week",
    ]


def test_unresolved_lists_open_incidents_only(rows):
    assert names(v2.unresolved(T0)["incidents"]) == ["Voice API unavailable"]
    assert names(v2.summary(T0)["incidents"]) == ["Voice API unavailable"]


def test_maintenances_lists_every_published_maintenance(rows):
    assert sorted(names(v2.maintenances(T0)["scheduled_maintenances"])) == [
        "Core router upgrade",
        "Number porting migration",
    ]


def test_active_lists_maintenances_in_progress_or_verifying(rows):
    assert names(v2.active(T0)["scheduled_maintenances"]) == ["Number porting migration"]


@pytest.mark.parametrize(
    ("moment", "listed"),
    [
        (START - timedelta(seconds=1), True),
        (START, True),
        (START + timedelta(hours=2) - timedelta(seconds=1), True),
        (START + timedelta(hours=2), False),
        (START + timedelta(hours=2, seconds=1), False),
    ],
)
def test_upcoming_keeps_a_scheduled_window_until_it_ends(rows, moment, listed):
    upcoming = names(v2.upcoming(moment)["scheduled_maintenances"])
    assert ("Core router upgrade" in upcoming) is listed
    summary = names(v2.summary(moment)["scheduled_maintenances"])
    assert ("Core router upgrade" in summary) is listed


def test_summary_lists_active_then_upcoming_maintenances(rows):
    assert names(v2.summary(T0)["scheduled_maintenances"]) == [
        "Number porting migration",
        "Core router upgrade",
    ]


def test_the_page_is_under_maintenance_when_nothing_else_is_wrong(db):
    rows = site_data.catalog()
    site_data.maintenance("Number porting migration", T0, status=MaintenanceStatus.IN_PROGRESS)
    assert v2.status(T0)["status"] == {
        "indicator": "maintenance",
        "description": "Service Under Maintenance",
    }
    site_data.set_status(rows["sip"], ComponentStatus.PARTIAL_OUTAGE, T0)
    assert v2.status(T0)["status"]["indicator"] == "major"


def test_drafts_appear_in_no_document(rows):
    secret = site_data.incident("Data stolen (draft)", published=False, impact="critical")
    site_data.update(secret, "Draft body", review=ReviewState.DRAFT)
    for name in TOP_LEVEL:
        text = repr(getattr(v2, name)(T0))
        assert "draft" not in text.lower(), name
        assert "DRAFT" not in text


def test_a_withdrawn_update_is_not_shown(rows):
    outage = v2.published_incidents().get(name="Voice API unavailable")
    site_data.update(outage, "Withdrawn text", review=ReviewState.WITHDRAWN)
    [doc] = v2.unresolved(T0)["incidents"]
    assert "Withdrawn text" not in repr(doc)


def test_documents_use_a_fixed_number_of_queries(rows, django_assert_max_num_queries):
    for n in range(5):
        outage = site_data.incident(f"Extra {n}")
        site_data.update(outage, "Text", affected={rows["sip"]: "partial_outage"})
    with django_assert_max_num_queries(30):
        v2.summary(T0)
