"""The clock pages: every open clock, one case's questionnaire and clocks, one obligation.

    clock_dashboard      /clocks/                        open clocks of the user's cases
    case_clocks          /clocks/case/<ref>/             questionnaire (GET; POST one answer)
    case_recompute       /clocks/case/<ref>/recompute/   POST: recompute from the facts
    obligation_detail    /clocks/case/<ref>/<pk>/        one obligation, its submissions
    obligation_submit    .../<pk>/submit/                POST a submission (with its file)
    obligation_not_applicable, obligation_reopen         POST a person's decision
    submission_file      .../<pk>/submissions/<sid>/file/  the file that was sent

Access is the case's (`get_case_for_user`): outsiders get 404 on every route, observers read
but may not post (403). A write route answers GET with the page its form is on. After a
change the page says what changed (deadlines moved, obligations added or dropped) as a
message, and the same text is on the case timeline. The case page's section is fed by
`rows.case_clock_context`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from warroom.accounts.access import Need, get_case_for_user
from warroom.accounts.models import Role
from warroom.cases.models import Incident
from warroom.cases.views import AuthedRequest, bad_request
from warroom.clocks import actions
from warroom.clocks.actions import Change
from warroom.clocks.choices import ClockState, ObligationStatus, SubmissionMethod
from warroom.clocks.display import value_text
from warroom.clocks.facts import FACT_KINDS, FACT_LABELS, FACT_NAMES, FactsError
from warroom.clocks.forms import FactForm, NotApplicableForm, ReopenForm, SubmissionForm
from warroom.clocks.models import Fact, Obligation
from warroom.clocks.rows import case_order, clock_rows

# --- every open clock ----------------------------------------------------------------------------


@login_required
def clock_dashboard(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    cases = Incident.objects.for_user(request.user)
    obligations = (
        Obligation.objects.open().filter(case__in=cases).select_related("case").by_time_left()
    )
    rows = clock_rows(obligations, now)
    context = {
        "rows": rows,
        "now": now,
        "overdue": sum(r.state == ClockState.OVERDUE for r in rows),
    }
    return render(request, "clocks/dashboard.html", context)


# --- one case: the questionnaire -------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One recorded answer and how it reads."""

    fact: Fact

    @property
    def text(self) -> str:
        return value_text(self.fact.value)


@dataclass
class FactRow:
    """One question, its current answer and its history, and the form to change it."""

    name: str
    label: str
    current: Fact | None
    history: list[Answer]
    form: FactForm

    @property
    def answer(self) -> str:
        return value_text(self.current.value if self.current else None)


def _fact_rows(case: Incident, posted_form: FactForm | None = None) -> list[FactRow]:
    history: dict[str, list[Fact]] = defaultdict(list)
    for fact in Fact.objects.filter(case=case).select_related("decided_by"):
        history[fact.name].append(fact)  # newest first, by the model's ordering
    rows = []
    for name in FACT_NAMES:
        current = history[name][0] if history[name] else None
        if posted_form is not None and posted_form.name == name:
            form = posted_form
        else:
            value = current.value if current else None
            form = FactForm(
                name=name, initial={"value": FactForm.initial_for(FACT_KINDS[name], value)}
            )
        answers = [Answer(fact) for fact in history[name]]
        rows.append(FactRow(name, FACT_LABELS[name], current, answers, form))
    return rows


def _case_page(
    request: HttpRequest, case: Incident, role: Role, *, form: FactForm | None = None
) -> HttpResponse:
    now = timezone.now()
    context = {
        "case": case,
        "role": role,
        "facts": _fact_rows(case, form),
        "rows": case_order(clock_rows(case.obligations.all(), now)),
    }
    return render(request, "clocks/case_clocks.html", context, status=400 if form else 200)


@login_required
def case_clocks(request: AuthedRequest, ref: str) -> HttpResponse:
    if request.method != "POST":
        case, role = get_case_for_user(request.user, ref)
        return _case_page(request, case, role)
    case, role = get_case_for_user(request.user, ref, Need.WRITE)
    name = request.POST.get("fact", "")
    if name not in FACT_NAMES:
        return bad_request(request, f"fact: {name!r} is not a question of the questionnaire")
    form = FactForm(request.POST, name=name)
    if not form.is_valid():
        return _case_page(request, case, role, form=form)
    try:
        change = actions.record_fact(
            case,
            request.user,
            name,
            form.cleaned_data["value"],
            now=timezone.now(),
            note=form.cleaned_data["note"],
        )
    except FactsError as exc:
        form.add_error("value", str(exc))
        return _case_page(request, case, role, form=form)
    _say(request, change, nothing="Nothing changed: that answer was already recorded.")
    return redirect(reverse("case-clocks", args=[case.reference]) + f"#fact-{name}")


