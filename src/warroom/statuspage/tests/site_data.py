"""Rows of a small public page for the status-page tests, built straight with the ORM.

The catalog: a "Voice" group holding Voice API and SIP trunking, the Customer portal on its
own, and an internal Identity service the public never sees. Incidents and updates are made
published (or left as drafts) directly, so these tests do not depend on the drafting verbs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.catalog.choices import ChangeSource, ComponentStatus
from warroom.catalog.models import Component, ComponentStatusChange
from warroom.statuspage.choices import (
    Impact,
    IncidentKind,
    IncidentStatus,
    MaintenanceStatus,
    ReviewState,
)
from warroom.statuspage.models import AffectedComponent, IncidentUpdate, PublicIncident

T0 = datetime(2025, 8, 12, 9, 14, 3, tzinfo=UTC)
CREATED = datetime(2025, 5, 1, tzinfo=UTC)


def catalog() -> dict[str, Component]:
    """The components of the page, by short name."""
    voice = Component.objects.create(name="Voice", is_group=True, position=1, created_at=CREATED)
    rows = {
        "voice": voice,
        "api": Component.objects.create(
            name="Voice API", group=voice, position=1, created_at=CREATED
        ),
        "sip": Component.objects.create(
            name="SIP trunking", group=voice, position=2, created_at=CREATED
        ),
        "portal": Component.objects.create(
            name="Customer portal",
            position=2,
            description="Colt Online",
            created_at=CREATED,
        ),
        "identity": Component.objects.create(
            name="Identity service", public=False, position=3, created_at=CREATED
        ),
    }
    return rows


def set_status(component: Component, status: ComponentStatus, at: datetime) -> None:
    """Change COMPONENT's status AT a time, with its history row, as the catalog verb does."""
    ComponentStatusChange.objects.create(
        component=component,
        from_status=component.status,
        to_status=status,
        changed_at=at,
        source=ChangeSource.PERSON,
    )
    component.status = status
    component.updated_at = at
    component.save(update_fields=["status", "updated_at"])


def incident(
    name: str = "Voice API unavailable",
    *,
    status: str = IncidentStatus.IDENTIFIED,
    kind: str = IncidentKind.INCIDENT,
    at: datetime = T0,
    published: bool = True,
    impact: str = "",
    **fields: object,
) -> PublicIncident:
    """A public incident created AT a time, published then unless PUBLISHED is false."""
    return PublicIncident.objects.create(
        name=name,
        kind=kind,
        status=status,
        impact_override=impact,
        created_at=at,
        updated_at=at,
        published_at=at if published else None,
        started_at=at if published else None,
        **fields,
    )


def maintenance(
    name: str,
    start: datetime,
    hours: int = 2,
    status: str = MaintenanceStatus.SCHEDULED,
) -> PublicIncident:
    """A published maintenance window from START for HOURS, announced a day before."""
    return incident(
        name,
        kind=IncidentKind.MAINTENANCE,
        status=status,
        at=start - timedelta(days=1),
        scheduled_for=start,
        scheduled_until=start + timedelta(hours=hours),
        impact=Impact.MAINTENANCE,
    )


def update(
    parent: PublicIncident,
    body: str,
    *,
    status: str | None = None,
    at: datetime = T0,
    review: str = ReviewState.PUBLISHED,
    affected: dict[Component, str] | None = None,
) -> IncidentUpdate:
    """An update of PARENT at a time; published unless REVIEW says otherwise."""
    row = IncidentUpdate.objects.create(
        incident=parent,
        status=status or parent.status,
        body=body,
        review=review,
        drafted_at=at,
        display_at=at if review == ReviewState.PUBLISHED else None,
        published_at=at if review == ReviewState.PUBLISHED else None,
        updated_at=at,
    )
    for component, new_status in (affected or {}).items():
        AffectedComponent.objects.create(
            update=row, component=component, old_status="operational", new_status=new_status
        )
        parent.components.add(component)
    return row


def voice_outage(rows: dict[str, Component]) -> PublicIncident:
    """The published Voice API outage with two updates and one draft not yet approved."""
    outage = incident("Voice API unavailable", status=IncidentStatus.IDENTIFIED)
    update(
        outage,
        "We are aware of problems reaching the Voice API.",
        status=IncidentStatus.INVESTIGATING,
        at=T0,
        affected={rows["api"]: ComponentStatus.MAJOR_OUTAGE},
    )
    update(
        outage,
        "We have taken the platform offline as a precaution.",
        status=IncidentStatus.IDENTIFIED,
        at=T0 + timedelta(hours=2),
        affected={rows["api"]: ComponentStatus.MAJOR_OUTAGE, rows["identity"]: "major_outage"},
    )
    update(
        outage,
        "DRAFT: attackers stole data from the SharePoint farm.",
        status=IncidentStatus.MONITORING,
        at=T0 + timedelta(hours=3),
        review=ReviewState.DRAFT,
    )
    return outage
