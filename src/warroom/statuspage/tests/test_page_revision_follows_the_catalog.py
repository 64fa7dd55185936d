"""A status changed in the catalog, not through a public incident, still changes the page."""

from __future__ import annotations

from datetime import UTC, datetime

from warroom.catalog.actions import set_component_status
from warroom.catalog.choices import ChangeSource, ComponentStatus
from warroom.catalog.models import Component
from warroom.statuspage.models import PageRevision

NOW = datetime(2025, 8, 12, 9, 0, tzinfo=UTC)


def test_a_public_component_changing_bumps_the_revision(catalog, alice):
    before = PageRevision.current()
    set_component_status(
        catalog["portal"], ComponentStatus.MAJOR_OUTAGE, alice, now=NOW, source=ChangeSource.PERSON
    )
    assert PageRevision.current() == before + 1


def test_an_internal_component_changing_does_not(catalog, alice):
    identity = Component.objects.create(name="Identity service", public=False)
    before = PageRevision.current()
    set_component_status(
        identity, ComponentStatus.MAJOR_OUTAGE, alice, now=NOW, source=ChangeSource.PERSON
    )
    assert PageRevision.current() == before


def test_it_is_pushed_to_the_targets_too(catalog, alice, settings):
    # Before, the live page followed a catalog change but the static mirrors did not.
    from warroom.jobs.models import Job

    settings.STATUS_TARGETS = ["/srv/status"]
    set_component_status(
        catalog["portal"], ComponentStatus.MAJOR_OUTAGE, alice, now=NOW, source=ChangeSource.PERSON
    )
    [job] = Job.objects.filter(kind="statuspage.publish")
    assert job.payload == {"revision": PageRevision.current()}