def _say(request: HttpRequest, change: Change, *, nothing: str) -> None:
    """Tell the person what CHANGE did, one message per line."""
    if not change:
        messages.info(request, nothing)
    for line in change.lines():
        messages.success(request, line)


@login_required
def case_recompute(request: AuthedRequest, ref: str) -> HttpResponse:
    if request.method != "POST":
        case, role = get_case_for_user(request.user, ref)
        return _case_page(request, case, role)
    case, _role = get_case_for_user(request.user, ref, Need.WRITE)
    change = actions.recompute(case, now=timezone.now(), actor=request.user)
    _say(request, change, nothing="Recomputed: no obligation or deadline changed.")
    return redirect("case-clocks", case.reference)


# --- one obligation --------------------------------------------------------------------------


def _obligation(case: Incident, pk: int) -> Obligation:
    return get_object_or_404(Obligation.objects.select_related("case"), case=case, pk=pk)


def _detail_page(
    request: HttpRequest,
    case: Incident,
    role: Role,
    obligation: Obligation,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    now = timezone.now()
    [row] = clock_rows([obligation], now)
    context = {
        "case": case,
        "role": role,
        "row": row,
        "obligation": obligation,
        "submissions": obligation.submissions.select_related("recorded_by"),
        "submit_form": forms.get("submit_form")
        or SubmissionForm(
            initial={"submitted_at": now.replace(second=0, microsecond=0)},
            auto_id="submit-%s",
        ),
        "na_form": forms.get("na_form") or NotApplicableForm(auto_id="na-%s"),
        "reopen_form": ReopenForm(),
    }
    return render(request, "clocks/obligation_detail.html", context, status=status)


@login_required
def obligation_detail(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    case, role = get_case_for_user(request.user, ref)
    return _detail_page(request, case, role, _obligation(case, pk))


def _write(request: AuthedRequest, ref: str, pk: int) -> tuple[Incident, Role, Obligation]:
    """The case and obligation of a write route: READ for a GET, WRITE for a POST."""
    need = Need.WRITE if request.method == "POST" else Need.READ
    case, role = get_case_for_user(request.user, ref, need)
    return case, role, _obligation(case, pk)


@login_required
def obligation_submit(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    case, role, obligation = _write(request, ref, pk)
    if request.method != "POST":
        return _detail_page(request, case, role, obligation)
    form = SubmissionForm(request.POST, request.FILES, auto_id="submit-%s")
    if not form.is_valid():
        return _detail_page(request, case, role, obligation, status=400, submit_form=form)
    data = form.cleaned_data
    _submission, change = actions.record_submission(
        obligation,
        request.user,
        submitted_at=data["submitted_at"],
        method=SubmissionMethod(data["method"]),
        reference=data["reference"],
        file=data["file"],
        note=data["note"],
        now=timezone.now(),
    )
    messages.success(request, f"Submission of {obligation.title} recorded.")
    _say(request, change, nothing="No other obligation or deadline changed.")
    return redirect(obligation)


@login_required
def obligation_not_applicable(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    case, role, obligation = _write(request, ref, pk)
    if request.method != "POST":
        return _detail_page(request, case, role, obligation)
    form = NotApplicableForm(request.POST, auto_id="na-%s")
    if not form.is_valid():
        return _detail_page(request, case, role, obligation, status=400, na_form=form)
    reason = form.cleaned_data["reason"]
    change = actions.mark_not_applicable(
        obligation, request.user, reason=reason, now=timezone.now()
    )
    messages.success(request, f"{obligation.title} marked not applicable.")
    _say(request, change, nothing="No other obligation or deadline changed.")
    return redirect(obligation)


@login_required
def obligation_reopen(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    case, role, obligation = _write(request, ref, pk)
    if request.method != "POST":
        return _detail_page(request, case, role, obligation)
    if obligation.status == ObligationStatus.OPEN:
        messages.info(request, f"{obligation.title} is already open.")
        return redirect(obligation)
    change = actions.reopen(obligation, request.user, now=timezone.now())
    obligation.refresh_from_db()
    messages.success(request, f"{obligation.title} reopened.")
    _say(request, change, nothing="No other obligation or deadline changed.")
    return redirect(obligation)


@login_required
def submission_file(request: AuthedRequest, ref: str, pk: int, sid: int) -> FileResponse:
    case, _role = get_case_for_user(request.user, ref)
    obligation = _obligation(case, pk)
    submission = get_object_or_404(obligation.submissions, pk=sid)
    if not submission.file:
        raise Http404("No file was recorded with this submission.")
    name = PurePath(submission.file.name or "submission").name
    return FileResponse(submission.file.open("rb"), as_attachment=True, filename=name)
