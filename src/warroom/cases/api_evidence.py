"""JSON API of a case's evidence: /api/cases/{ref}/evidence.

Metadata only: evidence is referenced by `location`; files are uploaded through the web UI.
Adding evidence starts its chain of custody, moving it or recording its hash extends it.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from warroom.accounts.access import Need, get_case_for_user
from warroom.accounts.auth import api_user
from warroom.cases import actions
from warroom.cases.models import Evidence
from warroom.cases.schemas import EvidenceIn, EvidenceOut, EvidencePatch

router = Router(tags=["evidence"])


@router.get("/{ref}/evidence", response=list[EvidenceOut])
def list_evidence(request: HttpRequest, ref: str) -> list[Evidence]:
    case, _role = get_case_for_user(api_user(request), ref, Need.READ)
    return list(case.evidence.select_related("added_by"))


@router.post("/{ref}/evidence", response={201: EvidenceOut})
def add_evidence(request: HttpRequest, ref: str, payload: EvidenceIn) -> Evidence:
    """Record evidence kept elsewhere; its custody log starts with its acquisition."""
    user = api_user(request)
    case, _role = get_case_for_user(user, ref, Need.WRITE)
    fields = payload.dict()
    fields["sha256"] = fields["sha256"] or ""
    return actions.add_evidence(Evidence(case=case, **fields), user, now=timezone.now())


@router.patch("/{ref}/evidence/{evidence_id}", response=EvidenceOut)
def update_evidence(
    request: HttpRequest, ref: str, evidence_id: int, payload: EvidencePatch
) -> Evidence:
    """Rename or describe; a new location is a transfer; a hash can be added once."""
    user = api_user(request)
    case, _role = get_case_for_user(user, ref, Need.WRITE)
    evidence = get_object_or_404(case.evidence.select_related("added_by"), pk=evidence_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    _check_fixed_hash(evidence, changes)
    now = timezone.now()
    with transaction.atomic():
        prose = [f for f in ("name", "description") if f in changes]
        for field in prose:
            setattr(evidence, field, changes[field])
        if prose:
            evidence.save(update_fields=prose)
        if "location" in changes:
            actions.relocate_evidence(evidence, changes["location"], user, now=now)
        if "sha256" in changes and not evidence.sha256:
            actions.record_evidence_hash(
                evidence, changes["sha256"], user, now=now, size=changes.get("size")
            )
        elif "size" in changes and not evidence.sha256:
            evidence.size = changes["size"]
            evidence.save(update_fields=["size"])
    return evidence


def _check_fixed_hash(evidence: Evidence, changes: dict[str, object]) -> None:
    """Once hashed, evidence keeps its digest and size: another value is another file."""
    if not evidence.sha256:
        return
    for field in ("sha256", "size"):
        if field in changes and changes[field] != getattr(evidence, field):
            raise HttpError(
                409,
                f"{evidence.name} is recorded with SHA-256 {evidence.sha256}; its {field} "
                "cannot change. Add a different file as new evidence.",
            )
