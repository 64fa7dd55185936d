"""Who may call which API route: the table below must name every route of the API.

The routes come from the OpenAPI schema, so a new route that is missing here fails
`test_the_table_names_every_route` instead of going untested.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from warroom.cases import actions
from warroom.cases.choices import ActionKind, EventKind, Severity
from warroom.cases.models import Action, Asset, Evidence, Incident, Indicator, Task
from warroom.cases.tests.api_client import DETECTED, ApiClient, observer

WHEN = "2025-08-12T07:00:00Z"
EVIDENCE = {
    "name": "sp01 IIS logs",
    "location": "vault://case-1/iis.zip",
    "acquired_by": "Forensics Ltd",
    "acquired_at": WHEN,
    "acquired_from": "sp01",
}
READS = {
    "/cases/{ref}",
    "/cases/{ref}/timeline",
    "/cases/{ref}/timeline/{event_id}/edits",
    "/cases/{ref}/assets",
    "/cases/{ref}/indicators",
    "/cases/{ref}/evidence",
    "/cases/{ref}/tasks",
    "/cases/{ref}/actions",
}
WRITES: dict[tuple[str, str], dict[str, Any]] = {
    ("patch", "/cases/{ref}"): {"title": "SharePoint farm breached"},
    ("post", "/cases/{ref}/timeline"): {"kind": "observation", "text": "x", "occurred_at": WHEN},
    ("patch", "/cases/{ref}/timeline/{event_id}"): {"text": "corrected"},
    ("post", "/cases/{ref}/assets"): {"name": "sp02"},
    ("patch", "/cases/{ref}/assets/{asset_id}"): {"role": "SharePoint front end"},
    ("post", "/cases/{ref}/indicators"): {"type": "domain-name", "value": "evil.example"},
    ("patch", "/cases/{ref}/indicators/{indicator_id}"): {"confidence": 90},
    ("post", "/cases/{ref}/evidence"): EVIDENCE,
    ("patch", "/cases/{ref}/evidence/{evidence_id}"): {"description": "zip of W3C logs"},
    ("post", "/cases/{ref}/tasks"): {"title": "Image sp01"},
    ("patch", "/cases/{ref}/tasks/{task_id}"): {"title": "Image sp01 and sp02"},
    ("post", "/cases/{ref}/actions"): {"kind": "block", "description": "Block 107.191.58.76"},
    ("patch", "/cases/{ref}/actions/{action_id}"): {"state": "approved"},
}
CASE_ROUTES = [("get", path, None) for path in sorted(READS)] + [
    (method, path, body) for (method, path), body in WRITES.items()
]
OPEN_CASE = {"title": "Voice API down", "severity": "SEV2", "detected_at": WHEN}
ALL_ROUTES = [*CASE_ROUTES, ("get", "/cases", None), ("post", "/cases", OPEN_CASE)]


@pytest.fixture
def ids(case: Incident, alice: Any) -> dict[str, int]:
    """One record of each kind in CASE, so every id in a route exists."""
    asset = actions.add_asset(Asset(case=case, name="sp01"), alice, now=DETECTED)
    indicator = Indicator(case=case, type="ipv4-addr", value="107.191.58.76")
    actions.add_indicator(indicator, alice, now=DETECTED)
    evidence = Evidence(
        case=case,
        name="e",
        location="vault://1",
        acquired_by="a",
        acquired_at=DETECTED,
        acquired_from="sp01",
    )
    actions.add_evidence(evidence, alice, now=DETECTED)
    action = actions.propose_action(
        Action(case=case, kind=ActionKind.BLOCK, description="block"), alice, now=DETECTED
    )
    event = actions.record_event(case, alice, EventKind.OBSERVATION, "seen", occurred_at=DETECTED)
    task = Task.objects.create(case=case, title="t")
    return {
        "asset_id": asset.pk,
        "indicator_id": indicator.pk,
        "evidence_id": evidence.pk,
        "task_id": task.pk,
        "action_id": action.pk,
        "event_id": event.pk,
    }


def _path(template: str, case: Incident, ids: dict[str, int]) -> str:
    return template.format(ref=case.reference, **ids)


def test_the_table_names_every_route(db: Any) -> None:
    schema = Client().get("/api/openapi.json").json()
    routes = {
        (method, path.removeprefix("/api"))
        for path, operations in schema["paths"].items()
        for method in operations
    }
    assert routes == {(method, path) for method, path, _body in ALL_ROUTES}


@pytest.mark.parametrize(("method", "path", "body"), CASE_ROUTES)
def test_it_answers_404_to_non_members(
    method: str,
    path: str,
    body: dict[str, Any] | None,
    case: Incident,
    charlie: User,
    ids: dict[str, int],
) -> None:
    response = ApiClient(charlie).call(method, _path(path, case, ids), body)
    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize(("method", "path", "body"), ALL_ROUTES)
def test_it_answers_401_without_a_token(
    method: str, path: str, body: dict[str, Any] | None, case: Incident, ids: dict[str, int]
) -> None:
    response = ApiClient(None).call(method, _path(path, case, ids), body)
    assert response.status_code == 401, response.content


@pytest.mark.parametrize(("method", "path", "body"), CASE_ROUTES)
def test_it_lets_the_commander_use_every_route(
    method: str,
    path: str,
    body: dict[str, Any] | None,
    case: Incident,
    alice: User,
    ids: dict[str, int],
) -> None:
    response = ApiClient(alice).call(method, _path(path, case, ids), body)
    assert response.status_code == (201 if method == "post" else 200), response.content


@pytest.mark.parametrize("path", sorted(READS))
def test_it_lets_observers_read(path: str, case: Incident, ids: dict[str, int]) -> None:
    response = ApiClient(observer(case)).get(_path(path, case, ids))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(("method", "path"), sorted(WRITES))
def test_it_forbids_observers_to_write(
    method: str, path: str, case: Incident, ids: dict[str, int]
) -> None:
    response = ApiClient(observer(case)).call(method, _path(path, case, ids), WRITES[method, path])
    assert response.status_code == 403, response.content
    assert "read only" in response.json()["detail"]


def test_it_hides_records_of_other_cases(case: Incident, alice: User, ids: dict[str, int]) -> None:
    other = actions.open_case(
        alice, title="Other", severity=Severity.SEV4, detected_at=DETECTED, now=DETECTED
    )
    api = ApiClient(alice)
    for (method, template), body in WRITES.items():
        if "_id}" in template:
            response = api.call(method, template.format(ref=other.reference, **ids), body)
            assert response.status_code == 404, (template, response.content)
