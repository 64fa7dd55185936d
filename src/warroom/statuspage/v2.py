"""The page as Statuspage's public v2 JSON API serves it: plain dicts with its field names.

Objects (`page_object`, `component_object`, `incident_object`, ...) and the endpoint
documents (`summary(now)` and the rest) are what `summary.json` and its siblings contain, and
what webhook payloads embed. Field names and shapes follow reference/status_pages.md §6.1;
ids are the rows' public `code`s, times are UTC with milliseconds ("2025-08-12T09:14:03.000Z").

Only what the public may see is here: components marked public, incidents once published,
and updates whose text was approved and published. Drafts never reach these functions' output.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from warroom.catalog.choices import ComponentStatus
from warroom.catalog.models import Component
from warroom.statuspage.choices import (
    INDICATOR_ORDER,
    Impact,
    IncidentKind,
    Indicator,
    page_indicator,
)
from warroom.statuspage.models import (
    AffectedComponent,
    IncidentUpdate,
    PageRevision,
    PublicIncident,
)

__all__ = [
    "active",
    "component_object",
    "components",
    "incident_object",
    "incident_update_object",
    "incidents",
    "iso",
    "maintenances",
    "page_id",
    "page_object",
    "status",
    "status_object",
    "summary",
    "unresolved",
    "upcoming",
]

Doc = dict[str, Any]

# Statuspage lists the 50 most recent incidents (and maintenances) in incidents.json.
RECENT_LIMIT = 50
# Statuspage serves `maintenance` as the indicator while work is under way and nothing is
# broken; the four-value Indicator choices have no member for it.
MAINTENANCE_INDICATOR = "maintenance"
MAINTENANCE_DESCRIPTION = "Service Under Maintenance"
PAGE_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

# An unresolved incident's impact moves the page's indicator to the indicator of that rank.
IMPACT_INDICATOR = {
    Impact.NONE: Indicator.NONE,
    Impact.MAINTENANCE: Indicator.NONE,
    Impact.MINOR: Indicator.MINOR,
    Impact.MAJOR: Indicator.MAJOR,
    Impact.CRITICAL: Indicator.CRITICAL,
}


def iso(moment: datetime | None) -> str | None:
    """MOMENT in UTC as Statuspage writes times: "2025-08-12T09:14:03.000Z"."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def page_id() -> str:
    """The page's id: 12 characters [a-z0-9], stable for one STATUS_PAGE_URL."""
    digest = int.from_bytes(hashlib.sha256(settings.STATUS_PAGE_URL.encode()).digest(), "big")
    chars = []
    for _ in range(12):
        digest, index = divmod(digest, len(PAGE_ID_ALPHABET))
        chars.append(PAGE_ID_ALPHABET[index])
    return "".join(chars)


def shortlink(incident: PublicIncident) -> str:
    """The absolute address of INCIDENT's page on the public site."""
    return f"{settings.STATUS_PAGE_URL.rstrip('/')}/incidents/{incident.code}.html"


# --- querysets of what is public ------------------------------------------------------------


def published_updates() -> QuerySet[IncidentUpdate]:
    """Updates whose text is public, newest shown time first."""
    return (
        IncidentUpdate.objects.published()
        .filter(published_at__isnull=False)
        .order_by("-display_at", "-published_at", "-id")
    )


def with_objects(incidents: QuerySet[PublicIncident]) -> QuerySet[PublicIncident]:
    """INCIDENTS with what their v2 objects need, fetched in a fixed number of queries."""
    affected = AffectedComponent.objects.select_related("component")
    updates = published_updates().prefetch_related(Prefetch("affected", queryset=affected))
    return incidents.prefetch_related(
        Prefetch("updates", queryset=updates, to_attr="public_updates"),
        Prefetch("components", queryset=_public_components(), to_attr="public_components"),
    )


def published_incidents() -> QuerySet[PublicIncident]:
    """Incidents and maintenances the public may see, newest first."""
    return with_objects(PublicIncident.objects.published()).order_by("-created_at", "-id")


def _public_components() -> QuerySet[Component]:
    return Component.objects.public().select_related("group")


def unresolved_incidents() -> QuerySet[PublicIncident]:
    """Published incidents still open: investigating, identified or monitoring."""
    return with_objects(PublicIncident.objects.unresolved()).order_by("-created_at", "-id")


def upcoming_maintenances(now: datetime) -> QuerySet[PublicIncident]:
    """Published maintenances still `scheduled` whose window has not ended by NOW."""
    return with_objects(PublicIncident.objects.upcoming(now)).order_by("scheduled_for", "id")


