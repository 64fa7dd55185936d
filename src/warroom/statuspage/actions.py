"""The editorial workflow of the status page: draft → approved → published, one transaction each.

Every verb checks who may do it (`access.py`), refuses a step the text's state does not allow
with a `WorkflowError` that says why, and, when the text is about a case, writes a
communication event quoting the text on that case's timeline. Time is an input (`now`).

Publishing an update is where the page changes: the components it names take their new
statuses (through the catalog, which keeps their history), the incident takes the update's
status, the page revision goes up, and jobs are queued in the same transaction: `fan_out` to
tell subscribers, `publish` to push the static export to its targets. Notices to named
customers (the verbs at the end) go through the same review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models, transaction

from warroom.cases.actions import record_event
from warroom.cases.choices import EventKind
from warroom.cases.models import Incident
from warroom.catalog.actions import set_component_status
from warroom.catalog.choices import ChangeSource, ComponentStatus
from warroom.catalog.models import Component, Customer, Language
from warroom.jobs.queue import enqueue
from warroom.statuspage import site
from warroom.statuspage.access import (
    Subject,
    linked_case,
    require_approve,
    require_draft,
    require_publish,
)
from warroom.statuspage.choices import (
    IncidentKind,
    IncidentStatus,
    MaintenanceStatus,
    ReviewState,
)
from warroom.statuspage.messages import unfilled
from warroom.statuspage.models import (
    AffectedComponent,
    IncidentUpdate,
    Notice,
    PublicIncident,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

__all__ = [
    "UPDATE_STATUSES",
    "Changes",
    "WorkflowError",
    "approve_notice",
    "approve_update",
    "check_status",
    "draft_notice",
    "draft_update",
    "edit_draft",
    "open_public_incident",
    "publish_notice",
    "publish_postmortem",
    "publish_update",
    "schedule_maintenance",
    "withdraw_notice",
    "withdraw_update",
]

Changes = Mapping[Component, ComponentStatus]

# The statuses an update may take, by the kind of its incident. A postmortem is not an
# update: `publish_postmortem` sets that status.
UPDATE_STATUSES: dict[IncidentKind, list[str]] = {
    IncidentKind.INCIDENT: [s for s in IncidentStatus.values if s != IncidentStatus.POSTMORTEM],
    IncidentKind.MAINTENANCE: list(MaintenanceStatus.values),
}
FIRST_STATUS = {
    IncidentKind.INCIDENT: IncidentStatus.INVESTIGATING,
    IncidentKind.MAINTENANCE: MaintenanceStatus.SCHEDULED,
}


class WorkflowError(ValueError):
    """A step the text's state or content does not allow; the message says what is wrong."""


# --- incidents and maintenances ----------------------------------------------------------


@transaction.atomic
def open_public_incident(
    name: str,
    *,
    kind: IncidentKind,
    case: Incident | None = None,
    actor: User,
    now: datetime,
    components: Iterable[Component] = (),
    scheduled_for: datetime | None = None,
    scheduled_until: datetime | None = None,
) -> PublicIncident:
    """Start a public incident (or maintenance) about CASE; no one sees it until published."""
    require_draft(actor, case)
    kind = IncidentKind(kind)
    _check_window(kind, scheduled_for, scheduled_until)
    incident = PublicIncident.objects.create(
        kind=kind,
        name=_required(name, "name"),
        status=FIRST_STATUS[kind],
        case=case,
        created_at=now,
        updated_at=now,
        scheduled_for=scheduled_for,
        scheduled_until=scheduled_until,
        created_by=actor,
    )
    incident.components.set(list(components))
    _note(incident, actor, now, f"Public {kind.label.lower()} “{incident.name}” opened as a draft.")
    return incident


def schedule_maintenance(
    name: str,
    *,
    scheduled_for: datetime,
    scheduled_until: datetime,
    actor: User,
    now: datetime,
    case: Incident | None = None,
    components: Iterable[Component] = (),
) -> PublicIncident:
    """Start a maintenance planned from SCHEDULED_FOR to SCHEDULED_UNTIL, as a draft."""
    return open_public_incident(
        name,
        kind=IncidentKind.MAINTENANCE,
        case=case,
        actor=actor,
        now=now,
        components=components,
        scheduled_for=scheduled_for,
        scheduled_until=scheduled_until,
    )


@transaction.atomic
def draft_update(
    incident: PublicIncident,
    actor: User,
    *,
    status: str,
    body: str,
    changes: Changes,
    language: Language | str,
    deliver_notifications: bool = True,
    display_at: datetime | None = None,
    now: datetime,
) -> IncidentUpdate:
    """Write a new update of INCIDENT as a draft, with the component statuses it will set."""
    require_draft(actor, incident)
    update = IncidentUpdate(incident=incident, drafted_by=actor, drafted_at=now)
    _fill(update, status, body, language, deliver_notifications, display_at, now)
    update.save()
    _set_changes(update, changes)
    _note(incident, actor, now, _about(update, "drafted") + _changes_text(update))
    return update


