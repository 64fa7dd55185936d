"""The first administrator of a fresh install."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import User
from django.db import transaction

from warroom.accounts.models import PasswordChangeRequired

FIRST_ADMIN = "admin"


@transaction.atomic
def ensure_first_admin() -> tuple[str, str] | None:
    """Create the administrator when no superuser exists; returns (username, password).

    The password is random, shown once by the caller, and must be changed at first login.
    Returns None when an administrator already exists (every later start).
    """
    if User.objects.filter(is_superuser=True).exists():
        return None
    password = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(FIRST_ADMIN, email="", password=password)
    PasswordChangeRequired.require(user)
    return FIRST_ADMIN, password
