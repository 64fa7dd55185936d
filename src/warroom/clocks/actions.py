"""Verbs on a case's regulatory clocks, each one transaction that also writes the timeline.

    record_fact(case, actor, name, value, *, now, note)     -> Change   (a questionnaire answer)
    recompute(case, *, now, actor)                          -> Change
    record_submission(obligation, actor, *, submitted_at, method, ..., now)
                                                            -> (Submission, Change)
    mark_not_applicable(obligation, actor, *, reason, now)  -> Change
    reopen(obligation, actor, *, now)                       -> Change
    facts_for(case)                                         -> Facts

The engine (`engine.explain`) turns the case's facts into obligations; `recompute` brings the
Obligation rows in line with it, by key, and says what changed: obligations added, deadlines
moved (old -> new), obligations dropped. A dropped obligation is kept, marked not applicable
with a reason starting "No longer applies:", and comes back by itself if the facts create it
again; one a person marked not applicable stays so until a person reopens it.

Every verb that can add or move a deadline schedules that deadline's reminders
(`reminders.schedule`) in the same transaction. The case row is locked for the length of each
verb, so two people answering at once recompute one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Min

from warroom.cases.actions import record_event
from warroom.cases.choices import EventKind
from warroom.cases.models import Incident
from warroom.clocks import engine, reminders
from warroom.clocks.choices import ObligationStatus, SubmissionMethod
from warroom.clocks.display import moment, value_text
from warroom.clocks.facts import (
    ENTITY_TYPES,
    FACT_LABELS,
    FACT_NAMES,
    Facts,
    format_time,
    parse_facts,
)
from warroom.clocks.models import Fact, Obligation, Submission

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files import File

__all__ = [
    "DROPPED",
    "Change",
    "Moved",
    "current_answers",
    "facts_for",
    "mark_not_applicable",
    "recompute",
    "record_fact",
    "record_submission",
    "reopen",
]

# The reason given to an obligation the facts no longer create; recompute revives only these.
DROPPED = "No longer applies: "


@dataclass(frozen=True)
class Moved:
    """An open obligation whose deadline changed."""

    name: str
    old: datetime | None
    new: datetime | None

    def __str__(self) -> str:
        return f"{self.name} from {_due(self.old)} to {_due(self.new)}"


@dataclass(frozen=True)
class Change:
    """What one verb changed: the answer (if any) and the obligations it added, moved, dropped."""

    fact: str = ""
    added: tuple[str, ...] = ()
    moved: tuple[Moved, ...] = ()
    dropped: tuple[str, ...] = ()

    @property
    def obligations_changed(self) -> bool:
        return bool(self.added or self.moved or self.dropped)

    def __bool__(self) -> bool:
        return bool(self.fact) or self.obligations_changed

    def lines(self) -> list[str]:
        """One sentence per change, for the page's message and the timeline."""
        lines = [f"{self.fact}."] if self.fact else []
        lines += [f"New obligation: {name}." for name in self.added]
        lines += [f"Deadline moved: {moved}." for moved in self.moved]
        lines += [f"No longer applies: {name}." for name in self.dropped]
        if self.fact and not self.obligations_changed:
            lines.append("No obligation or deadline changed.")
        return lines

    def summary(self) -> str:
        return " ".join(self.lines())


def _due(when: datetime | None) -> str:
    return "no fixed time" if when is None else moment(when)


def _name(obligation: Obligation | engine.Obligation) -> str:
    return f"{obligation.title} ({obligation.recipient})"


def _described(row: Obligation) -> str:
    return f"{_name(row)}, due {_due(row.due_at)}"


# --- facts -------------------------------------------------------------------------------------


def current_answers(case: Incident) -> dict[str, Fact]:
    """The newest Fact row per name of CASE (withdrawn answers included, as JSON null)."""
    newest: dict[str, Fact] = {}
    # The model's ordering puts each name's newest row first.
    for fact in Fact.objects.filter(case=case).select_related("decided_by"):
        newest.setdefault(fact.name, fact)
    return newest


