"""The case record. Every other part of warroom writes into it.

Rows change through the verbs in `actions.py` whenever a change must appear on the timeline;
the model methods here touch one row only.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from warroom.cases.choices import (
    ActionKind,
    ActionState,
    AssetState,
    CustodyKind,
    EventKind,
    EventSource,
    Phase,
    Severity,
    TaskState,
    Tlp,
)
from warroom.intel import IndicatorError, IndicatorType, normalise

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

USER = settings.AUTH_USER_MODEL
INDICATOR_TYPES = [(t.value, t.label) for t in IndicatorType]


class IncidentQuerySet(models.QuerySet["Incident"]):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> IncidentQuerySet:
        """Cases USER is an active member of; nothing for anyone else."""
        if not user.is_authenticated:
            return self.none()
        now = timezone.now()
        return self.filter(
            models.Q(memberships__expires_at__isnull=True)
            | models.Q(memberships__expires_at__gt=now),
            memberships__user__pk=user.pk,
        )


class Incident(models.Model):
    """One incident: the case everything else hangs off."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    severity = models.CharField(max_length=4, choices=Severity.choices, default=Severity.SEV2)
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.DETECTED)
    detected_at = models.DateTimeField(help_text="When the intrusion was first detected.")
    aware_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the organisation became aware; regulators' clocks start here.",
    )
    commander = models.ForeignKey(
        USER, models.SET_NULL, null=True, blank=True, related_name="commanded_cases"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-detected_at", "-id"]
        indexes = [models.Index(fields=["phase", "severity"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("case-detail", args=[self.reference])

    @staticmethod
    def next_reference(year: int) -> str:
        """The next free reference of YEAR: INC-2025-0001, INC-2025-0002, ..."""
        prefix = f"INC-{year}-"
        last = (
            Incident.objects.filter(reference__startswith=prefix)
            .order_by("-reference")
            .values_list("reference", flat=True)
            .first()
        )
        number = int(last.removeprefix(prefix)) + 1 if last else 1
        return f"{prefix}{number:04d}"

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED


class TimelineEventQuerySet(models.QuerySet["TimelineEvent"]):
    def newest_first(self) -> TimelineEventQuerySet:
        return self.order_by("-occurred_at", "-id")


class TimelineEvent(models.Model):
    """Something that happened or was done, from evidence or a person."""

    case = models.ForeignKey(Incident, models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(help_text="When it happened; may be long before now.")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    actor = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    text = models.TextField()
    source = models.CharField(max_length=8, choices=EventSource.choices, default=EventSource.PERSON)
    asset = models.ForeignKey(
        "Asset", models.SET_NULL, null=True, blank=True, related_name="events"
    )
    indicator = models.ForeignKey(
        "Indicator", models.SET_NULL, null=True, blank=True, related_name="events"
    )
    evidence = models.ForeignKey(
        "Evidence", models.SET_NULL, null=True, blank=True, related_name="events"
    )
    # A hunt finding's stable identity (matcher, rule, place in the evidence), so that
    # importing the same findings again adds nothing. NULL, not "", for every other event:
    # the unique constraint below must ignore them, and it ignores NULLs on both databases.
    fingerprint = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    # Set by `actions.edit_event`; the old values are in `edits`, so a correction never
    # erases what the record said before.
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TimelineEventQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["case", "-occurred_at", "-id"], name="timeline_order"),
            models.Index(fields=["case", "kind", "-occurred_at"], name="timeline_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "fingerprint"], name="timeline_fingerprint_unique_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.kind}: {self.text[:60]}"


class TimelineEventEdit(models.Model):
    """One correction of a timeline event: who, when, and each changed field before and after."""

    event = models.ForeignKey(TimelineEvent, models.CASCADE, related_name="edits")
    edited_at = models.DateTimeField()
    editor = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")
    # {field: value} as JSON (times in ISO 8601), for the fields this edit changed only.
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["edited_at", "id"]

    def __str__(self) -> str:
        return f"edit of event {self.event_id} at {self.edited_at:%Y-%m-%d %H:%M}"


def validate_ip_list(value: object) -> None:
    """IP addresses of an asset: a list of valid IPv4/IPv6 addresses."""
    if not isinstance(value, list):
        raise ValidationError("must be a list of IP addresses")
    for item in value:
        try:
            ipaddress.ip_address(str(item))
        except ValueError:
            raise ValidationError(f"{item!r} is not an IP address") from None


class Asset(models.Model):
    """A system involved in the case, with its containment state."""

    case = models.ForeignKey(Incident, models.CASCADE, related_name="assets")
    name = models.CharField(max_length=200)
    hostname = models.CharField(max_length=253, blank=True)
    ip_addresses = models.JSONField(default=list, blank=True, validators=[validate_ip_list])
    role = models.CharField(max_length=200, blank=True, help_text="e.g. SharePoint front end")
    internet_facing = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=AssetState.choices, default=AssetState.ONLINE)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "name"], name="asset_name_unique_per_case"),
        ]

    def __str__(self) -> str:
        return self.name


