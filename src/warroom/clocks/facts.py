"""The facts that start regulatory clocks: the FACTS.json schema (docs/clocks.md).

Every key is optional: an absent key, or JSON null, means "not known yet", and a clock that
starts from that fact has not started. Times must carry a UTC offset (`Z` or `+01:00`); a
time without one is an error, because guessing the zone would move a legal deadline. Unknown
keys are errors too, so a misspelt key cannot silently leave a clock unstarted.

    {"aware_at": "2025-08-12T10:00:00Z", "entity": ["telecom_provider"],
     "countries": ["GB", "DE", "FR"], "personal_data_breach_at": null,
     "submissions": {"eu_nis2.early_warning:DE": "2025-08-13T08:00:00Z"}}

Errors: `FactsError`, a ValueError whose message names the file and the field, one line per
problem, e.g. `case.json: aware_at: a time needs a UTC offset, e.g. 2025-08-12T10:00:00Z`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

__all__ = [
    "ENTITY_TYPES",
    "FACT_KINDS",
    "FACT_LABELS",
    "FACT_NAMES",
    "Facts",
    "FactsError",
    "format_time",
    "load_facts",
    "parse_facts",
]

ENTITY_TYPES = (
    "telecom_provider",
    "essential_entity",
    "important_entity",
    "financial_entity",
    "sec_registrant",
    "us_critical_infrastructure",
)

# Questionnaire order. The last three are warroom's additions to the shared contract.
FACT_LABELS: dict[str, str] = {
    "aware_at": "When did you become aware of the incident (of a significant incident, for NIS2)?",
    "entity": "What kind of entity are you?",
    "countries": "Which countries do you serve (ISO codes, e.g. GB, DE, FR)?",
    "personal_data_breach_at": "When did you become aware that personal data were breached?",
    "telecom_personal_data": (
        "Were personal data processed in connection with the public electronic communications "
        "service breached (subscriber, traffic or location data)?"
    ),
    "other_personal_data": (
        "Were other personal data breached as well (HR, CRM, contracts, business-support systems)?"
    ),
    "high_risk_to_individuals": (
        "Is the personal data breach likely to result in a high risk to the people concerned?"
    ),
    "financial_entity_customers": "Do financial entities (banks, insurers) use your services?",
    "major_ict_incident_classified_at": (
        "When did you classify the incident as a major ICT-related incident under DORA?"
    ),
    "materiality_determined_at": "When did you determine that the incident is material (SEC)?",
    "ransom_paid_at": "When was a ransom paid (by you or on your behalf)?",
    "nis2_intermediate_requested_at": (
        "When did a CSIRT or competent authority ask for an intermediate report (NIS2)?"
    ),
}

FACT_NAMES: tuple[str, ...] = tuple(FACT_LABELS)

_SPECIAL_KINDS = {"entity": "entities", "countries": "countries"}
FACT_KINDS: dict[str, str] = {
    name: _SPECIAL_KINDS.get(name, "datetime" if name.endswith("_at") else "bool")
    for name in FACT_NAMES
}

_COUNTRY = re.compile(r"[A-Z]{2}")
_KEY = re.compile(r"[a-z0-9_]+\.[a-z0-9_]+(:[A-Z]{2})?")


class FactsError(ValueError):
    """FACTS.json (or a recorded fact) that cannot be read; the message names file and field."""


def _time(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not an ISO 8601 time: {value!r}") from None
    if not isinstance(value, datetime):
        raise ValueError(f"expected an ISO 8601 time as a string, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a time needs a UTC offset, e.g. 2025-08-12T10:00:00Z")
    return value.astimezone(UTC)


def _entities(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple | set | frozenset):
        raise ValueError("expected an entity type or a list of them")
    for item in items:
        if item not in ENTITY_TYPES:
            raise ValueError(f"unknown entity type {item!r}; one of {', '.join(ENTITY_TYPES)}")
    return frozenset(items)


def _countries(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise ValueError('expected a list of ISO 3166-1 alpha-2 codes, e.g. ["GB", "DE"]')
    codes: list[str] = []
    for item in value:
        code = item.upper() if isinstance(item, str) else item
        if code == "UK":
            raise ValueError("the ISO code of the United Kingdom is GB, not UK")
        if not isinstance(code, str) or not _COUNTRY.fullmatch(code):
            raise ValueError(f"not an ISO 3166-1 alpha-2 code: {item!r}")
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _flag(value: Any) -> bool:
    # JSON gives booleans their type; "yes" or 1 must not quietly become True.
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _submissions(value: Any) -> dict[str, datetime]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError("expected an object of obligation key -> time submitted")
    result: dict[str, datetime] = {}
    for key, when in value.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(
                f"not an obligation key: {key!r} (e.g. eu_gdpr.art33 or eu_nis2.notification:DE)"
            )
        try:
            result[key] = _time(when)
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from None
    return result


Time = Annotated[datetime | None, BeforeValidator(lambda v: None if v is None else _time(v))]
Flag = Annotated[bool | None, BeforeValidator(lambda v: None if v is None else _flag(v))]


class Facts(BaseModel):
    """What is known about the incident; None (or empty) means not known yet. Times in UTC."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    aware_at: Time = None
    entity: Annotated[frozenset[str], BeforeValidator(_entities)] = frozenset()
    countries: Annotated[tuple[str, ...], BeforeValidator(_countries)] = ()
    personal_data_breach_at: Time = None
    telecom_personal_data: Flag = None
    other_personal_data: Flag = None
    high_risk_to_individuals: Flag = None
    financial_entity_customers: Flag = None
    major_ict_incident_classified_at: Time = None
    materiality_determined_at: Time = None
    ransom_paid_at: Time = None
    nis2_intermediate_requested_at: Time = None
    submissions: Annotated[dict[str, datetime], BeforeValidator(_submissions)] = {}

    def value(self, name: str) -> Any:
        """The fact NAME (a key of FACT_NAMES), as stored here."""
        if name not in FACT_LABELS:
            raise KeyError(name)
        return getattr(self, name)

    def as_json(self) -> dict[str, Any]:
        """The FACTS.json form: known facts only, times as ISO 8601 UTC with `Z`."""
        data: dict[str, Any] = {}
        for name in FACT_NAMES:
            data[name] = _json_value(getattr(self, name))
        data = {k: v for k, v in data.items() if v not in (None, [], ())}
        if self.submissions:
            data["submissions"] = {k: format_time(v) for k, v in sorted(self.submissions.items())}
        return data


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, frozenset):
        return [e for e in ENTITY_TYPES if e in value]
    if isinstance(value, tuple):
        return list(value)
    return value


def format_time(value: datetime) -> str:
    """ISO 8601 in UTC with a `Z`: 2025-08-13T09:00:00Z."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_facts(data: Any, *, source: str = "FACTS.json") -> Facts:
    """Validate DATA (parsed JSON); FactsError naming SOURCE and each bad field."""
    if not isinstance(data, Mapping):
        raise FactsError(f"{source}: expected a JSON object of facts")
    try:
        return Facts.model_validate(dict(data))
    except ValidationError as exc:
        raise FactsError("\n".join(_problem(source, e) for e in exc.errors())) from None


def _problem(source: str, error: Any) -> str:
    field = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"{source}: {field}: unknown fact; known are {', '.join(FACT_NAMES)}, submissions"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{source}: {field}: {message}"


def load_facts(path: Path) -> Facts:
    """Read and validate the FACTS.json file at PATH; FactsError naming the file."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FactsError(f"{name}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise FactsError(f"{name}: not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FactsError(
            f"{name}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    return parse_facts(data, source=name)
