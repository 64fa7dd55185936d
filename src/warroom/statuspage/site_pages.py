"""What the public page's HTML templates show: plain view objects built from the rows.

Templates get ready-made text (status labels, times in UTC and in the page's zone, uptime
labels) so that they hold no logic; every link in them is relative to `root`, the way from the
page being rendered back to the page's top ("./", "../" or "../../"), so the exported files
work from any directory or object store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from warroom.catalog.choices import ComponentStatus
from warroom.catalog.models import Component, ComponentStatusChange
from warroom.statuspage import v2
from warroom.statuspage.choices import STATUS_CHOICES, Impact, IncidentKind
from warroom.statuspage.models import IncidentUpdate, PublicIncident
from warroom.statuspage.uptime import DAYS, ComponentUptime, uptime_for

STATUS_LABELS = dict(STATUS_CHOICES)
COMPONENT_LABELS = dict(ComponentStatus.choices)
IMPACT_LABELS = dict(Impact.choices)
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/UCT", "UCT", "Zulu"})


@dataclass(frozen=True)
class Moment:
    """A time as the page shows it: in UTC, and in the page's own zone beside it."""

    at: datetime

    @property
    def iso(self) -> str:
        return v2.iso(self.at) or ""

    @property
    def utc(self) -> str:
        at = self.at.astimezone(UTC)
        return f"{at.day} {at:%b %Y, %H:%M} UTC"

    @property
    def local(self) -> str:
        """The same time in STATUS_PAGE_TIME_ZONE; empty when that zone is UTC itself."""
        zone = ZoneInfo(settings.STATUS_PAGE_TIME_ZONE)
        at = self.at.astimezone(zone)
        if zone.key in UTC_NAMES:
            return ""
        return f"{at.day} {at:%b %Y, %H:%M} {at.tzname()}"


def moment(at: datetime | None) -> Moment | None:
    return Moment(at) if at is not None else None


@dataclass(frozen=True)
class UpdateView:
    """One published update: its status word, text, time and the components it changed."""

    status: str
    status_label: str
    body: str
    when: Moment | None
    affected: list[tuple[str, str, str]]  # name, status, status label


@dataclass(frozen=True)
class IncidentView:
    """A published incident or maintenance as the page lists it."""

    code: str
    name: str
    kind: str
    status: str
    status_label: str
    impact: str
    impact_label: str
    created: Moment | None
    resolved: Moment | None
    window: tuple[Moment | None, Moment | None]
    updates: list[UpdateView]
    components: list[str]
    postmortem: str = ""

    @property
    def href(self) -> str:
        return f"incidents/{self.code}.html"

    @property
    def is_maintenance(self) -> bool:
        return self.kind == IncidentKind.MAINTENANCE


@dataclass
class ComponentView:
    """A component's row: its status in words, its bars, and a group's children."""

    code: str
    name: str
    status: str
    status_label: str
    description: str
    is_group: bool
    hidden: bool
    uptime: ComponentUptime | None = None
    children: list[ComponentView] = field(default_factory=list)

    @property
    def href(self) -> str:
        return f"components/{self.code}.html"


def update_view(update: IncidentUpdate) -> UpdateView:
    affected = [
        (row.component.name, row.new_status, COMPONENT_LABELS.get(row.new_status, ""))
        for row in update.affected.all()
        if row.component.public
    ]
    label = STATUS_LABELS.get(update.status, update.status)
    return UpdateView(update.status, label, update.body, moment(v2.shown_at(update)), affected)


def incident_view(incident: PublicIncident) -> IncidentView:
    impact = v2.impact_of(incident)
    return IncidentView(
        code=incident.code,
        name=incident.name,
        kind=incident.kind,
        status=incident.status,
        status_label=STATUS_LABELS.get(incident.status, incident.status),
        impact=impact,
        impact_label=IMPACT_LABELS.get(impact, impact),
        created=moment(incident.published_at or incident.created_at),
        resolved=moment(incident.resolved_at),
        window=(moment(incident.scheduled_for), moment(incident.scheduled_until)),
        updates=[update_view(update) for update in v2.updates_of(incident)],
        components=[component.name for component in v2.components_of(incident)],
        postmortem=incident.postmortem_body if incident.postmortem_published_at else "",
    )


def component_views(
    rows: list[Component], uptimes: dict[int, ComponentUptime]
) -> list[ComponentView]:
    """Top-level rows in page order, each group holding its children.

    A component shown only when degraded is marked hidden while it is operational; a group
    takes the worst status of its children, as on Statuspage.
    """
    views = {row.pk: component_view(row, uptimes.get(row.pk)) for row in rows}
    top = []
    for row in rows:
        parent = views.get(row.group_id) if row.group_id else None
        if parent is not None and parent.is_group:
            parent.children.append(views[row.pk])
        else:
            top.append(views[row.pk])
    for view in top:
        if view.is_group:
            _fold_group(view)
    return top


def component_view(row: Component, uptime: ComponentUptime | None) -> ComponentView:
    """ROW's view, with its bars when it showcases them."""
    return ComponentView(
        code=row.code,
        name=row.name,
        status=row.status,
        status_label=COMPONENT_LABELS.get(row.status, row.status),
        description=row.description,
        is_group=row.is_group,
        hidden=row.only_show_if_degraded and row.status == ComponentStatus.OPERATIONAL,
        uptime=uptime if row.showcase and not row.is_group else None,
    )


def _fold_group(group: ComponentView) -> None:
    status = v2.worst_status(child.status for child in group.children)
    group.status = status
    group.status_label = COMPONENT_LABELS[status]
    group.hidden = all(child.hidden for child in group.children) and bool(group.children)


def public_components(now: datetime) -> tuple[list[Component], dict[int, ComponentUptime]]:
    """The public components in page order, and the uptime of each."""
    rows = list(Component.objects.public().select_related("group"))
    return rows, uptime_for([row for row in rows if not row.is_group], now)


def history(now: datetime) -> list[IncidentView]:
    """Published incidents and maintenances of the last DAYS days, newest first."""
    since = now - timedelta(days=DAYS)
    rows = v2.published_incidents().filter(created_at__gte=since)
    return [incident_view(row) for row in rows]


def status_changes(component: Component, now: datetime) -> list[tuple[Moment, str, str]]:
    """COMPONENT's status changes of the last DAYS days, newest first, as labels."""
    rows = ComponentStatusChange.objects.filter(
        component=component, changed_at__gte=now - timedelta(days=DAYS), changed_at__lte=now
    ).order_by("-changed_at", "-id")
    return [
        (Moment(row.changed_at), COMPONENT_LABELS[row.from_status], COMPONENT_LABELS[row.to_status])
        for row in rows
    ]


def incidents_touching(component: Component, incidents: list[PublicIncident]) -> list[IncidentView]:
    """The incidents among INCIDENTS (prefetched) that name COMPONENT."""
    return [incident_view(row) for row in incidents if component in v2.components_of(row)]