class AssetStateChange(models.Model):
    """Who changed an asset's state, when, and why."""

    asset = models.ForeignKey(Asset, models.CASCADE, related_name="state_changes")
    from_state = models.CharField(max_length=10, choices=AssetState.choices)
    to_state = models.CharField(max_length=10, choices=AssetState.choices)
    changed_by = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.from_state} → {self.to_state}"


class Indicator(models.Model):
    """An indicator of compromise, in STIX 2.1 vocabulary, unique per case."""

    case = models.ForeignKey(Incident, models.CASCADE, related_name="indicators")
    type = models.CharField(max_length=20, choices=INDICATOR_TYPES)
    value = models.CharField(max_length=2048)
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(
        default=50, help_text="STIX confidence, 0 (none) to 100 (certain)."
    )
    source = models.CharField(max_length=200, blank=True)
    tlp = models.CharField(max_length=12, choices=Tlp.choices, default=Tlp.AMBER)
    added_by = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["type", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "type", "value"], name="indicator_unique_per_case"
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__lte=100), name="confidence_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type}: {self.value}"

    def clean(self) -> None:
        """Normalise the value for its type; errors name the field."""
        try:
            self.value = normalise(self.type, self.value)
        except IndicatorError as exc:
            raise ValidationError({"value": str(exc)}) from None
        if self.first_seen and self.last_seen and self.last_seen < self.first_seen:
            raise ValidationError({"last_seen": "last seen is before first seen"})


class Evidence(models.Model):
    """A file held by warroom, or a reference to one stored elsewhere, with its custody log."""

    case = models.ForeignKey(Incident, models.CASCADE, related_name="evidence")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    file = models.FileField(upload_to="%Y/%m/", null=True, blank=True)
    location = models.CharField(
        max_length=1024,
        blank=True,
        help_text="Where the evidence is kept when not uploaded (path, share, vault reference).",
    )
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    acquired_by = models.CharField(max_length=200, help_text="Person or firm who collected it.")
    acquired_at = models.DateTimeField()
    acquired_from = models.CharField(max_length=255, help_text="Host, system or person.")
    added_by = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acquired_at", "-id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(location=""),
                name="evidence_has_file_or_location",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_hashed(self) -> bool:
        return bool(self.sha256)


class CustodyEntry(models.Model):
    """One link in the chain of custody: every access or transfer of a piece of evidence."""

    evidence = models.ForeignKey(Evidence, models.CASCADE, related_name="custody")
    kind = models.CharField(max_length=12, choices=CustodyKind.choices)
    actor = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "custody entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class Task(models.Model):
    """Work to be done on the case."""

    case = models.ForeignKey(Incident, models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="tasks")
    due_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=TaskState.choices, default=TaskState.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["state", "due_at", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, now: datetime) -> bool:
        return (
            self.due_at is not None
            and self.due_at < now
            and self.state not in {TaskState.DONE, TaskState.CANCELLED}
        )


class Action(models.Model):
    """Something the team did or proposes to do, with its approval and outcome."""

    case = models.ForeignKey(Incident, models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    description = models.TextField()
    asset = models.ForeignKey(Asset, models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(
        max_length=10, choices=ActionState.choices, default=ActionState.PROPOSED
    )
    requested_by = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"
