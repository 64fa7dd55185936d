"""The status page's vocabulary: Statuspage's v2 values, exactly (reference/status_pages.md)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.db import models

from warroom.catalog.choices import ComponentStatus


class IncidentKind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    MAINTENANCE = "maintenance", "Scheduled maintenance"


class IncidentStatus(models.TextChoices):
    """A public incident's status; `postmortem` follows `resolved` when one is published."""

    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"
    POSTMORTEM = "postmortem", "Postmortem"


class MaintenanceStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    VERIFYING = "verifying", "Verifying"
    COMPLETED = "completed", "Completed"


# Every value an incident's or an update's `status` may hold.
STATUS_CHOICES = IncidentStatus.choices + MaintenanceStatus.choices
UNRESOLVED = (IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED, IncidentStatus.MONITORING)
ACTIVE_MAINTENANCE = (MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING)


class Impact(models.TextChoices):
    NONE = "none", "None"
    MINOR = "minor", "Minor"
    MAJOR = "major", "Major"
    CRITICAL = "critical", "Critical"
    MAINTENANCE = "maintenance", "Maintenance"


class Indicator(models.TextChoices):
    """The page's overall indicator (`status.indicator` in status.json)."""

    NONE = "none", "All Systems Operational"
    MINOR = "minor", "Minor Service Outage"
    MAJOR = "major", "Partial System Outage"
    CRITICAL = "critical", "Major Service Outage"


class ReviewState(models.TextChoices):
    """Text meant for customers: drafted, approved by communications, then published."""

    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SubscriberKind(models.TextChoices):
    EMAIL = "email", "E-mail"
    WEBHOOK = "webhook", "Webhook"


class HasStatus(Protocol):
    """Anything with a component status: a Component row, or a stand-in in a test."""

    status: str


# The indicator a component status implies. Planned maintenance is not an outage, so it
# leaves the indicator at none; Statuspage's separate `maintenance` value is the caller's.
STATUS_INDICATOR = {
    ComponentStatus.OPERATIONAL: Indicator.NONE,
    ComponentStatus.UNDER_MAINTENANCE: Indicator.NONE,
    ComponentStatus.DEGRADED_PERFORMANCE: Indicator.MINOR,
    ComponentStatus.PARTIAL_OUTAGE: Indicator.MAJOR,
    ComponentStatus.MAJOR_OUTAGE: Indicator.CRITICAL,
}
INDICATOR_ORDER = [Indicator.NONE, Indicator.MINOR, Indicator.MAJOR, Indicator.CRITICAL]


def page_indicator(components: Iterable[HasStatus]) -> Indicator:
    """The page's indicator from its components: the worst any of them implies.

    A major outage anywhere is `critical`, a partial outage `major`, degraded performance
    `minor`; nothing (or only maintenance) is `none`. Pass leaf components: a group's stored
    status is not its own.
    """
    worst = Indicator.NONE
    for component in components:
        implied = STATUS_INDICATOR[ComponentStatus(component.status)]
        if INDICATOR_ORDER.index(implied) > INDICATOR_ORDER.index(worst):
            worst = implied
    return worst
