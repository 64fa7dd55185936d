"""Verbs that change the case and must appear on its timeline, each one transaction.

A view or API route calls one of these; the timeline event is written in the same transaction
as the change, so the record can never show a change without its event or the reverse. Time is
an input: callers read the clock once and pass `now`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from warroom.accounts.models import Membership, Role
from warroom.cases.choices import (
    ActionState,
    AssetState,
    CustodyKind,
    EventKind,
    EventSource,
    Phase,
    Severity,
    TaskState,
)
from warroom.cases.models import (
    Action,
    Asset,
    AssetStateChange,
    CustodyEntry,
    Evidence,
    Incident,
    Indicator,
    Task,
    TimelineEvent,
    TimelineEventEdit,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def record_event(
    case: Incident,
    actor: User | None,
    kind: EventKind,
    text: str,
    *,
    occurred_at: datetime,
    now: datetime | None = None,
    source: EventSource = EventSource.PERSON,
    asset: Asset | None = None,
    indicator: Indicator | None = None,
    evidence: Evidence | None = None,
) -> TimelineEvent:
    """Add an event to CASE's timeline, recorded at NOW (default: when it occurred)."""
    return TimelineEvent.objects.create(
        case=case,
        actor=actor,
        kind=kind,
        text=text,
        occurred_at=occurred_at,
        recorded_at=now or occurred_at,
        source=source,
        asset=asset,
        indicator=indicator,
        evidence=evidence,
    )


# The fields of an event a person may correct.
EDITABLE = ("kind", "text", "occurred_at")


@transaction.atomic
def edit_event(
    event: TimelineEvent, actor: User, changes: dict[str, Any], *, now: datetime
) -> TimelineEvent:
    """Correct EVENT's kind, text or time; the old values are kept as a TimelineEventEdit.

    Fields that do not change are left out of the record; an edit that changes nothing
    records nothing. Who may edit which event is the caller's to check.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    changed = {name: value for name, value in changes.items() if getattr(event, name) != value}
    if not changed:
        return event
    before = {name: _as_json(getattr(event, name)) for name in changed}
    for name, value in changed.items():
        setattr(event, name, value)
    event.edited_at = now
    event.save(update_fields=[*changed, "edited_at"])
    TimelineEventEdit.objects.create(
        event=event,
        edited_at=now,
        editor=actor,
        before=before,
        after={name: _as_json(value) for name, value in changed.items()},
    )
    return event


def _as_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def open_case(
    user: User,
    *,
    title: str,
    severity: Severity,
    detected_at: datetime,
    now: datetime,
    summary: str = "",
    aware_at: datetime | None = None,
) -> Incident:
    """Open a case with USER as its commander; the reference is the next free one."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Incident.objects.create(
                    reference=Incident.next_reference(detected_at.year),
                    title=title,
                    summary=summary,
                    severity=severity,
                    detected_at=detected_at,
                    aware_at=aware_at,
                    commander=user,
                    created_at=now,
                )
                Membership.objects.create(case=case, user=user, role=Role.COMMANDER)
                record_event(
                    case,
                    user,
                    EventKind.STATUS_CHANGE,
                    f"Case opened as {severity} in phase {Phase.DETECTED.label}.",
                    occurred_at=now,
                )
                return case
        except IntegrityError:
            # Another case took the same reference between our read and write; try the next.
            continue
    raise RuntimeError("could not allocate a case reference after 5 attempts")


@transaction.atomic
def change_phase(
    case: Incident, phase: Phase, actor: User, *, now: datetime, note: str = ""
) -> TimelineEvent | None:
    """Move CASE to PHASE; returns the timeline event, or None when nothing changed."""
    if case.phase == phase:
        return None
    old = Phase(case.phase)
    case.phase = phase
    case.save(update_fields=["phase", "updated_at"])
    text = f"Phase changed from {old.label} to {phase.label}."
    return record_event(
        case, actor, EventKind.STATUS_CHANGE, _with_note(text, note), occurred_at=now
    )


@transaction.atomic
def change_severity(
    case: Incident, severity: Severity, actor: User, *, now: datetime, note: str = ""
) -> TimelineEvent | None:
    """Set CASE's severity; returns the timeline event, or None when nothing changed."""
    if case.severity == severity:
        return None
    old = case.severity
    case.severity = severity
    case.save(update_fields=["severity", "updated_at"])
    text = f"Severity changed from {old} to {severity.value}."
    return record_event(
        case, actor, EventKind.STATUS_CHANGE, _with_note(text, note), occurred_at=now
    )


