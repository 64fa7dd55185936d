"""An incident's impact: the override, else derived from its published component statuses."""

from types import SimpleNamespace

import pytest

from warroom.catalog.choices import ComponentStatus
from warroom.statuspage.actions import approve_update, draft_update, publish_update
from warroom.statuspage.choices import Impact, Indicator, page_indicator
from warroom.statuspage.models import PublicIncident, worst_impact

from .conftest import NOW


@pytest.mark.parametrize(
    ("statuses", "impact"),
    [
        ([], Impact.NONE),
        (["operational"], Impact.NONE),
        (["degraded_performance"], Impact.MINOR),
        (["under_maintenance"], Impact.MAINTENANCE),
        (["partial_outage"], Impact.MAJOR),
        (["major_outage"], Impact.CRITICAL),
        (["operational", "degraded_performance", "partial_outage"], Impact.MAJOR),
        (["major_outage", "operational"], Impact.CRITICAL),
        (["degraded_performance", "under_maintenance"], Impact.MAINTENANCE),
    ],
)
def test_the_worst_status_decides(statuses, impact):
    assert worst_impact(statuses) == impact


def _publish(incident, bob, dana, changes, status="identified"):
    update = draft_update(
        incident, bob, status=status, body="Text.", changes=changes, language="en", now=NOW
    )
    approve_update(update, dana, now=NOW)
    return publish_update(update, dana, now=NOW)


def test_it_is_derived_from_published_updates_only(public_incident, bob, dana, catalog):
    draft_update(
        public_incident,
        bob,
        status="identified",
        body="Not yet approved.",
        changes={catalog["portal"]: ComponentStatus.MAJOR_OUTAGE},
        language="en",
        now=NOW,
    )
    assert public_incident.impact == Impact.NONE
    _publish(public_incident, bob, dana, {catalog["api"]: "partial_outage"})
    assert public_incident.impact == Impact.MAJOR


def test_a_resolved_incident_keeps_its_worst_impact(public_incident, bob, dana, catalog):
    _publish(public_incident, bob, dana, {catalog["api"]: "major_outage"})
    _publish(public_incident, bob, dana, {catalog["api"]: "operational"}, status="resolved")
    assert public_incident.impact == Impact.CRITICAL


def test_the_override_wins(public_incident, bob, dana, catalog):
    _publish(public_incident, bob, dana, {catalog["api"]: "major_outage"})
    public_incident.impact_override = Impact.MINOR
    assert public_incident.impact == Impact.MINOR


def test_a_maintenance_has_maintenance_impact(maintenance):
    assert maintenance.impact == Impact.MAINTENANCE


def test_it_reads_prefetched_updates_without_a_query(
    public_incident, bob, dana, catalog, django_assert_num_queries
):
    _publish(public_incident, bob, dana, {catalog["portal"]: "degraded_performance"})
    incident = PublicIncident.objects.prefetch_related("updates__affected").get()
    with django_assert_num_queries(0):
        assert incident.impact == Impact.MINOR


@pytest.mark.parametrize(
    ("statuses", "indicator"),
    [
        ([], Indicator.NONE),
        (["operational", "under_maintenance"], Indicator.NONE),
        (["operational", "degraded_performance"], Indicator.MINOR),
        (["degraded_performance", "partial_outage"], Indicator.MAJOR),
        (["partial_outage", "major_outage", "operational"], Indicator.CRITICAL),
    ],
)
def test_the_page_indicator_is_the_worst_a_component_implies(statuses, indicator):
    components = [SimpleNamespace(status=status) for status in statuses]
    assert page_indicator(components) == indicator
