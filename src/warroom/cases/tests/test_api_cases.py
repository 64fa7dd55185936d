"""/api/cases and /api/cases/{ref}: list, open, read and edit a case."""

from __future__ import annotations

from django.contrib.auth.models import User
from pytest_django import DjangoAssertNumQueries

from warroom.accounts.models import Membership, Role
from warroom.cases import actions
from warroom.cases.choices import EventKind, Phase, Severity
from warroom.cases.models import Incident
from warroom.cases.tests.api_client import DETECTED, ApiClient, error_fields

CASE = "/cases/INC-2025-0001"


def _second_case(user: User) -> Incident:
    return actions.open_case(
        user, title="Voice API", severity=Severity.SEV3, detected_at=DETECTED, now=DETECTED
    )


def test_it_lists_only_the_callers_cases(case: Incident, bob: User, charlie: User) -> None:
    _second_case(charlie)
    response = ApiClient(bob).get("/cases")
    assert [c["reference"] for c in response.json()] == ["INC-2025-0001"]


def test_it_filters_by_phase_and_severity(case: Incident, alice: User) -> None:
    _second_case(alice)
    api = ApiClient(alice)
    assert [c["severity"] for c in api.get("/cases", severity="SEV3").json()] == ["SEV3"]
    assert api.get("/cases", phase="closed").json() == []


def test_it_lists_in_a_fixed_number_of_queries(
    case: Incident, alice: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(5):
        _second_case(alice)
    api = ApiClient(alice)
    # Token lookup, its last-used stamp, the cases with their commanders.
    with django_assert_num_queries(3):
        assert len(api.get("/cases").json()) == 6


def test_it_rejects_an_unknown_filter_value(case: Incident, alice: User) -> None:
    assert error_fields(ApiClient(alice).get("/cases", phase="done")) == {"phase"}


def test_it_opens_a_case_with_the_caller_as_commander(bob: User) -> None:
    body = {"title": "Voice API down", "severity": "SEV2", "detected_at": "2025-08-12T08:00:00Z"}
    response = ApiClient(bob).post("/cases", body)
    assert response.status_code == 201
    assert response.json()["reference"] == "INC-2025-0001"
    assert response.json()["commander"] == "bob"
    assert Membership.objects.get(user=bob).role == Role.COMMANDER


def test_it_rejects_a_naive_time(bob: User) -> None:
    body = {"title": "Voice API down", "detected_at": "2025-08-12T08:00:00"}
    response = ApiClient(bob).post("/cases", body)
    assert error_fields(response) == {"detected_at"}
    assert "timezone" in response.json()["detail"][0]["msg"]
    assert not Incident.objects.exists()


def test_it_names_every_bad_field(bob: User) -> None:
    body = {"title": "", "severity": "SEV9", "detected_at": "yesterday"}
    assert error_fields(ApiClient(bob).post("/cases", body)) == {
        "title",
        "severity",
        "detected_at",
    }


def test_it_shows_a_case(case: Incident, bob: User) -> None:
    body = ApiClient(bob).get(CASE).json()
    assert body["title"] == "SharePoint servers breached"
    assert (body["phase"], body["severity"], body["commander"]) == ("detected", "SEV1", "alice")


def test_it_lets_a_responder_edit_the_title(case: Incident, bob: User) -> None:
    response = ApiClient(bob).patch(CASE, {"title": "SharePoint farm breached", "summary": "s"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.title, case.summary) == ("SharePoint farm breached", "s")


def test_it_keeps_phase_and_severity_for_the_commander(case: Incident, bob: User) -> None:
    for change in ({"phase": "triage"}, {"severity": "SEV2"}, {"title": "t", "phase": "triage"}):
        response = ApiClient(bob).patch(CASE, change)
        assert response.status_code == 403
        assert "commander" in response.json()["detail"]
    case.refresh_from_db()
    assert (case.phase, case.title) == (Phase.DETECTED, "SharePoint servers breached")


def test_it_writes_timeline_events_for_phase_and_severity(case: Incident, alice: User) -> None:
    body = {"phase": "contained", "severity": "SEV2", "note": "Portal taken offline."}
    response = ApiClient(alice).patch(CASE, body)
    assert response.json()["phase"] == "contained"
    texts = list(case.events.filter(kind=EventKind.STATUS_CHANGE).values_list("text", flat=True))
    assert "Phase changed from Detected to Contained. Portal taken offline." in texts
    assert "Severity changed from SEV1 to SEV2. Portal taken offline." in texts


def test_it_writes_a_timeline_event_for_the_awareness_time(case: Incident, bob: User) -> None:
    ApiClient(bob).patch(CASE, {"aware_at": "2025-08-12T09:15:00+01:00"})
    case.refresh_from_db()
    assert case.aware_at is not None
    assert case.aware_at.isoformat() == "2025-08-12T08:15:00+00:00"
    assert case.events.filter(text__startswith="Awareness time set to 2025-08-12 08:15").exists()


def test_it_rejects_an_unknown_phase(case: Incident, alice: User) -> None:
    response = ApiClient(alice).patch(CASE, {"phase": "done", "title": "t"})
    assert error_fields(response) == {"phase"}
    assert "'detected'" in response.json()["detail"][0]["msg"]
    case.refresh_from_db()
    assert case.title == "SharePoint servers breached"