@transaction.atomic
def edit_draft(
    update: IncidentUpdate,
    actor: User,
    *,
    status: str,
    body: str,
    changes: Changes,
    language: Language | str,
    deliver_notifications: bool = True,
    display_at: datetime | None = None,
    now: datetime,
) -> IncidentUpdate:
    """Rewrite UPDATE before it is published; an approved one goes back to draft.

    The approval was for other words, so it no longer holds.
    """
    _lock(update)
    require_draft(actor, update.incident)
    _expect(update, (ReviewState.DRAFT, ReviewState.APPROVED), "edited")
    approver = update.approved_by if update.review == ReviewState.APPROVED else None
    _fill(update, status, body, language, deliver_notifications, display_at, now)
    update.review, update.approved_by, update.approved_at = ReviewState.DRAFT, None, None
    update.save()
    update.affected.all().delete()
    _set_changes(update, changes)
    lapsed = f" The approval by {approver.get_username()} no longer holds." if approver else ""
    _note(update.incident, actor, now, _about(update, "edited") + _changes_text(update) + lapsed)
    return update


@transaction.atomic
def approve_update(update: IncidentUpdate, actor: User, *, now: datetime) -> IncidentUpdate:
    """ACTOR, a communications person, approves UPDATE's text for publication."""
    _lock(update)
    require_approve(actor, update.incident)
    _expect(update, (ReviewState.DRAFT,), "approved")
    _check_filled(update.body)
    update.review, update.approved_by, update.approved_at = ReviewState.APPROVED, actor, now
    update.updated_at = now
    update.save(update_fields=["review", "approved_by", "approved_at", "updated_at"])
    _note(update.incident, actor, now, _about(update, "approved"))
    return update


@transaction.atomic
def publish_update(update: IncidentUpdate, actor: User, *, now: datetime) -> IncidentUpdate:
    """Put approved UPDATE on the page: components, incident status, revision, jobs."""
    _lock(update)
    incident = update.incident
    _lock_incident(incident)
    require_publish(actor, incident)
    _expect(update, (ReviewState.APPROVED,), "published")
    affected = _apply_changes(update, actor, now)
    update.review, update.published_by, update.published_at = ReviewState.PUBLISHED, actor, now
    update.display_at = update.display_at or now
    update.updated_at = now
    update.save()
    _advance(incident, update.status, now)
    incident.components.add(*[row.component_id for row in affected])
    site.page_changed(now)
    if update.deliver_notifications:
        enqueue("statuspage.fan_out", {"update": update.pk}, now=now)
    told = " Subscribers will be notified." if update.deliver_notifications else ""
    _note(incident, actor, now, _about(update, "published") + _changes_text(update) + told)
    return update


@transaction.atomic
def withdraw_update(update: IncidentUpdate, actor: User, *, now: datetime) -> IncidentUpdate:
    """Drop UPDATE before publication. Published text stays: correct it with a new update."""
    _lock(update)
    require_draft(actor, update.incident)
    _expect(update, (ReviewState.DRAFT, ReviewState.APPROVED), "withdrawn")
    update.review, update.updated_at = ReviewState.WITHDRAWN, now
    update.save(update_fields=["review", "updated_at"])
    _note(update.incident, actor, now, _about(update, "withdrawn"))
    return update


@transaction.atomic
def publish_postmortem(
    incident: PublicIncident, body: str, actor: User, *, now: datetime
) -> PublicIncident:
    """Publish the postmortem of resolved INCIDENT; ACTOR's publication is the approval."""
    _lock_incident(incident)
    require_publish(actor, incident)
    if incident.kind != IncidentKind.INCIDENT:
        raise WorkflowError("A scheduled maintenance has no postmortem.")
    if incident.status not in (IncidentStatus.RESOLVED, IncidentStatus.POSTMORTEM):
        raise WorkflowError(
            f"A postmortem follows the resolution; “{incident.name}” is "
            f"{IncidentStatus(incident.status).label.lower()}."
        )
    incident.postmortem_body = _check_filled(_required(body, "postmortem"))
    incident.postmortem_published_at = incident.updated_at = now
    incident.status = IncidentStatus.POSTMORTEM
    incident.save()
    site.page_changed(now)
    _note(incident, actor, now, f"Postmortem of “{incident.name}” published: “{body.strip()}”")
    return incident


# --- notices to named customers ---------------------------------------------------------


