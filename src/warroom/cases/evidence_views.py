"""Evidence pages: add (upload or location), details with the chain of custody, download.

Uploads are hashed while they stream to disk (`uploads.HashingUploadHandler`); one over the
size limit is refused with 413 and nothing is saved. Evidence kept elsewhere is hashed later by
the worker (`cases.tasks.enqueue_hash`). Every download is a custody entry.
"""

from __future__ import annotations

from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from warroom.accounts.access import Need, get_case_for_user
from warroom.cases import actions, uploads
from warroom.cases.choices import CustodyKind
from warroom.cases.forms import EvidenceForm
from warroom.cases.models import Evidence
from warroom.cases.tasks import enqueue_hash
from warroom.cases.views import AuthedRequest, form_page, posted

TITLE = "Add evidence"


@login_required
def evidence_add(request: AuthedRequest, ref: str) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.WRITE)
    refused = uploads.upload_error(request) if request.method == "POST" else None
    if refused:
        blank = EvidenceForm(instance=Evidence(case=case))
        return form_page(request, case, blank, TITLE, status=413, error=refused)
    files = request.FILES if request.method == "POST" else None
    form = EvidenceForm(posted(request), files, instance=Evidence(case=case))
    if not form.is_valid():
        return form_page(request, case, form, TITLE)
    evidence = form.save(commit=False)
    uploaded = form.cleaned_data["file"]
    if uploaded:
        evidence.sha256 = uploads.sha256_of(uploaded)
        evidence.size = uploaded.size
    _save(evidence, request.user)
    return redirect("evidence-detail", case.reference, evidence.pk)


@transaction.atomic
def _save(evidence: Evidence, user: User) -> None:
    """Add EVIDENCE; one kept elsewhere is queued for the worker to hash, in the same commit."""
    now = timezone.now()
    actions.add_evidence(evidence, user, now=now)
    if not evidence.sha256:
        enqueue_hash(evidence, now=now)


@login_required
def evidence_detail(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    case, role = get_case_for_user(request.user, ref, Need.READ)
    evidence = get_object_or_404(case.evidence.select_related("added_by"), pk=pk)
    custody = evidence.custody.select_related("actor")
    context = {"case": case, "role": role, "evidence": evidence, "custody": custody}
    return render(request, "cases/evidence_detail.html", context)


@login_required
def evidence_download(request: AuthedRequest, ref: str, pk: int) -> FileResponse:
    case, _role = get_case_for_user(request.user, ref, Need.READ)
    evidence = get_object_or_404(case.evidence, pk=pk)
    if not evidence.file:
        raise Http404("This evidence is kept elsewhere; see its location.")
    # Open before logging: a file missing from storage must not leave a false custody entry.
    stream = evidence.file.open("rb")
    note = f"Downloaded by {request.user.get_username()}."
    actions.log_custody(evidence, CustodyKind.ACCESSED, request.user, now=timezone.now(), note=note)
    name = PurePath(evidence.file.name or evidence.name).name
    return FileResponse(stream, as_attachment=True, filename=name)
