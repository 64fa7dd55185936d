"""/api/cases/{ref}/actions: proposed, approved or rejected by the commander, then done."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from warroom.cases import actions
from warroom.cases.choices import ActionState, EventKind
from warroom.cases.models import Action, Asset, Incident
from warroom.cases.tests.api_client import DETECTED, ApiClient, error_fields

ACTIONS = "/cases/INC-2025-0001/actions"


def _propose(api: ApiClient, **extra: object) -> dict[str, Any]:
    body = {"kind": "take_offline", "description": "Take the customer portal offline", **extra}
    response = api.post(ACTIONS, body)
    assert response.status_code == 201, response.content
    result: dict[str, Any] = response.json()
    return result


def test_it_proposes_an_action_on_an_asset(case: Incident, alice: User, bob: User) -> None:
    asset = actions.add_asset(Asset(case=case, name="portal"), alice, now=DETECTED)
    proposed = _propose(ApiClient(bob), asset_id=asset.pk)
    assert (proposed["state"], proposed["requested_by"], proposed["asset_id"]) == (
        "proposed",
        "bob",
        asset.pk,
    )
    assert case.events.filter(kind=EventKind.ACTION, asset=asset).exists()


def test_it_refuses_an_asset_of_another_case(case: Incident, bob: User) -> None:
    assert error_fields(
        ApiClient(bob).post(ACTIONS, {"kind": "block", "description": "x", "asset_id": 999})
    ) == {"asset_id"}


def test_it_lets_the_commander_approve(case: Incident, alice: User, bob: User) -> None:
    proposed = _propose(ApiClient(bob))
    response = ApiClient(alice).patch(f"{ACTIONS}/{proposed['id']}", {"state": "approved"})
    assert (response.json()["state"], response.json()["approved_by"]) == ("approved", "alice")
    assert case.events.filter(kind=EventKind.DECISION, text__startswith="Approved:").exists()


def test_it_keeps_approval_for_the_commander(case: Incident, bob: User) -> None:
    proposed = _propose(ApiClient(bob))
    for state in ("approved", "rejected"):
        response = ApiClient(bob).patch(f"{ACTIONS}/{proposed['id']}", {"state": state})
        assert response.status_code == 403
    assert Action.objects.get().state == ActionState.PROPOSED


def test_it_records_a_rejection_with_its_reason(case: Incident, alice: User, bob: User) -> None:
    proposed = _propose(ApiClient(bob))
    body = {"state": "rejected", "outcome": "Portal is needed for support."}
    assert ApiClient(alice).patch(f"{ACTIONS}/{proposed['id']}", body).json()["state"] == "rejected"
    assert case.events.filter(text__endswith="Portal is needed for support.").exists()


def test_it_records_an_approved_action_as_done(case: Incident, alice: User, bob: User) -> None:
    proposed = _propose(ApiClient(bob))
    path = f"{ACTIONS}/{proposed['id']}"
    ApiClient(alice).patch(path, {"state": "approved"})
    assert error_fields(ApiClient(bob).patch(path, {"state": "done"})) == {"outcome"}
    response = ApiClient(bob).patch(path, {"state": "done", "outcome": "Portal offline 14:05."})
    assert (response.json()["state"], response.json()["outcome"]) == (
        "done",
        "Portal offline 14:05.",
    )


def test_it_refuses_a_step_out_of_order(case: Incident, alice: User, bob: User) -> None:
    proposed = _propose(ApiClient(bob))
    path = f"{ACTIONS}/{proposed['id']}"
    response = ApiClient(bob).patch(path, {"state": "done", "outcome": "x"})
    assert response.status_code == 409
    assert response.json()["detail"] == "This action is proposed: it can be done only when approved"
    assert error_fields(ApiClient(alice).patch(path, {"state": "proposed"})) == {"state"}