def _submissions(case: Incident) -> dict[str, str]:
    """Obligation key -> first submission time, for the obligations now marked submitted.

    The first one counts: a later submission of the same step is an update, and counting from
    the first gives the earlier, safer deadline for the step that follows.
    """
    rows = (
        Submission.objects.filter(
            obligation__case=case, obligation__status=ObligationStatus.SUBMITTED
        )
        .values("obligation__key")
        .annotate(first=Min("submitted_at"))
    )
    return {row["obligation__key"]: format_time(row["first"]) for row in rows}


def _facts_data(values: dict[str, Any], submissions: dict[str, str]) -> dict[str, Any]:
    data = {name: value for name, value in values.items() if value is not None}
    return data | {"submissions": submissions}


def facts_for(case: Incident) -> Facts:
    """CASE's current answers and submissions, as the engine reads them."""
    values = {name: fact.value for name, fact in current_answers(case).items()}
    return parse_facts(_facts_data(values, _submissions(case)), source=_source(case))


def _source(case: Incident) -> str:
    return f"the clock facts of {case.reference}"


def _as_json(value: Any) -> Any:
    """A parsed fact value as FACTS.json holds it; None for "not known yet"."""
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, frozenset):  # entity types, in the schema's order
        return [entity for entity in ENTITY_TYPES if entity in value] or None
    if isinstance(value, tuple | list):  # country codes
        return sorted(value) or None
    return value


@transaction.atomic
def record_fact(
    case: Incident, actor: User | None, name: str, value: Any, *, now: datetime, note: str = ""
) -> Change:
    """Record that NAME has VALUE (None: not known yet), decided by ACTOR at NOW; recompute.

    ValueError (FactsError) names the fact when the value does not fit; an empty Change when
    the answer is the one already recorded.
    """
    if name not in FACT_NAMES:
        raise ValueError(
            f"{_source(case)}: {name!r} is not a fact (known: {', '.join(FACT_NAMES)})"
        )
    _lock(case)
    answers = {fact_name: fact.value for fact_name, fact in current_answers(case).items()}
    candidate = answers | {name: _as_json(value)}
    parsed = parse_facts(_facts_data(candidate, _submissions(case)), source=_source(case))
    stored = _as_json(getattr(parsed, name))
    old = answers.get(name)
    if stored == old:
        return Change()
    Fact.objects.create(
        case=case, name=name, value=stored, decided_by=actor, decided_at=now, note=note
    )
    said = f"{FACT_LABELS.get(name, name)}: {value_text(old)} → {value_text(stored)}"
    change = replace(_recompute(case, now, because=f"{said}."), fact=said)
    text = _with_note("Clock fact recorded. " + change.summary(), note)
    record_event(case, actor, EventKind.DECISION, text, occurred_at=now)
    return change


def _with_note(text: str, note: str) -> str:
    return f"{text} Note: {note}" if note else text


def _lock(case: Incident) -> None:
    """Hold CASE's row until the transaction ends: recomputes of one case run one at a time."""
    Incident.objects.select_for_update().filter(pk=case.pk).first()


# --- obligations --------------------------------------------------------------------------------


@transaction.atomic
def recompute(case: Incident, *, now: datetime, actor: User | None = None) -> Change:
    """Bring CASE's obligations in line with its facts; the change goes on the timeline."""
    _lock(case)
    change = _recompute(case, now, because="the recorded facts no longer create it.")
    if change:
        text = "Regulatory clocks recomputed. " + change.summary()
        record_event(case, actor, EventKind.DECISION, text, occurred_at=now)
    return change


def _fields(computed: engine.Obligation) -> dict[str, Any]:
    return {
        "regime": computed.regime,
        "regime_version": computed.version,
        "step": computed.step,
        "title": computed.title,
        "recipient": computed.recipient,
        "basis": computed.basis,
        "starts_at": computed.starts_at,
        "due_at": computed.due_at,
        "notes": "\n".join(computed.notes),
    }


