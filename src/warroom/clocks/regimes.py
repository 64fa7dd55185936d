"""Regimes as data: one YAML file per version of a law's notification rules.

`src/warroom/clocks/regimes/<id>.<effective_from>.yaml` (docs/clocks.md, "Regime files"):
the regime's trigger fact, who it applies to, and its steps, each with the fact or earlier
submission that starts it, its deadline rule (`rules.py`), recipient, legal basis, content
fields in the regulator's order and notes. A change in law is a new file with a later
`effective_from`; the older file gets an `effective_to` (the last day it applied).

Errors: `RegimeError`, a ValueError naming the file and the field path, e.g.
`eu_nis2.2024-10-18.yaml: steps[1].deadline.hours: input should be greater than 0`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import ValidationError

from warroom.clocks.facts import Facts
from warroom.clocks.rules import Deadline

__all__ = [
    "EU_MEMBER_STATES",
    "JURISDICTIONS",
    "Condition",
    "ContentField",
    "Regime",
    "RegimeError",
    "Step",
    "all_regimes",
    "find_step",
    "load_regimes",
    "regime_for",
]

EU_MEMBER_STATES: dict[str, str] = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CY": "Cyprus", "CZ": "Czechia",
    "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "ES": "Spain", "FI": "Finland",
    "FR": "France", "GR": "Greece", "HR": "Croatia", "HU": "Hungary", "IE": "Ireland",
    "IT": "Italy", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta",
    "NL": "Netherlands", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SE": "Sweden",
    "SI": "Slovenia", "SK": "Slovakia",
}  # fmt: skip

# The countries whose service makes a regime of that jurisdiction apply.
JURISDICTIONS: dict[str, dict[str, str]] = {
    "EU": EU_MEMBER_STATES,
    "GB": {"GB": "the United Kingdom"},
    "US": {"US": "the United States"},
}


class RegimeError(ValueError):
    """A regime file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class ContentField:
    """One thing the regulator asks for; ID is canonical where the meaning matches."""

    id: str
    label: str
    help: str


@dataclass(frozen=True)
class Condition:
    """Facts that must all hold. ENTITY: any of these types; FLAGS: fact name -> value."""

    entity: frozenset[str] = frozenset()
    flags: tuple[tuple[str, bool], ...] = ()

    def holds(self, facts: Facts) -> bool:
        """True if every part holds; an unknown flag holds for neither true nor false."""
        if self.entity and not self.entity & facts.entity:
            return False
        return all(facts.value(name) is value for name, value in self.flags)

    @property
    def empty(self) -> bool:
        return not self.entity and not self.flags


@dataclass(frozen=True)
class Step:
    """One notification: what starts it, when it is due, to whom, with what."""

    id: str
    title: str
    recipient: str  # may contain {country} and {country_name} where per_country
    basis: str
    contents: tuple[ContentField, ...]
    start_fact: str | None  # the fact whose time starts the clock, or
    start_after: str | None  # the step (same country) whose submission starts it
    deadline: Deadline
    per_country: bool
    recipients: dict[str, str]  # country code -> recipient, where the law names one
    when: Condition
    unless: Condition
    notes: tuple[str, ...]

    def recipient_for(self, country: str | None, names: dict[str, str]) -> str:
        """The recipient in COUNTRY (None: the step is not per country)."""
        if country is None:
            return self.recipient
        template = self.recipients.get(country, self.recipient)
        return template.format(country=country, country_name=names.get(country, country))


@dataclass(frozen=True)
class Regime:
    """One version of one law's notification rules."""

    id: str
    title: str
    version: str  # effective_from as an ISO date
    effective_from: date
    effective_to: date | None  # the last day this version applies; None: still applies
    jurisdiction: str
    timezone: str
    status: str  # "in_force" | "proposed"
    trigger: str  # the fact whose time selects the version
    needs_country: bool
    when: Condition
    unless: Condition
    steps: tuple[Step, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]
    file: str

    def in_force_on(self, day: date) -> bool:
        """True if this version applies on DAY (a date in the regime's time zone)."""
        ends = self.effective_to is None or day <= self.effective_to
        return self.effective_from <= day and ends


def _read(path: Path, name: str) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegimeError(f"{name}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise RegimeError(f"{name}: not valid YAML{where}") from None


def _where(loc: Iterable[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.removeprefix(".") or "(top level)"


def load_regime_file(path: Path) -> Regime:
    """Read and validate one regime file; RegimeError naming the file and the field."""
    # The schema module builds this module's dataclasses, so it is imported here.
    from warroom.clocks import _schema

    name = path.name
    data = _read(path, name)
    if not isinstance(data, dict):
        raise RegimeError(f"{name}: expected a mapping with id, title, steps, ...")
    try:
        spec = _schema.RegimeSpec.model_validate(data)
    except ValidationError as exc:
        problems = [f"{name}: {_where(e['loc'])}: {_say(e)}" for e in exc.errors()]
        raise RegimeError("\n".join(problems)) from None
    expected = f"{spec.id}.{spec.effective_from.isoformat()}.yaml"
    if name != expected:
        raise RegimeError(f"{name}: id/effective_from: the file must be named {expected}")
    return _schema.build(spec, name)


def load_regimes(files: Iterable[Path]) -> tuple[Regime, ...]:
    """Every regime in FILES, checked together: versions of one id may not overlap."""
    regimes = sorted((load_regime_file(p) for p in files), key=lambda r: (r.id, r.version))
    for before, after in pairwise(regimes):
        if before.id != after.id:
            continue
        if before.trigger != after.trigger:
            raise RegimeError(f"{after.file}: trigger: differs from {before.file}")
        if before.effective_to is None or before.effective_to >= after.effective_from:
            raise RegimeError(
                f"{before.file}: effective_to: must end before {after.file} starts "
                f"({after.effective_from})"
            )
    return tuple(regimes)


@cache
def all_regimes() -> tuple[Regime, ...]:
    """Every version of every regime shipped in the package, validated once."""
    folder = resources.files("warroom.clocks").joinpath("regimes")
    files = sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".yaml"))
    return load_regimes(files)


def regime_for(regime_id: str, on: datetime) -> Regime:
    """The version of REGIME_ID in force at the instant ON; LookupError if none."""
    versions = [r for r in all_regimes() if r.id == regime_id]
    if not versions:
        raise LookupError(f"no regime {regime_id!r}")
    for regime in versions:
        if regime.in_force_on(on.astimezone(ZoneInfo(regime.timezone)).date()):
            return regime
    raise LookupError(f"no version of {regime_id} in force on {on.isoformat()}")


def find_step(regime_id: str, version: str, step_id: str) -> Step:
    """The step STEP_ID of that regime version; KeyError if there is none."""
    for regime in all_regimes():
        if regime.id == regime_id and regime.version == version:
            for step in regime.steps:
                if step.id == step_id:
                    return step
    raise KeyError(f"{regime_id} {version} {step_id}")


def _say(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] == "missing":
        return "required"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]
