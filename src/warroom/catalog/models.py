"""The service catalog: what the provider sells, what it runs on, and who uses it.

Components form a dependency graph (the customer portal depends on the identity service, which
runs on hosts named in `ComponentHost`). A case's assets are matched to components by host name
or address, so the catalog outlives any one case. `impact.py` walks the graph.
"""

from __future__ import annotations

import ipaddress
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from warroom.catalog.choices import ChangeSource, ComponentStatus

CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def new_code() -> str:
    """A public id in Statuspage's style: 12 lowercase letters and digits."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def new_secret() -> str:
    """A capability token for a link (customer page, confirm, unsubscribe): 256 random bits."""
    return secrets.token_urlsafe(32)


class ComponentQuerySet(models.QuerySet["Component"]):
    def public(self) -> ComponentQuerySet:
        """Components shown on the public status page, in page order."""
        return self.filter(public=True).order_by("position", "name", "id")

    def with_counts(self) -> ComponentQuerySet:
        """Each with `dependency_count` (what it needs) and `customer_count` (who uses it)."""
        return self.annotate(
            dependency_count=models.Count("dependency_links", distinct=True),
            customer_count=models.Count("customers", distinct=True),
        )


class Component(models.Model):
    """A service as customers see it (or an internal one others depend on), or a group of them.

    A group (`is_group`) holds components through their `group`; its status is its worst
    child's, as on Statuspage. Only non-group components carry their own status.
    """

    code = models.CharField(max_length=12, unique=True, default=new_code, editable=False)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    is_group = models.BooleanField(default=False)
    group = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"is_group": True},
    )
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=24, choices=ComponentStatus.choices, default=ComponentStatus.OPERATIONAL
    )
    public = models.BooleanField(
        default=True, help_text="Shown on the public status page (internal services are not)."
    )
    showcase = models.BooleanField(default=True, help_text="Show 90-day uptime bars.")
    only_show_if_degraded = models.BooleanField(default=False)
    start_date = models.DateField(
        null=True, blank=True, help_text="Uptime is counted from this day."
    )
    depends_on: models.ManyToManyField[Component, ComponentDependency] = models.ManyToManyField(
        "self",
        through="ComponentDependency",
        symmetrical=False,
        related_name="dependents",
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ComponentQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("component-detail", args=[self.code])

    @property
    def status_enum(self) -> ComponentStatus:
        return ComponentStatus(self.status)


class ComponentDependency(models.Model):
    """COMPONENT needs DEPENDS_ON: when DEPENDS_ON is impaired, COMPONENT may be too."""

    component = models.ForeignKey(Component, models.CASCADE, related_name="dependency_links")
    depends_on = models.ForeignKey(Component, models.CASCADE, related_name="dependent_links")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["component", "depends_on"], name="dependency_once"),
            models.CheckConstraint(
                condition=~models.Q(component=models.F("depends_on")), name="no_self_dependency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component_id} needs {self.depends_on_id}"


class ComponentHost(models.Model):
    """A host COMPONENT runs on: a host name or IP address, matched to a case's assets."""

    component = models.ForeignKey(Component, models.CASCADE, related_name="hosts")
    host = models.CharField(max_length=253, help_text="Host name or IP address, any case.")

    class Meta:
        ordering = ["host"]
        constraints = [
            models.UniqueConstraint(fields=["component", "host"], name="host_once_per_component")
        ]

    def __str__(self) -> str:
        return f"{self.component_id} on {self.host}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.host = normal_host(self.host)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def normal_host(text: str) -> str:
    """A host as stored and matched: lower case, an IP address in its canonical spelling."""
    text = text.strip().lower()
    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return text


class ComponentStatusChange(models.Model):
    """One change of a component's status: the history behind the uptime bars."""

    component = models.ForeignKey(Component, models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=24, choices=ComponentStatus.choices)
    to_status = models.CharField(max_length=24, choices=ComponentStatus.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=8, choices=ChangeSource.choices)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["component", "changed_at"], name="status_history")]

    def __str__(self) -> str:
        return f"{self.component_id}: {self.from_status} → {self.to_status}"


class Language(models.TextChoices):
    """Languages of customer messages (the message templates exist in each)."""

    EN = "en", "English"
    DE = "de", "Deutsch"


class CustomerQuerySet(models.QuerySet["Customer"]):
    def with_counts(self) -> CustomerQuerySet:
        """Each with `component_count` (what it uses) and `contact_count` (whom to tell)."""
        return self.annotate(
            component_count=models.Count("components", distinct=True),
            contact_count=models.Count("contacts", distinct=True),
        )


class Customer(models.Model):
    """A customer of the provider: which components it uses, and whom to tell.

    A reseller sells on what it buys (SIP trunks, say): its own customers depend on it, so an
    outage that hits it hits them, and it needs its own view of the status.
    """

    name = models.CharField(max_length=200, unique=True)
    is_reseller = models.BooleanField(default=False)
    components = models.ManyToManyField(Component, related_name="customers", blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    page_token = models.CharField(
        max_length=64,
        unique=True,
        default=new_secret,
        help_text="The secret in the link to this customer's own status page.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.pk])

    def rotate_page_token(self) -> None:
        """Give the customer a new page link; the old one stops working."""
        self.page_token = new_secret()
        self.save(update_fields=["page_token"])


class Contact(models.Model):
    """A person to tell at a customer."""

    customer = models.ForeignKey(Customer, models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=100, blank=True, help_text="e.g. NOC, account manager")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_id})"
