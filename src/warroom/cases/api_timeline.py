"""JSON API of a case's timeline: /api/cases/{ref}/timeline.

A timeline can hold hundreds of thousands of events imported from a hunt, so pages are cut
with a keyset cursor (the last event's time and id) over the `timeline_order` index: each page
costs the same however deep it is, and there is no COUNT(*).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router

from warroom.accounts.access import Need, get_case_for_user
from warroom.accounts.auth import api_user
from warroom.cases import actions
from warroom.cases.choices import EventKind, EventSource
from warroom.cases.models import TimelineEvent, TimelineEventEdit
from warroom.cases.schemas import (
    EventEditOut,
    EventFilters,
    EventIn,
    EventOut,
    EventPage,
    EventPatch,
    invalid,
)

router = Router(tags=["timeline"])


@router.get("/{ref}/timeline", response=EventPage)
def list_events(request: HttpRequest, ref: str, filters: Query[EventFilters]) -> dict[str, object]:
    """Events newest first, `limit` at a time; follow `next_cursor` for older ones."""
    case, _role = get_case_for_user(api_user(request), ref, Need.READ)
    events = case.events.newest_first().select_related("actor")
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.cursor:
        occurred_at, last_id = _decode_cursor(filters.cursor)
        # The first condition bounds the index range; the second breaks ties on time.
        events = events.filter(occurred_at__lte=occurred_at).filter(
            Q(occurred_at__lt=occurred_at) | Q(id__lt=last_id)
        )
    page = list(events[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    next_cursor = _encode_cursor(page[-1]) if more else None
    return {"items": page, "next_cursor": next_cursor}


@router.post("/{ref}/timeline", response={201: EventOut})
def add_event(request: HttpRequest, ref: str, payload: EventIn) -> TimelineEvent:
    """Record something that happened or was done."""
    user = api_user(request)
    case, _role = get_case_for_user(user, ref, Need.WRITE)
    _check_kind(payload.kind)
    return actions.record_event(
        case, user, payload.kind, payload.text, occurred_at=payload.occurred_at, now=timezone.now()
    )


@router.patch("/{ref}/timeline/{event_id}", response=EventOut)
def update_event(
    request: HttpRequest, ref: str, event_id: int, payload: EventPatch
) -> TimelineEvent:
    """Correct an event a person recorded: only its author or the commander may."""
    user = api_user(request)
    case, role = get_case_for_user(user, ref, Need.WRITE)
    event = get_object_or_404(case.events.select_related("actor"), pk=event_id)
    if event.source != EventSource.PERSON or event.kind == EventKind.STATUS_CHANGE:
        raise PermissionDenied("Only events recorded by a person can be edited")
    if event.actor_id != user.pk and not role.can_command:
        raise PermissionDenied("Only the author or the incident commander may edit this event")
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "kind" in changes:
        _check_kind(changes["kind"])
    return actions.edit_event(event, user, changes, now=timezone.now())


@router.get("/{ref}/timeline/{event_id}/edits", response=list[EventEditOut])
def list_event_edits(request: HttpRequest, ref: str, event_id: int) -> list[TimelineEventEdit]:
    """Every correction of an event, oldest first: who, when, each field before and after."""
    case, _role = get_case_for_user(api_user(request), ref, Need.READ)
    event = get_object_or_404(case.events, pk=event_id)
    return list(event.edits.select_related("editor"))


def _check_kind(kind: EventKind) -> None:
    if kind == EventKind.STATUS_CHANGE:
        invalid("kind", "status changes are written by warroom when the case or an asset changes")


def _encode_cursor(event: TimelineEvent) -> str:
    raw = f"{event.occurred_at.isoformat()}|{event.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, _bar, pk = raw.partition("|")
        occurred_at, last_id = datetime.fromisoformat(when), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        _bad_cursor()
    if occurred_at.tzinfo is None:
        _bad_cursor()
    return occurred_at, last_id


def _bad_cursor() -> NoReturn:
    invalid(
        "cursor", "not a cursor from this API: pass next_cursor back as it came", source="query"
    )
