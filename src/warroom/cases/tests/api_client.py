"""A test client for the JSON API that calls as one user, with a real bearer token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.test import Client

from warroom.accounts.models import ApiToken, Membership, Role
from warroom.cases.models import Incident

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

DETECTED = datetime(2025, 8, 12, 6, 30, tzinfo=UTC)


class ApiClient:
    """GET, POST and PATCH JSON under /api/ as USER (anonymous when USER is None)."""

    def __init__(self, user: User | None) -> None:
        headers = {}
        if user is not None:
            _token, raw = ApiToken.issue(user, "tests")
            headers["Authorization"] = f"Bearer {raw}"
        self.client = Client(headers=headers)

    def get(self, path: str, **query: Any) -> Response:
        return self.client.get(f"/api{path}", query)

    def post(self, path: str, body: dict[str, Any]) -> Response:
        return self.client.post(f"/api{path}", body, content_type="application/json")

    def patch(self, path: str, body: dict[str, Any]) -> Response:
        return self.client.patch(f"/api{path}", body, content_type="application/json")

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Response:
        if method == "get":
            return self.get(path)
        send = self.post if method == "post" else self.patch
        return send(path, body or {})


def observer(case: Incident) -> User:
    """Olivia, who may read CASE but not change it."""
    user = User.objects.create_user("olivia", "olivia@example.com", "-")
    Membership.objects.create(case=case, user=user, role=Role.OBSERVER)
    return user


def error_fields(response: Response) -> set[str]:
    """The fields a 422 answer names."""
    assert response.status_code == 422, response.content
    return {str(error["loc"][-1]) for error in response.json()["detail"]}
