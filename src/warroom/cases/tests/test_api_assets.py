"""/api/cases/{ref}/assets: systems of the case and their containment state."""

from __future__ import annotations

from django.contrib.auth.models import User

from warroom.cases import actions
from warroom.cases.choices import AssetState
from warroom.cases.models import Asset, AssetStateChange, Incident
from warroom.cases.tests.api_client import DETECTED, ApiClient, error_fields

ASSETS = "/cases/INC-2025-0001/assets"


def _asset(case: Incident, alice: User) -> Asset:
    return actions.add_asset(Asset(case=case, name="sp01"), alice, now=DETECTED)


def test_it_adds_an_asset_and_notes_it(case: Incident, bob: User) -> None:
    body = {
        "name": "sp01",
        "ip_addresses": ["192.0.2.10"],
        "role": "SharePoint front end",
        "internet_facing": True,
        "state": "suspected",
    }
    response = ApiClient(bob).post(ASSETS, body)
    assert response.status_code == 201
    assert response.json()["state"] == "suspected"
    assert case.events.filter(text__startswith="Asset added: sp01", asset__isnull=False).exists()


def test_it_lists_assets(case: Incident, alice: User, bob: User) -> None:
    _asset(case, alice)
    assert [a["name"] for a in ApiClient(bob).get(ASSETS).json()] == ["sp01"]


def test_it_refuses_a_second_asset_of_the_same_name(case: Incident, alice: User, bob: User) -> None:
    _asset(case, alice)
    response = ApiClient(bob).post(ASSETS, {"name": "sp01"})
    assert response.status_code == 409
    assert "sp01" in response.json()["detail"]


def test_it_rejects_a_bad_address_or_state(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    assert error_fields(api.post(ASSETS, {"name": "x", "ip_addresses": ["999.1.1.1"]})) == {"0"}
    assert error_fields(api.post(ASSETS, {"name": "x", "state": "melted"})) == {"state"}
    assert not case.assets.exists()


def test_it_changes_state_with_a_reason_on_the_timeline(
    case: Incident, alice: User, bob: User
) -> None:
    asset = _asset(case, alice)
    body = {"state": "offline", "reason": "Webshell found; pulled from the load balancer."}
    response = ApiClient(bob).patch(f"{ASSETS}/{asset.pk}", body)
    assert response.json()["state"] == "offline"
    change = AssetStateChange.objects.get(asset=asset)
    assert (change.from_state, change.to_state, change.changed_by) == ("online", "offline", bob)
    event = case.events.get(asset=asset, text__contains="Offline")
    assert event.text == "sp01 changed from Online to Offline: " + body["reason"]


def test_it_needs_a_reason_to_change_state_and_saves_nothing_without(
    case: Incident, alice: User, bob: User
) -> None:
    asset = _asset(case, alice)
    response = ApiClient(bob).patch(f"{ASSETS}/{asset.pk}", {"state": "offline", "role": "x"})
    assert error_fields(response) == {"reason"}
    asset.refresh_from_db()
    assert (asset.state, asset.role) == (AssetState.ONLINE, "")


def test_it_edits_details_without_a_reason(case: Incident, alice: User, bob: User) -> None:
    asset = _asset(case, alice)
    body = {"hostname": "sp01.corp.example", "ip_addresses": ["2001:db8::1"]}
    response = ApiClient(bob).patch(f"{ASSETS}/{asset.pk}", body)
    assert response.json()["ip_addresses"] == ["2001:db8::1"]
    assert not AssetStateChange.objects.exists()