def _recompute(case: Incident, now: datetime, *, because: str) -> Change:
    """Upsert CASE's obligations by key from the engine; drop the ones it no longer creates."""
    rows = {row.key: row for row in Obligation.objects.filter(case=case)}
    added: list[str] = []
    moved: list[Moved] = []
    for computed in engine.explain(facts_for(case)):
        row = rows.pop(computed.key, None)
        if row is None:
            row = Obligation.objects.create(
                case=case, key=computed.key, computed_at=now, **_fields(computed)
            )
            added.append(_described(row))
            reminders.schedule(row, now=now)
            continue
        old_due, revived = row.due_at, _was_dropped(row)
        for name, value in _fields(computed).items():
            setattr(row, name, value)
        if revived:
            row.status, row.reason = ObligationStatus.OPEN, ""
        row.computed_at = now
        row.save()
        if revived:
            added.append(_described(row) + " (applies again)")
        elif row.status == ObligationStatus.OPEN and old_due != row.due_at:
            moved.append(Moved(_name(row), old_due, row.due_at))
        if row.status == ObligationStatus.OPEN and (revived or old_due != row.due_at):
            reminders.schedule(row, now=now)
    dropped = [_drop(row, because, now) for row in rows.values() if _open(row)]
    return Change(added=tuple(added), moved=tuple(moved), dropped=tuple(dropped))


def _was_dropped(row: Obligation) -> bool:
    return row.status == ObligationStatus.NOT_APPLICABLE and row.reason.startswith(DROPPED)


def _open(row: Obligation) -> bool:
    return row.status == ObligationStatus.OPEN


def _drop(row: Obligation, because: str, now: datetime) -> str:
    row.status = ObligationStatus.NOT_APPLICABLE
    row.reason = DROPPED + because
    row.computed_at = now
    row.save(update_fields=["status", "reason", "computed_at"])
    return _name(row)


@transaction.atomic
def record_submission(
    obligation: Obligation,
    actor: User | None,
    *,
    submitted_at: datetime,
    method: SubmissionMethod,
    now: datetime,
    reference: str = "",
    file: File[Any] | None = None,
    note: str = "",
) -> tuple[Submission, Change]:
    """Record that OBLIGATION's step was sent; steps counted from this submission start."""
    case = obligation.case
    _lock(case)
    submission = Submission(
        obligation=obligation,
        submitted_at=submitted_at,
        method=method,
        reference=reference,
        note=note,
        recorded_by=actor,
        recorded_at=now,
    )
    if file is not None:
        submission.file = file
    submission.save()
    obligation.status, obligation.reason = ObligationStatus.SUBMITTED, ""
    obligation.save(update_fields=["status", "reason"])
    change = _recompute(case, now, because=f"{_name(obligation)} was submitted.")
    sent = f"{_name(obligation)} submitted by {SubmissionMethod(method).label.lower()}"
    text = f"{sent} at {moment(submitted_at)}"
    text += f", reference {reference}." if reference else "."
    text = _with_note(" ".join([text, *change.lines()]), note)
    record_event(case, actor, EventKind.COMMUNICATION, text, occurred_at=submitted_at, now=now)
    return submission, change


@transaction.atomic
def mark_not_applicable(
    obligation: Obligation, actor: User | None, *, reason: str, now: datetime
) -> Change:
    """A person decides OBLIGATION does not apply, and says why; it stays so until reopened."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is required to mark an obligation not applicable")
    case = obligation.case
    _lock(case)
    obligation.status, obligation.reason = ObligationStatus.NOT_APPLICABLE, reason
    obligation.save(update_fields=["status", "reason"])
    change = _recompute(case, now, because=f"{_name(obligation)} was marked not applicable.")
    text = f"{_name(obligation)} marked not applicable: {reason}"
    record_event(
        case, actor, EventKind.DECISION, " ".join([text, *change.lines()]), occurred_at=now
    )
    return change


@transaction.atomic
def reopen(obligation: Obligation, actor: User | None, *, now: datetime) -> Change:
    """Make OBLIGATION open again (a submission recorded by mistake, a wrong "not applicable").

    Its submissions stay on record but no longer start the steps that follow it. If the facts
    no longer create it, the recompute marks it not applicable again and says so.
    """
    case = obligation.case
    _lock(case)
    was = obligation.get_status_display()
    obligation.status, obligation.reason = ObligationStatus.OPEN, ""
    obligation.save(update_fields=["status", "reason"])
    reminders.schedule(obligation, now=now)
    change = _recompute(case, now, because=f"{_name(obligation)} was reopened.")
    text = f"{_name(obligation)} reopened (was {was.lower()})."
    record_event(
        case, actor, EventKind.DECISION, " ".join([text, *change.lines()]), occurred_at=now
    )
    return change
