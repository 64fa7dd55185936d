"""How the JSON API knows who is calling: a bearer token, or the browser's session.

Scripts send `Authorization: Bearer wr_...` (an `ApiToken`, stored hashed). The web UI calls the
API with its session cookie, and then, because a browser sends cookies on its own, the request
must carry the CSRF token like any form post. Anything else is 401.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from warroom.accounts.models import ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = ["BearerToken", "SessionWithCsrf", "api_auth", "api_user"]


class BearerToken(HttpBearer):
    """`Authorization: Bearer wr_...`, checked against the stored digests."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.authenticate(token)
        if user is None:
            # A wrong token is an error of its own, not a cue to try the session instead.
            raise AuthenticationError(401, "Invalid or revoked API token")
        return user


class SessionWithCsrf(APIKeyCookie):
    """Django's login session, with Django's CSRF check on unsafe methods.

    Unlike ninja's `django_auth`, the CSRF check runs only once a session user is found, so a
    request with no credentials at all gets 401 rather than a CSRF 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> User | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header")
        return request.user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        # Unused: __call__ reads the user the session middleware already loaded.
        return None  # pragma: no cover


api_auth = [BearerToken(), SessionWithCsrf()]


def api_user(request: HttpRequest) -> User:
    """The user an authenticated API request runs as."""
    return cast("User", request.auth)  # type: ignore[attr-defined]