def active_maintenances() -> QuerySet[PublicIncident]:
    """Published maintenances under way: in progress or verifying."""
    maintenances = PublicIncident.objects.active_maintenance()
    return with_objects(maintenances).order_by("scheduled_for", "id")


# --- objects ---------------------------------------------------------------------------------


def page_object() -> Doc:
    """The `page` object: id, name, url, time_zone, updated_at (the last public change)."""
    changed = PageRevision.objects.filter(pk=1).values_list("changed_at", flat=True).first()
    return {
        "id": page_id(),
        "name": settings.STATUS_PAGE_NAME,
        "url": settings.STATUS_PAGE_URL,
        "time_zone": settings.STATUS_PAGE_TIME_ZONE,
        "updated_at": iso(changed or _latest_change()),
    }


def _latest_change() -> datetime | None:
    """When nothing bumped the revision yet: the latest component change, if any."""
    return (
        Component.objects.public()
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )


def worst_status(statuses: Iterable[str]) -> str:
    """The worst of STATUSES (component status values), operational when there are none.

    A group's status is its worst public child's, as Statuspage shows it.
    """
    return ComponentStatus.worst(statuses).value


def component_object(component: Component, children: list[Component] | None = None) -> Doc:
    """A `component` object; a group also lists its public children's ids in `components`.

    CHILDREN, when given, are the group's public children (saves a query per group).
    """
    group = component.group if component.group_id else None
    doc: Doc = {
        "id": component.code,
        "name": component.name,
        "status": component.status,
        "created_at": iso(component.created_at),
        "updated_at": iso(component.updated_at),
        "position": component.position,
        "description": component.description or None,
        "showcase": component.showcase,
        "start_date": _day(component.start_date),
        "group_id": group.code if group is not None and group.public else None,
        "page_id": page_id(),
        "group": component.is_group,
        "only_show_if_degraded": component.only_show_if_degraded,
    }
    if component.is_group:
        if children is None:
            children = list(component.children.filter(public=True).order_by("position", "name"))
        doc["status"] = worst_status(child.status for child in children)
        doc["components"] = [child.code for child in children]
    return doc


def updates_of(incident: PublicIncident) -> list[IncidentUpdate]:
    """INCIDENT's published updates, newest first (prefetched by `published_incidents`)."""
    prefetched = getattr(incident, "public_updates", None)
    if prefetched is not None:
        return list(prefetched)
    return list(published_updates().filter(incident=incident))


def components_of(incident: PublicIncident) -> list[Component]:
    """The public components INCIDENT names, in page order."""
    prefetched = getattr(incident, "public_components", None)
    if prefetched is not None:
        return list(prefetched)
    return list(incident.components.public().select_related("group"))


def _affected_of(update: IncidentUpdate) -> list[AffectedComponent]:
    rows = update.affected.all()
    return [row for row in rows if row.component.public]


def impact_of(incident: PublicIncident) -> str:
    """INCIDENT's impact, as `PublicIncident.impact` gives it, from the prefetched updates.

    Its override, `maintenance` for a maintenance, else the worst new status its published
    updates gave any component (internal ones too: they are part of what happened).
    """
    return incident.impact.value


def shown_at(update: IncidentUpdate) -> datetime | None:
    """The time an update is shown with: its `display_at`, else when it was published."""
    return update.display_at or update.published_at


def incident_update_object(update: IncidentUpdate) -> Doc:
    """An `incident_update` object with its affected (public) components."""
    return {
        "id": update.code,
        "status": update.status,
        "body": update.body,
        "incident_id": update.incident.code,
        "created_at": iso(update.published_at),
        "updated_at": iso(update.updated_at),
        "display_at": iso(shown_at(update)),
        "affected_components": [
            {
                "code": row.component.code,
                "name": row.component.name,
                "old_status": row.old_status or None,
                "new_status": row.new_status,
            }
            for row in _affected_of(update)
        ],
        "deliver_notifications": update.deliver_notifications,
        "custom_tweet": None,
        "tweet_id": None,
    }


