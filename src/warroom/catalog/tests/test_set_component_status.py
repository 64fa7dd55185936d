"""set_component_status: the new status and its history row, together, or nothing at all."""

from datetime import UTC, datetime

import pytest

from warroom.catalog.actions import set_component_status
from warroom.catalog.choices import ChangeSource, ComponentStatus
from warroom.catalog.models import Component, ComponentStatusChange

NOW = datetime(2025, 8, 12, 9, 14, 3, tzinfo=UTC)


@pytest.fixture
def portal(db):
    return Component.objects.create(name="Customer portal")


def test_it_sets_the_status_and_writes_history(portal, alice):
    change = set_component_status(
        portal,
        ComponentStatus.MAJOR_OUTAGE,
        alice,
        now=NOW,
        source=ChangeSource.PERSON,
        reason="Taken offline on purpose",
    )
    assert change is not None
    change.refresh_from_db()
    assert (change.from_status, change.to_status) == ("operational", "major_outage")
    assert (change.changed_at, change.changed_by, change.source) == (NOW, alice, "person")
    assert change.reason == "Taken offline on purpose"
    portal.refresh_from_db()
    assert (portal.status, portal.updated_at) == ("major_outage", NOW)


def test_it_updates_the_instance_it_was_given(portal):
    set_component_status(
        portal, ComponentStatus.PARTIAL_OUTAGE, None, now=NOW, source=ChangeSource.UPDATE
    )
    assert (portal.status, portal.updated_at) == (ComponentStatus.PARTIAL_OUTAGE, NOW)


def test_it_changes_nothing_when_the_status_is_the_same(portal):
    result = set_component_status(
        portal, ComponentStatus.OPERATIONAL, None, now=NOW, source=ChangeSource.IMPORT
    )
    assert result is None
    assert not ComponentStatusChange.objects.exists()
    portal.refresh_from_db()
    assert portal.updated_at != NOW


def test_it_starts_from_the_stored_status_not_a_stale_copy(portal):
    stale = Component.objects.get(pk=portal.pk)
    set_component_status(
        portal, ComponentStatus.MAJOR_OUTAGE, None, now=NOW, source=ChangeSource.PERSON
    )
    change = set_component_status(
        stale, ComponentStatus.DEGRADED_PERFORMANCE, None, now=NOW, source=ChangeSource.PERSON
    )
    assert change is not None
    assert change.from_status == ComponentStatus.MAJOR_OUTAGE


def test_it_keeps_every_change_in_order(portal):
    for status in ["degraded_performance", "major_outage", "operational"]:
        set_component_status(
            portal, ComponentStatus(status), None, now=NOW, source=ChangeSource.UPDATE
        )
    history = portal.status_changes.values_list("from_status", "to_status")
    assert list(history) == [
        ("operational", "degraded_performance"),
        ("degraded_performance", "major_outage"),
        ("major_outage", "operational"),
    ]


def test_it_refuses_a_group(db):
    group = Component.objects.create(name="Customer services", is_group=True)
    with pytest.raises(ValueError, match="Customer services is a group"):
        set_component_status(
            group, ComponentStatus.MAJOR_OUTAGE, None, now=NOW, source=ChangeSource.PERSON
        )
    group.refresh_from_db()
    assert group.status == ComponentStatus.OPERATIONAL
    assert not ComponentStatusChange.objects.exists()
