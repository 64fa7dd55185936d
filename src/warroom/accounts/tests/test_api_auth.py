"""How the JSON API knows its caller: bearer tokens for scripts, the session for the browser."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from warroom.accounts.models import ApiToken
from warroom.cases.models import Incident
from warroom.cases.tests.api_client import ApiClient

CASE = "/api/cases/INC-2025-0001"
NEW_CASE = {"title": "Voice API down", "detected_at": "2025-08-12T08:00:00Z"}


def test_it_accepts_a_bearer_token(case: Incident, bob: User) -> None:
    response = ApiClient(bob).get("/cases/INC-2025-0001")
    assert response.status_code == 200
    assert ApiToken.objects.get(user=bob).last_used_at is not None


def test_it_answers_401_to_a_wrong_token(case: Incident) -> None:
    client = Client(headers={"Authorization": "Bearer wr_not-a-token"})
    response = client.get(CASE)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked API token"}


def test_it_answers_401_without_credentials(case: Incident) -> None:
    assert Client().get(CASE).status_code == 401
    # No session means no CSRF check to fail: the answer is still 401, not 403.
    client = Client(enforce_csrf_checks=True)
    assert client.post("/api/cases", NEW_CASE, content_type="application/json").status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    bob.is_active = False
    bob.save()
    assert api.get("/cases/INC-2025-0001").status_code == 401


def test_it_does_not_fall_back_to_the_session_after_a_wrong_token(
    case: Incident, bob: User
) -> None:
    client = Client(headers={"Authorization": "Bearer wr_not-a-token"})
    client.force_login(bob)
    assert client.get(CASE).status_code == 401


def test_it_accepts_the_session_for_reading(case: Incident, bob: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert client.get(CASE).json()["reference"] == "INC-2025-0001"


def test_it_needs_the_csrf_token_for_session_writes(case: Incident, bob: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    response = client.post("/api/cases", NEW_CASE, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_it_accepts_session_writes_with_the_csrf_token(case: Incident, bob: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    client.get("/api/docs")  # Any page that renders the token sets the cookie.
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/cases", NEW_CASE, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content
