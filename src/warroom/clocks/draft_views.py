"""The draft of one obligation's notification: the edit page and its Markdown and PDF exports.

Access is the case's (`get_case_for_user`): outsiders get 404, every member may read and
download, only members who may write to the case may save (observers get 403). The page is
pre-filled from the case until someone saves; a save made from an older version than the
newest is refused with 409 and the page shows the typed text and the saved text side by side,
so that the person can merge them and save again, and nothing typed is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from warroom.accounts.access import Need, get_case_for_user
from warroom.accounts.models import Role
from warroom.cases.models import Incident
from warroom.cases.views import AuthedRequest
from warroom.clocks import drafts, export
from warroom.clocks.display import is_warning
from warroom.clocks.draft_forms import DraftForm, with_kept
from warroom.clocks.models import Draft, Obligation
from warroom.clocks.regimes import ContentField
from warroom.clocks.rows import clock_rows


@login_required
def draft_edit(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    """GET: the draft (pre-filled on first open). POST: save it, from the version it was read."""
    need = Need.WRITE if request.method == "POST" else Need.READ
    case, role = get_case_for_user(request.user, ref, need)
    obligation, fields = _obligation(case, pk)
    draft = drafts.current_draft(obligation)
    if request.method != "POST":
        texts = draft.fields if draft else drafts.prefill(obligation)
        initial = DraftForm.initial_for(texts, draft.version if draft else 0)
        form = DraftForm(with_kept(fields, texts), initial=initial)
        return _page(request, obligation, role, form, draft)
    form = DraftForm(with_kept(fields, draft.fields if draft else {}), request.POST)
    if not form.is_valid():
        return _page(request, obligation, role, form, draft, status=400)
    try:
        saved = drafts.save_draft(
            obligation,
            request.user,
            form.texts(),
            version=form.cleaned_data["version"],
            now=timezone.now(),
        )
    except drafts.StaleDraft as exc:
        return _conflict(request, obligation, role, fields, exc)
    except drafts.DraftError as exc:
        form.add_error(None, str(exc))
        return _page(request, obligation, role, form, draft, status=400)
    messages.success(request, f"Draft saved as version {saved.version}.")
    return redirect("clock-draft", case.reference, obligation.pk)


@login_required
def draft_markdown(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    obligation, doc = _document(request, ref, pk, now=timezone.now())
    response = HttpResponse(export.markdown(doc), content_type="text/markdown; charset=utf-8")
    return _attachment(response, export.filename(obligation, "md"))


@login_required
def draft_pdf(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    now = timezone.now()
    obligation, doc = _document(request, ref, pk, now=now)
    response = HttpResponse(export.pdf(doc, now=now), content_type="application/pdf")
    return _attachment(response, export.filename(obligation, "pdf"))


def _obligation(case: Incident, pk: int) -> tuple[Obligation, tuple[ContentField, ...]]:
    """CASE's obligation PK and the fields its step asks for; 404 if either is missing."""
    obligation = get_object_or_404(Obligation, case=case, pk=pk)
    obligation.case = case  # already read, with the access check
    try:
        return obligation, drafts.content_fields(obligation)
    except drafts.UnknownStep as exc:
        raise Http404(str(exc)) from None


def _document(
    request: HttpRequest, ref: str, pk: int, *, now: datetime
) -> tuple[Obligation, export.Document]:
    """The export of the draft as saved, or as pre-filled when nobody has saved it yet."""
    case, _role = get_case_for_user(request.user, ref)
    obligation, fields = _obligation(case, pk)
    draft = drafts.current_draft(obligation)
    texts = draft.fields if draft else drafts.prefill(obligation)
    doc = export.document(obligation, with_kept(fields, texts), texts, draft=draft, now=now)
    return obligation, doc


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    # FILENAME is ASCII letters, digits, "_" and "-" (export.filename), so no quoting is needed.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _conflict(
    request: AuthedRequest,
    obligation: Obligation,
    role: Role,
    fields: tuple[ContentField, ...],
    exc: drafts.StaleDraft,
) -> HttpResponse:
    """409: the person's text, unsaved, next to what was saved; saving again replaces it."""
    current = exc.current
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = DraftForm(with_kept(fields, current.fields), data)
    form.is_valid()  # it was valid a moment ago; this fills cleaned_data for the page
    return _page(request, obligation, role, form, current, conflict=exc, status=409)


def _page(
    request: HttpRequest,
    obligation: Obligation,
    role: Role,
    form: DraftForm,
    draft: Draft | None,
    *,
    conflict: drafts.StaleDraft | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    context = {
        "case": obligation.case,
        "obligation": obligation,
        "state": obligation.state(now),
        "time_left": clock_rows([obligation], now)[0].left_text,
        "notes": [
            (line, is_warning(line)) for line in obligation.notes.splitlines() if line.strip()
        ],
        "role": role,
        "may_save": role.can_write,
        "form": form,
        "rows": _rows(form, conflict),
        "draft": draft,
        "conflict": conflict,
    }
    return render(request, "clocks/draft.html", context, status=status)


def _rows(form: DraftForm, conflict: drafts.StaleDraft | None) -> list[dict[str, Any]]:
    """Each field with its form field and, after a conflict, the other text if it differs."""
    saved = conflict.current.fields if conflict else {}
    rows = []
    for field, bound in form.bound_fields():
        other = saved.get(field.id, "")
        typed = str(bound.value() or "").replace("\r\n", "\n").strip()
        differs = conflict is not None and typed != other.strip()
        rows.append({"field": field, "bound": bound, "saved": other, "differs": differs})
    return rows