def incident_object(incident: PublicIncident) -> Doc:
    """An `incident` (or `scheduled_maintenance`) object with its published updates."""
    updates = updates_of(incident)
    for update in updates:
        update.incident = incident  # already loaded: spares a query per update
    doc: Doc = {
        "id": incident.code,
        "name": incident.name,
        "status": incident.status,
        "impact": impact_of(incident),
        "created_at": iso(incident.published_at or incident.created_at),
        "updated_at": iso(incident.updated_at),
        "started_at": iso(incident.started_at or incident.published_at),
        "monitoring_at": iso(incident.monitoring_at),
        "resolved_at": iso(incident.resolved_at),
        "shortlink": shortlink(incident),
        "page_id": page_id(),
        "incident_updates": [incident_update_object(update) for update in updates],
        "components": _component_objects(components_of(incident)),
    }
    if incident.kind == IncidentKind.MAINTENANCE:
        doc["scheduled_for"] = iso(incident.scheduled_for)
        doc["scheduled_until"] = iso(incident.scheduled_until)
    return doc


def _component_objects(rows: list[Component]) -> list[Doc]:
    """Component objects for ROWS, each group with its public children found in one query."""
    group_ids = [row.pk for row in rows if row.is_group]
    children: dict[int, list[Component]] = {pk: [] for pk in group_ids}
    if group_ids:
        for child in Component.objects.public().filter(group_id__in=group_ids):
            children[child.group_id].append(child)  # type: ignore[index]
    return [component_object(row, children.get(row.pk)) for row in rows]


# --- the page's status -----------------------------------------------------------------------


def status_object() -> Doc:
    """The `status` object: the page's indicator and its description.

    The worst of the unresolved incidents' impacts and of what the public components'
    statuses imply (degraded: minor, partial outage: major, major outage: critical). With
    nothing wrong but maintenance under way, Statuspage's `maintenance` indicator.
    """
    leaves = Component.objects.public().filter(is_group=False).only("status")
    candidates = [page_indicator(leaves)] + [
        IMPACT_INDICATOR[Impact(impact_of(incident))] for incident in unresolved_incidents()
    ]
    worst = max(candidates, key=INDICATOR_ORDER.index)
    if worst == Indicator.NONE and _under_maintenance():
        return {"indicator": MAINTENANCE_INDICATOR, "description": MAINTENANCE_DESCRIPTION}
    return {"indicator": worst.value, "description": worst.label}


def _under_maintenance() -> bool:
    if active_maintenances().exists():
        return True
    public = Component.objects.public().filter(is_group=False)
    return public.filter(status=ComponentStatus.UNDER_MAINTENANCE).exists()


# --- the endpoint documents ------------------------------------------------------------------


def _all_components() -> list[Doc]:
    return _component_objects(list(_public_components()))


def _incident_list(rows: QuerySet[PublicIncident]) -> list[Doc]:
    return [incident_object(row) for row in rows]


def summary(now: datetime) -> Doc:
    """`summary.json`: indicator, every component, unresolved incidents, maintenances
    upcoming or under way."""
    maintenance = _incident_list(active_maintenances()) + _incident_list(upcoming_maintenances(now))
    return {
        "page": page_object(),
        "status": status_object(),
        "components": _all_components(),
        "incidents": _incident_list(unresolved_incidents()),
        "scheduled_maintenances": maintenance,
    }


def status(now: datetime) -> Doc:
    """`status.json`: the page and its rollup status."""
    return {"page": page_object(), "status": status_object()}


def components(now: datetime) -> Doc:
    """`components.json`: every public component, groups included."""
    return {"page": page_object(), "components": _all_components()}


def incidents(now: datetime) -> Doc:
    """`incidents.json`: the 50 most recent published incidents, resolved ones included."""
    rows = published_incidents().filter(kind=IncidentKind.INCIDENT)[:RECENT_LIMIT]
    return {"page": page_object(), "incidents": _incident_list(rows)}


def unresolved(now: datetime) -> Doc:
    """`incidents/unresolved.json`: incidents investigating, identified or monitoring."""
    return {"page": page_object(), "incidents": _incident_list(unresolved_incidents())}


def maintenances(now: datetime) -> Doc:
    """`scheduled-maintenances.json`: the 50 most recent published maintenances."""
    rows = published_incidents().filter(kind=IncidentKind.MAINTENANCE)[:RECENT_LIMIT]
    return {"page": page_object(), "scheduled_maintenances": _incident_list(rows)}


def upcoming(now: datetime) -> Doc:
    """`scheduled-maintenances/upcoming.json`: maintenances still scheduled at NOW."""
    rows = upcoming_maintenances(now)
    return {"page": page_object(), "scheduled_maintenances": _incident_list(rows)}


def active(now: datetime) -> Doc:
    """`scheduled-maintenances/active.json`: maintenances in progress or verifying."""
    return {"page": page_object(), "scheduled_maintenances": _incident_list(active_maintenances())}