@transaction.atomic
def change_asset_state(
    asset: Asset, state: AssetState, actor: User, *, reason: str, now: datetime
) -> TimelineEvent | None:
    """Set ASSET's state, keeping who, when and why; None when nothing changed."""
    if asset.state == state:
        return None
    old = AssetState(asset.state)
    AssetStateChange.objects.create(
        asset=asset,
        from_state=old,
        to_state=state,
        changed_by=actor,
        changed_at=now,
        reason=reason,
    )
    asset.state = state
    asset.save(update_fields=["state"])
    text = f"{asset.name} changed from {old.label} to {state.label}: {reason}"
    return record_event(
        asset.case, actor, EventKind.STATUS_CHANGE, text, occurred_at=now, asset=asset
    )


def take_offline(asset: Asset, actor: User, *, reason: str, now: datetime) -> TimelineEvent | None:
    """Record that ASSET was taken offline on purpose (containment)."""
    return change_asset_state(asset, AssetState.OFFLINE, actor, reason=reason, now=now)


@transaction.atomic
def add_evidence(evidence: Evidence, actor: User, *, now: datetime) -> Evidence:
    """Save new EVIDENCE, open its custody log, and note it on the timeline."""
    evidence.added_by = actor
    evidence.added_at = now
    evidence.save()
    where = "uploaded" if evidence.file else f"kept at {evidence.location}"
    CustodyEntry.objects.create(
        evidence=evidence,
        kind=CustodyKind.ACQUIRED,
        actor=actor,
        at=now,
        note=f"Acquired by {evidence.acquired_by} from {evidence.acquired_from} "
        f"at {evidence.acquired_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC; {where}.",
    )
    record_event(
        evidence.case,
        actor,
        EventKind.OBSERVATION,
        f"Evidence added: {evidence.name} from {evidence.acquired_from}.",
        occurred_at=now,
        evidence=evidence,
    )
    return evidence


def log_custody(
    evidence: Evidence, kind: CustodyKind, actor: User | None, *, now: datetime, note: str = ""
) -> CustodyEntry:
    """Append to EVIDENCE's chain of custody (downloads, transfers, verifications)."""
    return CustodyEntry.objects.create(evidence=evidence, kind=kind, actor=actor, at=now, note=note)


@transaction.atomic
def approve_action(action: Action, approver: User, *, now: datetime) -> TimelineEvent:
    """A commander approves a proposed action."""
    action.state = ActionState.APPROVED
    action.approved_by = approver
    action.approved_at = now
    action.save(update_fields=["state", "approved_by", "approved_at"])
    return record_event(
        action.case,
        approver,
        EventKind.DECISION,
        f"Approved: {action}",
        occurred_at=now,
        asset=action.asset,
    )


@transaction.atomic
def complete_action(action: Action, actor: User, *, outcome: str, now: datetime) -> TimelineEvent:
    """Record that ACTION was carried out, and with what outcome."""
    action.state = ActionState.DONE
    action.done_at = now
    action.outcome = outcome
    action.save(update_fields=["state", "done_at", "outcome"])
    return record_event(
        action.case,
        actor,
        EventKind.ACTION,
        _with_note(f"Done: {action}", outcome),
        occurred_at=now,
        asset=action.asset,
    )


@transaction.atomic
def add_asset(asset: Asset, actor: User, *, now: datetime) -> Asset:
    """Save a new ASSET (validated by the caller) and note it on the timeline."""
    asset.save()
    facing = ", internet-facing" if asset.internet_facing else ""
    record_event(
        asset.case,
        actor,
        EventKind.OBSERVATION,
        f"Asset added: {asset.name} ({asset.role or 'no role given'}{facing}), "
        f"state {AssetState(asset.state).label}.",
        occurred_at=now,
        asset=asset,
    )
    return asset


@transaction.atomic
def add_indicator(indicator: Indicator, actor: User, *, now: datetime) -> Indicator:
    """Save a new INDICATOR (validated and normalised by the caller), noted on the timeline."""
    indicator.added_by = actor
    indicator.added_at = now
    indicator.save()
    record_event(
        indicator.case,
        actor,
        EventKind.FINDING,
        f"Indicator added: {indicator.type} {indicator.value}"
        + (f" (source: {indicator.source})" if indicator.source else ""),
        occurred_at=now,
        indicator=indicator,
    )
    return indicator


@transaction.atomic
def propose_action(action: Action, actor: User, *, now: datetime) -> Action:
    """Save a new ACTION as proposed by ACTOR, noted on the timeline."""
    action.state = ActionState.PROPOSED
    action.requested_by = actor
    action.requested_at = now
    action.save()
    record_event(
        action.case,
        actor,
        EventKind.ACTION,
        f"Proposed: {action}",
        occurred_at=now,
        asset=action.asset,
    )
    return action


@transaction.atomic
def reject_action(action: Action, actor: User, *, now: datetime, note: str = "") -> TimelineEvent:
    """A commander turns a proposed action down."""
    action.state = ActionState.REJECTED
    action.approved_by = actor
    action.approved_at = now
    action.outcome = note
    action.save(update_fields=["state", "approved_by", "approved_at", "outcome"])
    return record_event(
        action.case,
        actor,
        EventKind.DECISION,
        _with_note(f"Rejected: {action}", note),
        occurred_at=now,
        asset=action.asset,
    )


