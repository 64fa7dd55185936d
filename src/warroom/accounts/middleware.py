"""Sends a user who must change their password to the password form first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from warroom.accounts.models import PasswordChangeRequired

SESSION_FLAG = "must_change_password"


@receiver(user_logged_in)
def _flag_on_login(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    # Checked once per login and kept in the session, so ordinary requests cost no query.
    if PasswordChangeRequired.applies_to(user):
        request.session[SESSION_FLAG] = True


class PasswordChangeRequiredMiddleware:
    """While the session is flagged, every page but the password form redirects to it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(SESSION_FLAG) and request.user.is_authenticated:
            allowed = {
                reverse("password_change"),
                reverse("password_change_done"),
                reverse("logout"),
            }
            if request.path not in allowed and not request.path.startswith("/static/"):
                assert isinstance(request.user, User)
                if PasswordChangeRequired.applies_to(request.user):
                    return redirect("password_change")
                del request.session[SESSION_FLAG]
        return self.get_response(request)