@transaction.atomic
def draft_notice(
    *,
    title: str,
    body: str,
    customers: Iterable[Customer],
    actor: User,
    now: datetime,
    components: Iterable[Component] = (),
    incident: PublicIncident | None = None,
    case: Incident | None = None,
    expires_at: datetime | None = None,
) -> Notice:
    """Write a notice for CUSTOMERS' own pages as a draft, about INCIDENT or CASE."""
    case = case or (incident.case if incident else None)
    require_draft(actor, case or incident)
    customers = list(customers)
    if not customers:
        raise WorkflowError("A notice needs at least one customer to show it to.")
    notice = Notice.objects.create(
        title=_required(title, "title"),
        body=_required(body, "text"),
        incident=incident,
        case=case,
        drafted_by=actor,
        drafted_at=now,
        expires_at=expires_at,
    )
    notice.customers.set(customers)
    notice.components.set(list(components))
    _note(notice, actor, now, f"{_about_notice(notice)} drafted: “{notice.body}”")
    return notice


@transaction.atomic
def approve_notice(notice: Notice, actor: User, *, now: datetime) -> Notice:
    """ACTOR, a communications person, approves NOTICE's text."""
    _lock(notice)
    require_approve(actor, notice)
    _expect(notice, (ReviewState.DRAFT,), "approved")
    _check_filled(notice.title + notice.body)
    notice.review, notice.approved_by, notice.approved_at = ReviewState.APPROVED, actor, now
    notice.save(update_fields=["review", "approved_by", "approved_at"])
    _note(notice, actor, now, f"{_about_notice(notice)} approved: “{notice.body}”")
    return notice


@transaction.atomic
def publish_notice(notice: Notice, actor: User, *, now: datetime) -> Notice:
    """Show approved NOTICE on its customers' pages."""
    _lock(notice)
    require_publish(actor, notice)
    _expect(notice, (ReviewState.APPROVED,), "published")
    notice.review, notice.published_at = ReviewState.PUBLISHED, now
    notice.save(update_fields=["review", "published_at"])
    site.page_changed(now)
    _note(notice, actor, now, f"{_about_notice(notice)} published: “{notice.body}”")
    return notice


@transaction.atomic
def withdraw_notice(notice: Notice, actor: User, *, now: datetime) -> Notice:
    """Drop NOTICE; a published one leaves its customers' pages, which takes publish rights."""
    _lock(notice)
    _expect(notice, (ReviewState.DRAFT, ReviewState.APPROVED, ReviewState.PUBLISHED), "withdrawn")
    was_public = notice.review == ReviewState.PUBLISHED
    (require_publish if was_public else require_draft)(actor, notice)
    notice.review = ReviewState.WITHDRAWN
    notice.save(update_fields=["review"])
    if was_public:
        site.page_changed(now)
    _note(notice, actor, now, f"{_about_notice(notice)} withdrawn.")
    return notice


# --- checks ------------------------------------------------------------------------------


def _required(text: str, what: str) -> str:
    if not text or not text.strip():
        raise WorkflowError(f"The {what} is empty.")
    return text.strip()


def _check_filled(text: str) -> str:
    """TEXT, unless it still holds a template placeholder no one filled in."""
    left = unfilled(text)
    if left:
        names = ", ".join("{" + name + "}" for name in left)
        raise WorkflowError(f"The text still holds placeholders to fill in: {names}.")
    return text


def _check_window(kind: IncidentKind, start: datetime | None, end: datetime | None) -> None:
    if kind == IncidentKind.INCIDENT:
        if start or end:
            raise WorkflowError("Only a scheduled maintenance has a window.")
        return
    if start is None or end is None:
        raise WorkflowError("A scheduled maintenance needs the start and end of its window.")
    if end <= start:
        raise WorkflowError("The maintenance window must end after it starts.")


def check_status(incident: PublicIncident, status: str) -> str:
    """STATUS, if an update of INCIDENT may take it; else a WorkflowError naming the choices."""
    kind = IncidentKind(incident.kind)
    allowed = UPDATE_STATUSES[kind]
    if status in allowed:
        return status
    if status == IncidentStatus.POSTMORTEM:
        raise WorkflowError("A postmortem is published with its own form, not as an update.")
    other = "a maintenance" if status in MaintenanceStatus.values else "an incident"
    known = status in IncidentStatus.values or status in MaintenanceStatus.values
    what = f"{status!r} is a status of {other}" if known else f"{status!r} is not a status"
    raise WorkflowError(
        f"{what}; an update of {kind.label.lower()} “{incident.name}” takes one of "
        f"{', '.join(allowed)}."
    )


