"""From facts to obligations: which clocks the facts start, and when each is due.

For every regime (every id among the files in `regimes/`):

1. The regime's trigger fact (e.g. `personal_data_breach_at` for UK PECR) selects the version
   in force at that instant, in the regime's time zone; an unknown trigger starts nothing.
2. The regime applies if its `when` holds and its `unless` does not, and, where it needs a
   country, the facts list at least one country of its jurisdiction.
3. Each step that applies yields one obligation, or one per served country of the
   jurisdiction where the step is per country (the NIS2 CSIRT of each Member State). A step
   starts at its fact's time, or at the submission of an earlier step for the same country;
   until that is known the obligation is not listed.

Pure: no Django, no clock. Every instant is UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from warroom.clocks.facts import Facts, format_time
from warroom.clocks.regimes import JURISDICTIONS, Regime, Step, all_regimes, regime_for
from warroom.clocks.rules import Hours, compute_due

__all__ = ["Obligation", "explain", "obligation_key"]

_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Obligation:
    """One notification the facts require: a step of a regime, to one recipient."""

    key: str
    regime: str
    version: str
    step: str
    title: str
    recipient: str
    basis: str
    starts_at: datetime | None
    due_at: datetime | None
    notes: tuple[str, ...]
    country: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The object `warroom clocks explain` prints."""
        return {
            "key": self.key,
            "regime": self.regime,
            "version": self.version,
            "step": self.step,
            "title": self.title,
            "recipient": self.recipient,
            "basis": self.basis,
            "starts_at": None if self.starts_at is None else format_time(self.starts_at),
            "due_at": None if self.due_at is None else format_time(self.due_at),
            "notes": list(self.notes),
        }


def obligation_key(regime_id: str, step_id: str, country: str | None = None) -> str:
    """The stable key: "eu_gdpr.art33", or "eu_nis2.early_warning:DE" per country."""
    key = f"{regime_id}.{step_id}"
    return key if country is None else f"{key}:{country}"


def explain(facts: Facts) -> list[Obligation]:
    """Every obligation the facts have started, soonest deadline first (no deadline last)."""
    found: list[Obligation] = []
    for regime_id in sorted({r.id for r in all_regimes()}):
        found.extend(_regime_obligations(regime_id, facts))
    return sorted(found, key=lambda o: (o.due_at or _FAR_FUTURE, o.due_at is None, o.key))


def _regime_obligations(regime_id: str, facts: Facts) -> list[Obligation]:
    versions = [r for r in all_regimes() if r.id == regime_id]
    instant = facts.value(versions[0].trigger)
    if instant is None:
        return []
    try:
        regime = regime_for(regime_id, instant)
    except LookupError:
        return []
    if not regime.when.holds(facts) or (not regime.unless.empty and regime.unless.holds(facts)):
        return []
    served = [c for c in facts.countries if c in JURISDICTIONS[regime.jurisdiction]]
    if regime.needs_country and not served:
        return []
    found = []
    for step in regime.steps:
        if not step.when.holds(facts) or (not step.unless.empty and step.unless.holds(facts)):
            continue
        targets: list[str | None] = [*served] if step.per_country else [None]
        for country in targets:
            obligation = _obligation(regime, step, country, facts)
            if obligation is not None:
                found.append(obligation)
    return found


def _start(regime: Regime, step: Step, country: str | None, facts: Facts) -> datetime | None:
    if step.start_fact is not None:
        value: datetime | None = facts.value(step.start_fact)
        return value
    assert step.start_after is not None
    return facts.submissions.get(obligation_key(regime.id, step.start_after, country))


def _obligation(regime: Regime, step: Step, country: str | None, facts: Facts) -> Obligation | None:
    starts_at = _start(regime, step, country, facts)
    if starts_at is None:
        return None
    cap = step.deadline.cap if isinstance(step.deadline, Hours) else None
    cap_from = None if cap is None else facts.value(cap.fact)
    due = compute_due(step.deadline, starts_at, ZoneInfo(regime.timezone), cap_from=cap_from)
    return Obligation(
        key=obligation_key(regime.id, step.id, country),
        regime=regime.id,
        version=regime.version,
        step=step.id,
        title=f"{regime.title}: {step.title}",
        recipient=step.recipient_for(country, JURISDICTIONS[regime.jurisdiction]),
        basis=step.basis,
        starts_at=starts_at,
        due_at=due.at,
        notes=_notes(regime, step, due.notes),
        country=country,
    )


def _notes(regime: Regime, step: Step, computed: tuple[str, ...]) -> tuple[str, ...]:
    status: tuple[str, ...] = ()
    if regime.status == "proposed":
        status = ("Proposed rule, not in force: shown for planning only.",)
    version = (f"Rules as in force from {regime.version} ({regime.file}).",)
    return status + computed + step.notes + regime.notes + version
