"""The public status page: incidents and maintenances with their updates, notices for single
customers, subscribers, and the page revision that tells every process when to re-render.

Nothing reaches the public until a person with the communications role has approved its text:
an update is drafted, approved, then published (`actions.py`), and each step of an update of a
case-linked incident lands on that case's timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from warroom.catalog.choices import ComponentStatus
from warroom.catalog.models import Component, Customer, Language, new_code, new_secret
from warroom.statuspage.choices import (
    ACTIVE_MAINTENANCE,
    STATUS_CHOICES,
    UNRESOLVED,
    Impact,
    IncidentKind,
    IncidentStatus,
    MaintenanceStatus,
    ReviewState,
    SubscriberKind,
)

USER = settings.AUTH_USER_MODEL

# The impact of an incident whose worst published component status is the key.
STATUS_IMPACT = {
    ComponentStatus.OPERATIONAL: Impact.NONE,
    ComponentStatus.DEGRADED_PERFORMANCE: Impact.MINOR,
    ComponentStatus.UNDER_MAINTENANCE: Impact.MAINTENANCE,
    ComponentStatus.PARTIAL_OUTAGE: Impact.MAJOR,
    ComponentStatus.MAJOR_OUTAGE: Impact.CRITICAL,
}
RESOLVED = (IncidentStatus.RESOLVED, IncidentStatus.POSTMORTEM, MaintenanceStatus.COMPLETED)


def worst_impact(statuses: Iterable[str]) -> Impact:
    """The impact implied by the worst of STATUSES (component status values); none if empty."""
    # No status at all is operational, which implies no impact.
    return STATUS_IMPACT[ComponentStatus.worst(statuses)]


class PublicIncidentQuerySet(models.QuerySet["PublicIncident"]):
    def published(self) -> PublicIncidentQuerySet:
        """Incidents and maintenances on the public page (one update published at least)."""
        return self.filter(published_at__isnull=False)

    def unresolved(self) -> PublicIncidentQuerySet:
        """Published incidents still investigating, identified or monitoring."""
        return self.published().filter(kind=IncidentKind.INCIDENT, status__in=UNRESOLVED)

    def upcoming(self, now: datetime) -> PublicIncidentQuerySet:
        """Published maintenances still scheduled whose window has not ended by NOW."""
        return (
            self.published()
            .filter(kind=IncidentKind.MAINTENANCE, status=MaintenanceStatus.SCHEDULED)
            .filter(Q(scheduled_until__isnull=True) | Q(scheduled_until__gt=now))
        )

    def active_maintenance(self) -> PublicIncidentQuerySet:
        """Published maintenances in progress or being verified."""
        return self.published().filter(kind=IncidentKind.MAINTENANCE, status__in=ACTIVE_MAINTENANCE)


class PublicIncident(models.Model):
    """An incident or a scheduled maintenance as the public page shows it.

    It appears on the page once its first update is published (`published_at`); until then it
    is a draft only staff see. `case` links it to the war-room case it tells customers about.
    """

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    kind = models.CharField(max_length=12, choices=IncidentKind.choices)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    impact_override = models.CharField(
        max_length=12, choices=Impact.choices, blank=True, help_text="Else derived."
    )
    case = models.ForeignKey(
        "cases.Incident",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_incidents",
    )
    components = models.ManyToManyField(Component, related_name="public_incidents", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    monitoring_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    scheduled_until = models.DateTimeField(null=True, blank=True)
    postmortem_body = models.TextField(blank=True)
    postmortem_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")

    objects = PublicIncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "status"], name="public_incident_status")]
        # Held by the Communications group; on a case-linked incident, approving also needs
        # the communications role on that case (`access.py`).
        permissions = [
            ("draft_update", "Can draft status page text"),
            ("approve_update", "Can approve status page text for publication"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("comms-incident", args=[self.code])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_resolved(self) -> bool:
        """Resolved (or with its postmortem out), or a maintenance that is completed."""
        return self.status in RESOLVED

    @property
    def is_maintenance(self) -> bool:
        return self.kind == IncidentKind.MAINTENANCE

    @property
    def impact(self) -> Impact:
        """`impact_override` if set; `maintenance` for a maintenance; else derived.

        Derived from the worst new status among the components of its published updates.
        Uses prefetched updates (with their `affected`) when there are: the published ones as
        `public_updates`, or all as `updates`; else one query.
        """
        if self.impact_override:
            return Impact(self.impact_override)
        if self.is_maintenance:
            return Impact.MAINTENANCE
        return worst_impact(self._published_new_statuses())

    def _published_new_statuses(self) -> list[str]:
        prefetched = getattr(self, "public_updates", None)  # as v2.published_incidents does
        if prefetched is not None:
            return [row.new_status for update in prefetched for row in update.affected.all()]
        if "updates" in getattr(self, "_prefetched_objects_cache", {}):
            return [
                row.new_status
                for update in self.updates.all()
                if update.review == ReviewState.PUBLISHED
                for row in update.affected.all()
            ]
        return list(
            AffectedComponent.objects.filter(
                update__incident=self, update__review=ReviewState.PUBLISHED
            ).values_list("new_status", flat=True)
        )


class IncidentUpdateQuerySet(models.QuerySet["IncidentUpdate"]):
    def published(self) -> IncidentUpdateQuerySet:
        """Updates whose approved text is on the public page."""
        return self.filter(review=ReviewState.PUBLISHED)

    def awaiting_review(self) -> IncidentUpdateQuerySet:
        """Drafts waiting for approval, and approved text waiting to be published."""
        return self.filter(review__in=[ReviewState.DRAFT, ReviewState.APPROVED])


class IncidentUpdate(models.Model):
    """One timed message on a public incident, naming the components it changes."""

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    incident = models.ForeignKey(PublicIncident, models.CASCADE, related_name="updates")
    status = models.CharField(max_length=16, choices=STATUS_CHOICES)
    body = models.TextField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    review = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    deliver_notifications = models.BooleanField(default=True)
    display_at = models.DateTimeField(
        null=True, blank=True, help_text="Shown time; default when published."
    )
    drafted_by = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = IncidentUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-display_at", "-id"]
        indexes = [models.Index(fields=["incident", "review"], name="update_review")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.status} ({self.review})"

    @property
    def version(self) -> str:
        """Which text a reviewer saw: changes whenever the update does."""
        return self.updated_at.isoformat()


class AffectedComponent(models.Model):
    """A component an update changes: its status before (set at publication) and after."""

    update = models.ForeignKey(IncidentUpdate, models.CASCADE, related_name="affected")
    component = models.ForeignKey(Component, models.CASCADE, related_name="+")
    old_status = models.CharField(max_length=24, choices=ComponentStatus.choices, blank=True)
    new_status = models.CharField(max_length=24, choices=ComponentStatus.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["update", "component"], name="component_once_per_update"
            )
        ]

    def __str__(self) -> str:
        return f"{self.component_id} → {self.new_status}"


class NoticeQuerySet(models.QuerySet["Notice"]):
    def live(self, now: datetime) -> NoticeQuerySet:
        """Published notices that have not expired by NOW."""
        return self.filter(review=ReviewState.PUBLISHED).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class Notice(models.Model):
    """A private message for named customers, shown only on their own pages.

    e.g. "Your SIP trunks in Germany are affected." Reviewed like an update.
    """

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    title = models.CharField(max_length=200)
    body = models.TextField()
    customers = models.ManyToManyField(Customer, related_name="notices")
    components = models.ManyToManyField(Component, related_name="notices", blank=True)
    incident = models.ForeignKey(
        PublicIncident, models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    case = models.ForeignKey(
        "cases.Incident", models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    review = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    drafted_by = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(USER, models.SET_NULL, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SubscriberQuerySet(models.QuerySet["Subscriber"]):
    def active(self) -> SubscriberQuerySet:
        """Subscribers who confirmed and have not unsubscribed."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def for_components(self, ids: Iterable[int]) -> SubscriberQuerySet:
        """Subscribers of every component, or of any of IDS or of a group holding one of them.

        Written with EXISTS rather than joins so that no subscriber appears twice.
        """
        ids = list(ids)
        groups = Component.objects.filter(pk__in=ids, group__isnull=False).values("group_id")
        chosen = Subscriber.components.through.objects.filter(subscriber=OuterRef("pk"))
        return self.filter(
            ~Exists(chosen)
            | Exists(chosen.filter(Q(component_id__in=ids) | Q(component_id__in=groups)))
        )