def _check_changes(changes: Changes) -> None:
    for component, status in changes.items():
        if component.is_group:
            raise WorkflowError(
                f"{component.name} is a group: its status is its worst component's; "
                "set the components in it."
            )
        if status not in ComponentStatus.values:
            raise WorkflowError(f"{status!r} is not a component status ({component.name}).")


def _expect(row: IncidentUpdate | Notice, states: tuple[ReviewState, ...], verb: str) -> None:
    if row.review in states:
        return
    now_in = ReviewState(row.review).label.lower()
    wanted = " or ".join(state.label.lower() for state in states)
    hint = " Publish a new update that corrects it." if row.review == ReviewState.PUBLISHED else ""
    raise WorkflowError(f"Only {wanted} text can be {verb}; this is {now_in}.{hint}")


def _lock(row: IncidentUpdate | Notice) -> None:
    """Lock ROW until the transaction ends, and refuse if it changed since it was read.

    An approval is for the words the approver read: if someone edited them in between, the
    approval must not go through.
    """
    fresh = type(row).objects.select_for_update().filter(pk=row.pk).first()
    if fresh is None:
        raise WorkflowError("This text no longer exists.")
    if isinstance(fresh, IncidentUpdate) and fresh.updated_at != getattr(row, "updated_at", None):
        raise WorkflowError("This update changed since it was read; read it again first.")
    row.review = fresh.review


def _lock_incident(incident: PublicIncident) -> None:
    """Lock INCIDENT's row until the transaction ends, and read it afresh."""
    PublicIncident.objects.select_for_update().filter(pk=incident.pk).values_list("pk").first()
    incident.refresh_from_db()


# --- steps -------------------------------------------------------------------------------


def _fill(
    update: IncidentUpdate,
    status: str,
    body: str,
    language: Language | str,
    deliver_notifications: bool,
    display_at: datetime | None,
    now: datetime,
) -> None:
    """Set the words of UPDATE (unsaved), checked against its incident's kind."""
    update.status = check_status(update.incident, status)
    update.body = _required(body, "text")
    update.language = Language(language)
    update.deliver_notifications = deliver_notifications
    update.display_at = display_at
    update.updated_at = now


def _set_changes(update: IncidentUpdate, changes: Changes) -> None:
    _check_changes(changes)
    AffectedComponent.objects.bulk_create(
        AffectedComponent(update=update, component=component, new_status=status)
        for component, status in changes.items()
    )


def _apply_changes(update: IncidentUpdate, actor: User, now: datetime) -> list[AffectedComponent]:
    """Give each component of UPDATE its new status, noting the old one on the update."""
    affected = list(update.affected.select_related("component"))
    reason = f"{update.incident.name}: {_status_label(update.status)}"
    for row in affected:
        component = row.component
        old = component.status
        change = set_component_status(
            component,
            ComponentStatus(row.new_status),
            actor,
            now=now,
            source=ChangeSource.UPDATE,
            reason=reason,
        )
        row.old_status = change.from_status if change else old
        row.save(update_fields=["old_status"])
    return affected


def _advance(incident: PublicIncident, status: str, now: datetime) -> None:
    """INCIDENT takes STATUS, published just now, with the times Statuspage keeps."""
    was_resolved = incident.is_resolved
    incident.status = status
    incident.published_at = incident.published_at or now
    incident.started_at = incident.started_at or now
    if status == IncidentStatus.MONITORING:
        incident.monitoring_at = incident.monitoring_at or now
    if incident.is_resolved:
        incident.resolved_at = incident.resolved_at if was_resolved else now
    else:
        # Reopened: it is unresolved again, and its resolution time is no longer true.
        incident.resolved_at = None
    incident.updated_at = now
    incident.save()


def _note(subject: Subject, actor: User, now: datetime, text: str) -> None:
    """A communication event on the case SUBJECT is about, if it is about one."""
    case = linked_case(subject)
    if case is not None:
        record_event(case, actor, EventKind.COMMUNICATION, text, occurred_at=now)


def _status_label(status: str) -> str:
    choices: type[models.TextChoices] = (
        IncidentStatus if status in IncidentStatus.values else MaintenanceStatus
    )
    return str(choices(status).label)


def _about(update: IncidentUpdate, verb: str) -> str:
    return (
        f"Status page update {verb} for “{update.incident.name}” "
        f"({_status_label(update.status)}): “{update.body}”"
    )


def _changes_text(update: IncidentUpdate) -> str:
    rows = update.affected.select_related("component").order_by("component__name")
    parts = [f"{row.component.name} → {ComponentStatus(row.new_status).label}" for row in rows]
    return f" Components: {', '.join(parts)}." if parts else ""


def _about_notice(notice: Notice) -> str:
    names = ", ".join(customer.name for customer in notice.customers.order_by("name"))
    return f"Notice “{notice.title}” for {names}"
