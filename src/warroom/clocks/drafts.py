"""Drafts of regulatory notifications: the regulator's fields, pre-filled from the case.

A step of a regime names the content it asks for (`regimes.ContentField`, in the regulator's
order). `prefill` fills the fields whose canonical id it knows (docs/clocks.md lists them) from
what the case already records: its title and summary, the detection and awareness times, the
countries fact, indicators, completed actions, assets taken offline, severity and catalog
impact, the commander. Everything else starts empty for a person to write.

`save_draft` stores an edit only if it was made from the newest version; otherwise it raises
`StaleDraft` carrying the text saved in between, so that the page can show both and nothing
typed is lost. Exceptions::

    DraftError (ValueError)
     ├── UnknownStep   the obligation's regime version has no such step (data file changed)
     └── StaleDraft    someone saved the draft after the version the edit was made from
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet

from warroom.cases.actions import record_event
from warroom.cases.choices import ActionState, AssetState, EventKind, Phase
from warroom.catalog.impact import case_impact
from warroom.clocks.models import Draft, Fact, Obligation
from warroom.clocks.regimes import ContentField, find_step

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from warroom.cases.models import Action, Incident

__all__ = [
    "HINTS",
    "DraftError",
    "StaleDraft",
    "UnknownStep",
    "content_fields",
    "current_draft",
    "prefill",
    "save_draft",
]

# Lists in a draft stop after this many entries with "and N more": a regulator's form field is
# not the place for the case's whole indicator list, and the page stays one screen.
LIST_CAP = 20
NOT_ONGOING = {Phase.RECOVERED, Phase.CLOSED}
_Row = TypeVar("_Row", bound=Model)

# Shown as placeholders where the case cannot know the answer; the text itself stays empty so
# that an export never presents a guess as a fact.
HINTS = {
    "people_count": "Approximate number of people affected; say how it was estimated.",
    "records_count": "Approximate number of records affected; say how it was estimated.",
    "data_categories": "Categories of personal data concerned (contact, billing, traffic ...).",
    "consequences": "Likely consequences for the people and the services affected.",
    "root_cause": "Type of threat or root cause, once the investigation knows it.",
}


class DraftError(ValueError):
    """A draft that cannot be shown or saved; the message says which and why."""


class UnknownStep(DraftError):
    """The regime data has no step for this obligation any more."""


class StaleDraft(DraftError):
    """The draft was saved by someone else after the version an edit was made from."""

    def __init__(self, current: Draft) -> None:
        who = current.updated_by.get_username() if current.updated_by else "someone"
        super().__init__(
            f"{who} saved version {current.version} of this draft at "
            f"{current.updated_at:%Y-%m-%d %H:%M} UTC while you were editing"
        )
        self.current = current


def content_fields(obligation: Obligation) -> tuple[ContentField, ...]:
    """The fields OBLIGATION's step asks for, in the regulator's order."""
    try:
        step = find_step(obligation.regime, obligation.regime_version, obligation.step)
    except KeyError:
        raise UnknownStep(
            f"{obligation.key}: regime {obligation.regime} version {obligation.regime_version} "
            f"has no step {obligation.step!r} in src/warroom/clocks/regimes/"
        ) from None
    return tuple(step.contents)


def current_draft(obligation: Obligation) -> Draft | None:
    """The saved draft of OBLIGATION, or None before anyone saved one."""
    return Draft.objects.select_related("updated_by").filter(obligation=obligation).first()


def prefill(obligation: Obligation) -> dict[str, str]:
    """A text for every field of OBLIGATION's step: from the case where known, else empty.

    Only the fields the step asks for are computed, each with a bounded number of queries.
    """
    source = _CaseText(obligation.case)
    texts = {}
    for field in content_fields(obligation):
        writer = WRITERS.get(field.id)
        texts[field.id] = writer(source) if writer else ""
    return texts


def save_draft(
    obligation: Obligation,
    actor: User,
    texts: Mapping[str, str],
    *,
    version: int,
    now: datetime,
) -> Draft:
    """Store TEXTS as the next version of OBLIGATION's draft, edited from VERSION.

    VERSION 0 means the edit started from the pre-filled form, before any draft was saved.
    Raises StaleDraft when VERSION is not the newest; the timeline records each save.
    """
    with transaction.atomic():
        if version == 0:
            draft = _create(obligation, actor, texts, now=now)
        else:
            draft = _update(obligation, actor, texts, version=version, now=now)
        text = (
            f"Draft of {obligation.title} to {obligation.recipient} saved "
            f"(version {draft.version})."
        )
        record_event(obligation.case, actor, EventKind.COMMUNICATION, text, occurred_at=now)
    return draft


def _create(
    obligation: Obligation, actor: User, texts: Mapping[str, str], *, now: datetime
) -> Draft:
    try:
        # A savepoint, so that losing the race to create leaves the outer transaction usable.
        with transaction.atomic():
            return Draft.objects.create(
                obligation=obligation, fields=dict(texts), updated_by=actor, updated_at=now
            )
    except IntegrityError:
        current = current_draft(obligation)
        if current is None:
            raise
        raise StaleDraft(current) from None


def _update(
    obligation: Obligation, actor: User, texts: Mapping[str, str], *, version: int, now: datetime
) -> Draft:
    # One conditional UPDATE: of two saves from the same version exactly one matches, on
    # SQLite and PostgreSQL alike, with no lock held across the request.
    changed = Draft.objects.filter(obligation=obligation, version=version).update(
        fields=dict(texts), version=F("version") + 1, updated_by=actor, updated_at=now
    )
    current = current_draft(obligation)
    if current is None:
        raise DraftError(f"{obligation.key}: there is no saved draft of version {version}")
    if not changed:
        raise StaleDraft(current)
    return current


# --- What the case says, one writer per canonical field id -----------------------------------


@dataclass
class _CaseText:
    """The case read lazily: each property runs its queries only if a field needs it."""

    case: Incident

    @cached_property
    def facts(self) -> dict[str, object]:
        """The newest value of each recorded fact, in one query."""
        newest: dict[str, object] = {}
        rows = Fact.objects.filter(case=self.case).order_by("name", "-decided_at", "-id")
        for name, value in rows.values_list("name", "value"):
            newest.setdefault(name, value)
        return newest

    @cached_property
    def indicator_count(self) -> int:
        return self.case.indicators.count()

    @cached_property
    def impact_lines(self) -> tuple[list[str], list[str]]:
        """(components affected, customers affected) as lines, from the catalog.

        The catalog's impact of the case: components on its isolated or offline assets and
        everything depending on them, plus any component whose status is impaired now.
        """
        impact = case_impact(self.case)
        components = [f"{c.name}: {c.worst.label.lower()}" for c in impact.components]
        customers = [f"{c.name}{' (reseller)' if c.is_reseller else ''}" for c in impact.customers]
        return components, customers


def _when(when: datetime) -> str:
    """ISO 8601 in UTC, then the same time for people: "2025-08-12T06:30:00Z (Tue ...)"."""
    utc = when.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%SZ} ({utc:%A} {utc.day} {utc:%B %Y, %H:%M} UTC)"


def _capped(lines: Sequence[str], total: int | None = None, *, more: str = "") -> str:
    """The first LIST_CAP of LINES as a bulleted list, then "and N more" up to TOTAL."""
    total = len(lines) if total is None else total
    listed = [f"- {line}" for line in lines[:LIST_CAP]]
    if total > len(listed):
        listed.append(f"- and {total - len(listed)} more{more}")
    return "\n".join(listed)


def _nature(source: _CaseText) -> str:
    case = source.case
    return f"{case.title}\n\n{case.summary}".strip()


def _detected_at(source: _CaseText) -> str:
    return _when(source.case.detected_at)


def _aware_at(source: _CaseText) -> str:
    recorded = source.facts.get("aware_at")
    if isinstance(recorded, str):
        try:
            return _when(datetime.fromisoformat(recorded))
        except ValueError:
            return recorded  # as recorded; a person can correct it here
    aware = source.case.aware_at
    return _when(aware) if aware else ""


def _suspected_malicious(source: _CaseText) -> str:
    count = source.indicator_count
    if not count:
        return ""
    noun = "indicator" if count == 1 else "indicators"
    return f"Suspected: the case records {count} {noun} of compromise."


def _cross_border(source: _CaseText) -> str:
    countries = source.facts.get("countries")
    if isinstance(countries, str):
        countries = [countries]
    if not isinstance(countries, list) or not countries:
        return ""
    codes = ", ".join(str(code).upper() for code in countries)
    if len(countries) == 1:
        return f"Services in one country are known to be affected so far: {codes}."
    return f"Services in {len(countries)} countries may be affected: {codes}."


def _indicators(source: _CaseText) -> str:
    rows, total = _bounded(source.case.indicators.order_by("type", "value"))
    return _capped([f"{row.type}: {row.value}" for row in rows], total, more=" (see the case)")


def _measures_taken(source: _CaseText) -> str:
    approved = [ActionState.APPROVED, ActionState.DONE]
    actions, action_total = _bounded(
        source.case.actions.filter(state__in=approved).order_by("requested_at", "id")
    )
    down = [AssetState.ISOLATED, AssetState.OFFLINE]
    assets, asset_total = _bounded(source.case.assets.filter(state__in=down).order_by("name"))
    lines = [_action_line(action) for action in actions]
    lines += [f"{asset.name} {AssetState(asset.state).label.lower()}" for asset in assets]
    return _capped(lines, action_total + asset_total, more=" (see the case)")


def _action_line(action: Action) -> str:
    done = "done" if action.state == ActionState.DONE else "approved, in progress"
    outcome = f": {action.outcome}" if action.outcome else ""
    return f"{action.get_kind_display()}: {action.description} ({done}{outcome})"


def _bounded(rows: QuerySet[_Row]) -> tuple[list[_Row], int]:
    """At most LIST_CAP of ROWS and how many there are; the count only when over the cap."""
    listed = list(rows[:LIST_CAP])
    return listed, rows.count() if len(listed) == LIST_CAP else len(listed)


def _severity_impact(source: _CaseText) -> str:
    parts = [f"Severity {source.case.get_severity_display()}."]
    components, customers = source.impact_lines
    if components:
        parts.append(f"Services affected ({len(components)}):\n{_capped(components)}")
    if customers:
        parts.append(f"Customers using them ({len(customers)}):\n{_capped(customers)}")
    return "\n".join(parts)


def _services_affected(source: _CaseText) -> str:
    components, _customers = source.impact_lines
    return _capped(components)


def _contact(source: _CaseText) -> str:
    commander = source.case.commander
    if commander is None:
        return ""
    name = commander.get_full_name() or commander.get_username()
    email = f" <{commander.email}>" if commander.email else ""
    return f"{name}{email}, incident commander"


def _ongoing(source: _CaseText) -> str:
    phase = Phase(source.case.phase)
    if phase in NOT_ONGOING:
        return f"No: the case is in phase {phase.label}."
    return f"Yes: the incident is ongoing (phase {phase.label})."


WRITERS: dict[str, Callable[[_CaseText], str]] = {
    "nature": _nature,
    "detected_at": _detected_at,
    "aware_at": _aware_at,
    "suspected_malicious": _suspected_malicious,
    "cross_border": _cross_border,
    "indicators": _indicators,
    "measures_taken": _measures_taken,
    "severity_impact": _severity_impact,
    "services_affected": _services_affected,
    "contact": _contact,
    "ongoing": _ongoing,
}