class Subscriber(models.Model):
    """Someone told of every published update: by e-mail, or by a signed webhook.

    Both confirm by e-mail first (double opt-in): a webhook names a contact address too. An
    empty `components` means every component.
    """

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    kind = models.CharField(max_length=8, choices=SubscriberKind.choices)
    email = models.EmailField()
    endpoint = models.URLField(max_length=2000, blank=True)
    secret = models.CharField(
        max_length=64, default=new_secret, help_text="Signs webhook payloads (HMAC-SHA256)."
    )
    components = models.ManyToManyField(Component, related_name="subscribers", blank=True)
    customer = models.ForeignKey(
        Customer, models.SET_NULL, null=True, blank=True, related_name="subscribers"
    )
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    confirm_token = models.CharField(max_length=64, unique=True, default=new_secret)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_secret)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["confirmed_at", "unsubscribed_at"], name="subscriber_live")]

    def __str__(self) -> str:
        return f"{self.kind} {self.endpoint or self.email}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class PageRevision(models.Model):
    """One row whose number goes up with every change the public page shows.

    Each process keeps the rendered page in memory with the number it was rendered at, and
    re-renders when the number has moved (see `site.py`).
    """

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"page revision {self.number}"

    @classmethod
    def bump(cls, now: datetime | None = None) -> int:
        """Count one change and return the new number; call it in the change's transaction."""
        now = now or timezone.now()
        if not cls.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now):
            cls.objects.get_or_create(pk=1, defaults={"number": 1, "changed_at": now})
        return cls.current()

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0


class PublishRun(models.Model):
    """One push of the static export to one target, and how it went."""

    target = models.CharField(max_length=500)
    revision = models.PositiveBigIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    files = models.PositiveIntegerField(default=0)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.target} at revision {self.revision}: {'ok' if self.ok else 'failed'}"
