"""JSON API of the case itself: /api/cases and /api/cases/{ref}.

The routes of things inside a case live beside this module, one per resource
(`api_timeline.py`, `api_assets.py`, ...). Every route gets its case from
`get_case_for_user`, never from a query of its own.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from warroom.accounts.access import Need, get_case_for_user
from warroom.accounts.auth import api_user
from warroom.cases import actions
from warroom.cases.models import Incident
from warroom.cases.schemas import CaseFilters, CaseIn, CaseOut, CasePatch

router = Router(tags=["cases"])


@router.get("", response=list[CaseOut])
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> list[Incident]:
    """Cases the caller is an active member of, newest first."""
    cases = Incident.objects.for_user(api_user(request)).select_related("commander")
    if filters.phase:
        cases = cases.filter(phase=filters.phase)
    if filters.severity:
        cases = cases.filter(severity=filters.severity)
    return list(cases)


@router.post("", response={201: CaseOut})
def open_case(request: HttpRequest, payload: CaseIn) -> Incident:
    """Open a case; the caller becomes its commander."""
    return actions.open_case(api_user(request), now=timezone.now(), **payload.dict())


@router.get("/{ref}", response=CaseOut)
def get_case(request: HttpRequest, ref: str) -> Incident:
    case, _role = get_case_for_user(api_user(request), ref, Need.READ)
    return case


@router.patch("/{ref}", response=CaseOut)
def update_case(request: HttpRequest, ref: str, payload: CasePatch) -> Incident:
    """Edit the case. Phase and severity are the commander's, and go on the timeline."""
    changes = payload.dict(exclude_unset=True)
    note = changes.pop("note", "")
    commanding = changes.get("phase") is not None or changes.get("severity") is not None
    user = api_user(request)
    case, _role = get_case_for_user(user, ref, Need.COMMAND if commanding else Need.WRITE)
    now = timezone.now()
    with transaction.atomic():
        _edit_text(case, changes)
        if "aware_at" in changes:
            actions.change_aware_at(case, changes["aware_at"], user, now=now, note=note)
        if changes.get("phase"):
            actions.change_phase(case, changes["phase"], user, now=now, note=note)
        if changes.get("severity"):
            actions.change_severity(case, changes["severity"], user, now=now, note=note)
    return case


def _edit_text(case: Incident, changes: dict[str, object]) -> None:
    """Title and summary are prose, not state: edited in place, with no timeline event."""
    fields = [f for f in ("title", "summary") if changes.get(f) is not None]
    for field in fields:
        setattr(case, field, changes[field])
    if fields:
        case.save(update_fields=[*fields, "updated_at"])