def _with_note(text: str, note: str) -> str:
    return f"{text} {note.strip()}" if note.strip() else text


@transaction.atomic
def change_aware_at(
    case: Incident, aware_at: datetime | None, actor: User, *, now: datetime, note: str = ""
) -> TimelineEvent | None:
    """Set when the organisation became aware; regulators' clocks start from it, so it is
    noted on the timeline. None when nothing changed."""

    if case.aware_at == aware_at:
        return None
    case.aware_at = aware_at
    case.save(update_fields=["aware_at", "updated_at"])
    text = (
        f"Awareness time set to {aware_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC."
        if aware_at
        else "Awareness time cleared."
    )
    return record_event(
        case, actor, EventKind.STATUS_CHANGE, _with_note(text, note), occurred_at=now
    )


@transaction.atomic
def relocate_evidence(
    evidence: Evidence, location: str, actor: User, *, now: datetime
) -> CustodyEntry | None:
    """Record that EVIDENCE is now kept at LOCATION, as a transfer in its chain of custody."""
    if evidence.location == location:
        return None
    old = evidence.location or "(uploaded file)"
    evidence.location = location
    evidence.save(update_fields=["location"])
    return log_custody(
        evidence, CustodyKind.TRANSFERRED, actor, now=now, note=f"Moved from {old} to {location}."
    )


@transaction.atomic
def record_evidence_hash(
    evidence: Evidence, sha256: str, actor: User, *, now: datetime, size: int | None = None
) -> CustodyEntry:
    """Record the SHA-256 (and size) of EVIDENCE that was added without one.

    A hash, once recorded, is never replaced: a different value means a different file.
    """
    if evidence.sha256:
        raise ValueError(f"{evidence.name} already has SHA-256 {evidence.sha256}")
    evidence.sha256 = sha256.lower()
    fields = ["sha256"]
    if size is not None:
        evidence.size = size
        fields.append("size")
    evidence.save(update_fields=fields)
    return log_custody(
        evidence, CustodyKind.HASHED, actor, now=now, note=f"SHA-256 {evidence.sha256}."
    )


@transaction.atomic
def add_task(task: Task, actor: User, *, now: datetime) -> Task:
    """Save a new TASK of its case and note who owns it on the timeline."""
    task.created_at = now
    task.save()
    owner = task.owner.get_username() if task.owner else "nobody yet"
    due = f", due {task.due_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if task.due_at else ""
    text = f"Task added: {task.title} ({owner}{due})."
    record_event(task.case, actor, EventKind.ACTION, text, occurred_at=now)
    return task


@transaction.atomic
def change_task_state(
    task: Task, state: TaskState, actor: User, *, now: datetime
) -> TimelineEvent | None:
    """Move TASK to STATE, noted on the timeline; None when nothing changed."""
    if task.state == state:
        return None
    old = TaskState(task.state)
    task.state = state
    task.save(update_fields=["state", "updated_at"])
    text = f"Task {task.title} moved from {old.label} to {state.label}."
    return record_event(task.case, actor, EventKind.ACTION, text, occurred_at=now)


class LastCommanderError(ValueError):
    """A case must keep at least one commander."""


@transaction.atomic
def add_member(
    case: Incident,
    user: User,
    role: Role,
    actor: User,
    *,
    now: datetime,
    expires_at: datetime | None = None,
) -> Membership:
    """Give USER ROLE on CASE (or change the role they have), noted on the timeline."""
    membership = Membership.objects.filter(case=case, user=user).first()
    if membership and membership.role == Role.COMMANDER and role != Role.COMMANDER:
        _keep_a_commander(case, membership)
    verb = "now" if membership else "added as"
    membership = membership or Membership(case=case, user=user, added_at=now)
    membership.role = role
    membership.expires_at = expires_at
    membership.save()
    until = f" until {expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if expires_at else ""
    text = f"{user.get_username()} {verb} {role.label}{until}."
    record_event(case, actor, EventKind.DECISION, text, occurred_at=now)
    return membership


@transaction.atomic
def remove_member(membership: Membership, actor: User, *, now: datetime) -> TimelineEvent:
    """Take MEMBERSHIP's user off the case; the last commander cannot be removed."""
    if membership.role == Role.COMMANDER:
        _keep_a_commander(membership.case, membership)
    membership.delete()
    text = f"{membership.user.get_username()} removed from the case."
    return record_event(membership.case, actor, EventKind.DECISION, text, occurred_at=now)


def _keep_a_commander(case: Incident, leaving: Membership) -> None:
    others = Membership.objects.filter(case=case, role=Role.COMMANDER).exclude(pk=leaving.pk)
    if not others.exists():
        raise LastCommanderError(
            f"{leaving.user.get_username()} is the only commander of {case.reference}; "
            "make someone else commander first"
        )
