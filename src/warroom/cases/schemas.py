"""Shapes of the case API: what callers send (`...In`, `...Patch`) and get back (`...Out`).

Every state is typed with its enum, so an unknown value ("done", "SEV9", "gossip") is a 422
naming the field and listing the allowed values. Every time must carry a UTC offset: a naive
time is rejected (422 naming the field) rather than guessed, because a wrong hour on an
incident timeline can move a regulator's deadline.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, NoReturn

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Schema
from ninja.errors import ValidationError
from pydantic import AfterValidator, AwareDatetime, IPvAnyAddress, StringConstraints

from warroom.cases.choices import (
    AssetState,
    EventKind,
    EventSource,
    Phase,
    Severity,
    Tlp,
)
from warroom.intel import IndicatorType

Line200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Line255 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Line300 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Line1024 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1024)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
When = Annotated[
    AwareDatetime,
    AfterValidator(lambda when: when.astimezone(UTC)),
    Field(description="ISO 8601 with a UTC offset, e.g. 2025-08-12T06:30:00Z; stored in UTC."),
]


def invalid(field: str, message: str, *, source: str = "body") -> NoReturn:
    """Answer 422 naming FIELD of the request body (or query), in ninja's own shape."""
    loc = ["body", "payload", field] if source == "body" else [source, field]
    raise ValidationError([{"type": "value_error", "loc": loc, "msg": message}])


def invalid_model(error: DjangoValidationError) -> NoReturn:
    """Answer 422 for a model's `clean()` errors, one entry per field."""
    errors = [
        {"type": "value_error", "loc": ["body", "payload", field], "msg": " ".join(messages)}
        for field, messages in error.message_dict.items()
    ]
    raise ValidationError(errors)


def username(user: Any) -> str | None:
    """The username of USER, or None (the user may have been deleted)."""
    return user.get_username() if user is not None else None


class Error(Schema):
    """Every error other than a 422: a sentence saying what went wrong."""

    detail: str


class CaseOut(Schema):
    reference: str
    title: str
    summary: str
    severity: Severity
    phase: Phase
    detected_at: datetime
    aware_at: datetime | None
    commander: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_commander(obj: Any) -> str | None:
        return username(obj.commander)


class CaseIn(Schema):
    title: Line200
    severity: Severity = Severity.SEV2
    detected_at: When
    aware_at: When | None = Field(None, description="When the organisation became aware.")
    summary: str = ""


class CasePatch(Schema):
    """Title, summary and awareness time need write access; phase and severity need the
    commander, and write a timeline event (with `note` appended when given)."""

    title: Line200 | None = None
    summary: str | None = None
    aware_at: When | None = None
    phase: Phase | None = None
    severity: Severity | None = None
    note: str = ""


class CaseFilters(Schema):
    phase: Phase | None = None
    severity: Severity | None = None


class EventOut(Schema):
    id: int
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None
    kind: EventKind
    text: str
    source: EventSource
    asset_id: int | None
    indicator_id: int | None
    evidence_id: int | None
    edited_at: datetime | None = Field(
        None, description="When it was last corrected; its edits list the old values."
    )

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return username(obj.actor)


class EventEditOut(Schema):
    edited_at: datetime
    editor: str | None
    before: dict[str, str]
    after: dict[str, str]

    @staticmethod
    def resolve_editor(obj: Any) -> str | None:
        return username(obj.editor)


class EventPage(Schema):
    """One page of the timeline, newest first; pass `next_cursor` back to get the next."""

    items: list[EventOut]
    next_cursor: str | None


class EventIn(Schema):
    """An event recorded by a person. Status changes are written by warroom itself."""

    kind: EventKind
    text: Text
    occurred_at: When


class EventPatch(Schema):
    kind: EventKind | None = None
    text: Text | None = None
    occurred_at: When | None = None


class EventFilters(Schema):
    kind: EventKind | None = None
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = Field(None, description="next_cursor of the previous page.")


class AssetOut(Schema):
    id: int
    name: str
    hostname: str
    ip_addresses: list[str]
    role: str
    internet_facing: bool
    state: AssetState


class AssetIn(Schema):
    name: Line200
    hostname: str = Field("", max_length=253)
    ip_addresses: list[IPvAnyAddress] = []
    role: str = Field("", max_length=200)
    internet_facing: bool = False
    state: AssetState = AssetState.ONLINE


class AssetPatch(Schema):
    """A change of `state` needs a `reason`, kept with the change and put on the timeline."""

    name: Line200 | None = None
    hostname: str | None = Field(None, max_length=253)
    ip_addresses: list[IPvAnyAddress] | None = None
    role: str | None = Field(None, max_length=200)
    internet_facing: bool | None = None
    state: AssetState | None = None
    reason: str = ""


class IndicatorOut(Schema):
    id: int
    type: IndicatorType
    value: str
    first_seen: datetime | None
    last_seen: datetime | None
    confidence: int
    source: str
    tlp: Tlp
    added_by: str | None
    added_at: datetime

    @staticmethod
    def resolve_added_by(obj: Any) -> str | None:
        return username(obj.added_by)


class IndicatorIn(Schema):
    """`value` is checked and normalised for its `type` (defanged forms are accepted)."""

    type: IndicatorType
    value: Annotated[str, StringConstraints(min_length=1, max_length=2048)]
    first_seen: When | None = None
    last_seen: When | None = None
    confidence: int = Field(50, ge=0, le=100)
    source: str = Field("", max_length=200)
    tlp: Tlp = Tlp.AMBER


class IndicatorPatch(Schema):
    type: IndicatorType | None = None
    value: Annotated[str, StringConstraints(min_length=1, max_length=2048)] | None = None
    first_seen: When | None = None
    last_seen: When | None = None
    confidence: int | None = Field(None, ge=0, le=100)
    source: str | None = Field(None, max_length=200)
    tlp: Tlp | None = None


def _sha256(value: str) -> str:
    digest = value.strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("a SHA-256 digest is 64 hexadecimal digits")
    return digest


Sha256 = Annotated[str, AfterValidator(_sha256)]


class EvidenceOut(Schema):
    id: int
    name: str
    description: str
    location: str
    uploaded: bool
    sha256: str
    size: int | None
    acquired_by: str
    acquired_at: datetime
    acquired_from: str
    added_by: str | None
    added_at: datetime

    @staticmethod
    def resolve_uploaded(obj: Any) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_added_by(obj: Any) -> str | None:
        return username(obj.added_by)


class EvidenceIn(Schema):
    """Evidence kept elsewhere (`location`: a path, share or vault reference); files are
    uploaded through the web UI. The chain of custody starts when it is added."""

    name: Line255
    description: str = ""
    location: Line1024
    sha256: Sha256 | None = None
    size: int | None = Field(None, ge=0, description="Bytes.")
    acquired_by: Line200
    acquired_at: When
    acquired_from: Line255


class EvidencePatch(Schema):
    """A new `location` is logged as a transfer. A hash can be added once, never changed;
    how it was acquired cannot be edited (the custody log has recorded it)."""

    name: Line255 | None = None
    description: str | None = None
    location: Line1024 | None = None
    sha256: Sha256 | None = None
    size: int | None = Field(None, ge=0)
