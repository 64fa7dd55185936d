"""/api/cases/{ref}/evidence: evidence kept elsewhere, with its chain of custody."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from warroom.cases.choices import CustodyKind
from warroom.cases.models import CustodyEntry, Evidence, Incident
from warroom.cases.tests.api_client import ApiClient, error_fields

EVIDENCE = "/cases/INC-2025-0001/evidence"
DIGEST = "A" * 64
BODY = {
    "name": "sp01 IIS logs",
    "location": "vault://case-1/iis.zip",
    "acquired_by": "Forensics Ltd",
    "acquired_at": "2025-08-12T11:00:00+02:00",
    "acquired_from": "sp01",
}


def _add(api: ApiClient, **extra: object) -> dict[str, Any]:
    response = api.post(EVIDENCE, {**BODY, **extra})
    assert response.status_code == 201, response.content
    result: dict[str, Any] = response.json()
    return result


def test_it_adds_evidence_and_starts_custody(case: Incident, bob: User) -> None:
    created = _add(ApiClient(bob), sha256=DIGEST, size=1024)
    assert (created["sha256"], created["uploaded"], created["added_by"]) == ("a" * 64, False, "bob")
    entry = CustodyEntry.objects.get(evidence_id=created["id"])
    assert entry.kind == CustodyKind.ACQUIRED
    assert "2025-08-12 09:00 UTC" in entry.note
    assert case.events.filter(text="Evidence added: sp01 IIS logs from sp01.").exists()


def test_it_lists_evidence(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    _add(api)
    assert [e["name"] for e in api.get(EVIDENCE).json()] == ["sp01 IIS logs"]


def test_it_rejects_a_bad_digest_or_missing_location(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    response = api.post(EVIDENCE, {**BODY, "sha256": "abc"})
    assert error_fields(response) == {"sha256"}
    assert "64 hexadecimal digits" in response.json()["detail"][0]["msg"]
    assert error_fields(api.post(EVIDENCE, {**BODY, "location": " "})) == {"location"}
    assert not Evidence.objects.exists()


def test_it_logs_a_move_as_a_transfer(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    created = _add(api)
    api.patch(f"{EVIDENCE}/{created['id']}", {"location": "vault://case-1/safe-2"})
    entry = CustodyEntry.objects.get(kind=CustodyKind.TRANSFERRED)
    assert entry.note == "Moved from vault://case-1/iis.zip to vault://case-1/safe-2."


def test_it_records_a_hash_once(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    created = _add(api)
    path = f"{EVIDENCE}/{created['id']}"
    assert api.patch(path, {"sha256": DIGEST, "size": 10}).json()["sha256"] == "a" * 64
    assert CustodyEntry.objects.filter(kind=CustodyKind.HASHED).count() == 1
    response = api.patch(path, {"sha256": "b" * 64, "description": "changed"})
    assert response.status_code == 409
    assert "a" * 64 in response.json()["detail"]
    assert Evidence.objects.get().description == ""
