"""The schema of a regime file (pydantic), and its conversion to `regimes.Regime`.

Checks the schema cannot express (step references, fact kinds, calendars, time zones) raise
RegimeError with the file and field path, like schema errors.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from warroom.clocks.facts import FACT_KINDS
from warroom.clocks.regimes import Condition, ContentField, Regime, RegimeError, Step
from warroom.clocks.rules import (
    BusinessDays,
    Cap,
    Deadline,
    Hours,
    Months,
    NoFixedTime,
    holiday_calendar,
)

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Positive = Annotated[int, Field(gt=0)]
EntityType = Literal[
    "telecom_provider",
    "essential_entity",
    "important_entity",
    "financial_entity",
    "sec_registrant",
    "us_critical_infrastructure",
]


class _Spec(BaseModel):
    # Strict: YAML already types booleans and numbers, so "24" or "yes" is a mistake.
    model_config = ConfigDict(extra="forbid", strict=True)


class ConditionSpec(_Spec):
    entity: list[EntityType] = []
    telecom_personal_data: bool | None = None
    other_personal_data: bool | None = None
    high_risk_to_individuals: bool | None = None
    financial_entity_customers: bool | None = None


class CapSpec(_Spec):
    fact: str
    hours: Positive


class DeadlineSpec(_Spec):
    hours: Positive | None = None
    cap: CapSpec | None = None
    business_days: Positive | None = None
    calendar: str | None = None
    months: Positive | None = None
    none: Text | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> DeadlineSpec:
        kinds = [k for k in ("hours", "business_days", "months", "none") if getattr(self, k)]
        if len(kinds) != 1:
            raise ValueError("give exactly one of hours, business_days, months, none")
        if (self.calendar is None) != (self.business_days is None):
            raise ValueError("calendar goes with business_days, and only with it")
        if self.cap is not None and self.hours is None:
            raise ValueError("cap goes with hours only")
        return self


class StartSpec(_Spec):
    fact: str | None = None
    after: Ident | None = None

    @model_validator(mode="after")
    def _one(self) -> StartSpec:
        if (self.fact is None) == (self.after is None):
            raise ValueError("give exactly one of fact (a time fact) or after (a step id)")
        return self


class ContentSpec(_Spec):
    id: Ident
    label: Text
    help: str = ""


class StepSpec(_Spec):
    id: Ident
    title: Text
    start: StartSpec
    deadline: DeadlineSpec
    recipient: Text
    recipients: dict[Country, Text] = {}
    per_country: bool = False
    basis: Text
    when: ConditionSpec = ConditionSpec()
    unless: ConditionSpec = ConditionSpec()
    contents: list[ContentSpec] = Field(min_length=1)
    notes: list[Text] = []


class RegimeSpec(_Spec):
    id: Ident
    title: Text
    effective_from: date
    effective_to: date | None = None
    status: Literal["in_force", "proposed"]
    jurisdiction: Literal["EU", "GB", "US"]
    timezone: str
    trigger: str
    needs_country: bool = True
    when: ConditionSpec = ConditionSpec()
    unless: ConditionSpec = ConditionSpec()
    sources: list[Text] = Field(min_length=1)
    notes: list[Text] = []
    steps: list[StepSpec] = Field(min_length=1)


def _fail(file: str, where: str, message: str) -> NoReturn:
    raise RegimeError(f"{file}: {where}: {message}")


def _time_fact(file: str, where: str, name: str) -> None:
    if FACT_KINDS.get(name) != "datetime":
        times = ", ".join(n for n, kind in FACT_KINDS.items() if kind == "datetime")
        _fail(file, where, f"{name!r} is not a time fact; one of {times}")


def _condition(spec: ConditionSpec) -> Condition:
    flags = [
        (name, value)
        for name, value in spec.model_dump(exclude={"entity"}).items()
        if value is not None
    ]
    return Condition(frozenset(spec.entity), tuple(flags))


def _deadline(file: str, where: str, spec: DeadlineSpec) -> Deadline:
    if spec.hours is not None:
        cap = None
        if spec.cap is not None:
            _time_fact(file, f"{where}.cap.fact", spec.cap.fact)
            cap = Cap(spec.cap.fact, spec.cap.hours)
        return Hours(spec.hours, cap)
    if spec.business_days is not None and spec.calendar is not None:
        try:
            holiday_calendar(spec.calendar)
        except NotImplementedError:
            _fail(file, f"{where}.calendar", f"no holiday calendar {spec.calendar!r}")
        return BusinessDays(spec.business_days, spec.calendar)
    if spec.months is not None:
        return Months(spec.months)
    return NoFixedTime(spec.none or "")


def _step(file: str, index: int, spec: StepSpec, earlier: set[str], regime: RegimeSpec) -> Step:
    where = f"steps[{index}]"
    if spec.id in earlier:
        _fail(file, f"{where}.id", f"step {spec.id!r} appears twice")
    if spec.start.fact is not None:
        _time_fact(file, f"{where}.start.fact", spec.start.fact)
    if spec.start.after is not None and spec.start.after not in earlier:
        _fail(file, f"{where}.start.after", f"no earlier step {spec.start.after!r}")
    if spec.per_country and not regime.needs_country:
        _fail(file, f"{where}.per_country", "needs needs_country: true on the regime")
    ids = [c.id for c in spec.contents]
    for position, content_id in enumerate(ids):
        if content_id in ids[:position]:
            _fail(file, f"{where}.contents[{position}].id", f"{content_id!r} appears twice")
    return Step(
        id=spec.id,
        title=spec.title,
        recipient=spec.recipient,
        basis=spec.basis,
        contents=tuple(ContentField(c.id, c.label, c.help) for c in spec.contents),
        start_fact=spec.start.fact,
        start_after=spec.start.after,
        deadline=_deadline(file, f"{where}.deadline", spec.deadline),
        per_country=spec.per_country,
        recipients=dict(spec.recipients),
        when=_condition(spec.when),
        unless=_condition(spec.unless),
        notes=tuple(spec.notes),
    )


def build(spec: RegimeSpec, file: str) -> Regime:
    """The Regime SPEC describes, after the checks the schema cannot make."""
    if spec.effective_to is not None and spec.effective_to < spec.effective_from:
        _fail(file, "effective_to", "before effective_from")
    try:
        ZoneInfo(spec.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        _fail(file, "timezone", f"unknown time zone {spec.timezone!r}")
    _time_fact(file, "trigger", spec.trigger)
    steps: list[Step] = []
    for index, step in enumerate(spec.steps):
        steps.append(_step(file, index, step, {s.id for s in steps}, spec))
    return Regime(
        id=spec.id,
        title=spec.title,
        version=spec.effective_from.isoformat(),
        effective_from=spec.effective_from,
        effective_to=spec.effective_to,
        jurisdiction=spec.jurisdiction,
        timezone=spec.timezone,
        status=spec.status,
        trigger=spec.trigger,
        needs_country=spec.needs_country,
        when=_condition(spec.when),
        unless=_condition(spec.unless),
        steps=tuple(steps),
        notes=tuple(spec.notes),
        sources=tuple(spec.sources),
        file=file,
    )
