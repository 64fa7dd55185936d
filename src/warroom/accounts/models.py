"""Per-case roles and API tokens.

A user sees a case only through a Membership; there is no global "can see everything" role in
the UI or API (staff use the Django admin for that).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Role(models.TextChoices):
    """What a member may do on one case."""

    COMMANDER = "commander", "Incident commander"
    RESPONDER = "responder", "Responder"
    COMMUNICATIONS = "communications", "Communications"
    LEGAL = "legal", "Legal / DPO"
    OBSERVER = "observer", "Observer (read only)"

    @property
    def can_write(self) -> bool:
        """May add to the case record (timeline, assets, evidence, ...)."""
        return self != Role.OBSERVER

    @property
    def can_command(self) -> bool:
        """May change phase and severity, approve actions and manage members."""
        return self == Role.COMMANDER


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, now: datetime | None = None) -> MembershipQuerySet:
        """Memberships that have not expired (outside experts are invited with an expiry)."""
        now = now or timezone.now()
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class Membership(models.Model):
    """One user's role on one case."""

    case = models.ForeignKey("cases.Incident", models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    expires_at = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_membership_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role} on {self.case_id}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


TOKEN_PREFIX = "wr_"  # noqa: S105 (a prefix, not a secret)


def hash_token(raw: str) -> str:
    """Tokens are stored as SHA-256 digests; a leaked database does not leak working tokens.

    A plain hash is enough (no salt or slow hash) because the token is 256 random bits.
    """
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API, shown to its owner once and stored hashed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="First characters, to tell tokens apart.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token for USER; returns the row and the raw token (never stored)."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, digest=hash_token(raw), hint=raw[:8])
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        """The active user owning RAW, or None."""
        token = cls.objects.select_related("user").filter(digest=hash_token(raw)).first()
        if token is None or not token.user.is_active:
            return None
        cls.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user


class PasswordChangeRequired(models.Model):
    """A user who must choose a new password before doing anything else.

    The requirement holds while the password is still the one it was issued with, so any way
    of changing the password (the form, the admin, `manage changepassword`) lifts it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    issued_password = models.CharField(max_length=256)

    def __str__(self) -> str:
        return f"{self.user} must change password"

    @classmethod
    def require(cls, user: User) -> None:
        cls.objects.update_or_create(user=user, defaults={"issued_password": user.password})

    @classmethod
    def applies_to(cls, user: User) -> bool:
        return cls.objects.filter(user=user, issued_password=user.password).exists()
