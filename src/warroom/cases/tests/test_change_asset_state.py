from datetime import UTC, datetime

import pytest

from warroom.cases.actions import add_asset, change_asset_state, take_offline
from warroom.cases.choices import AssetState, EventKind
from warroom.cases.models import Asset

NOW = datetime(2025, 8, 12, 15, 30, tzinfo=UTC)


@pytest.fixture
def sharepoint(case, alice):
    asset = Asset(
        case=case,
        name="SP-FE-01",
        hostname="sp-fe-01.corp.example",
        ip_addresses=["10.20.0.11"],
        role="SharePoint front end",
        internet_facing=True,
    )
    return add_asset(asset, alice, now=NOW)


def test_it_takes_the_asset_offline(sharepoint, bob):
    take_offline(sharepoint, bob, reason="Webshell spinstall0.aspx found", now=NOW)
    sharepoint.refresh_from_db()
    assert sharepoint.state == AssetState.OFFLINE


def test_it_keeps_who_why_and_when(sharepoint, bob):
    change_asset_state(sharepoint, AssetState.ISOLATED, bob, reason="EDR isolation", now=NOW)
    change = sharepoint.state_changes.get()
    assert (change.from_state, change.to_state) == (AssetState.ONLINE, AssetState.ISOLATED)
    assert (change.changed_by, change.changed_at, change.reason) == (bob, NOW, "EDR isolation")


def test_it_writes_timeline_event(sharepoint, bob):
    event = take_offline(sharepoint, bob, reason="Webshell found", now=NOW)
    assert event is not None
    assert (event.kind, event.asset, event.actor) == (EventKind.STATUS_CHANGE, sharepoint, bob)
    assert event.text == "SP-FE-01 changed from Online to Offline: Webshell found"


def test_adding_an_asset_writes_timeline_event(sharepoint):
    event = sharepoint.events.get()
    assert event.kind == EventKind.OBSERVATION
    assert "SP-FE-01 (SharePoint front end, internet-facing)" in event.text


def test_it_writes_nothing_when_unchanged(sharepoint, bob):
    assert change_asset_state(sharepoint, AssetState.ONLINE, bob, reason="x", now=NOW) is None
    assert not sharepoint.state_changes.exists()
