"""The case pages: list, open, the case page, and the forms that write to the case.

Each view gets its case through `get_case_for_user` (404 for outsiders, 403 for a role that
falls short), calls one verb of `actions.py`, and answers with a page or a redirect. Write
routes show their form on GET and act on POST; an invalid POST shows the form again with 400.
Evidence has its own module, `evidence_views.py`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from warroom.accounts.access import Need, get_case_for_user
from warroom.accounts.models import Role
from warroom.cases import actions
from warroom.cases.choices import (
    ActionState,
    AssetState,
    EventKind,
    Phase,
    Severity,
    TaskState,
)
from warroom.cases.forms import (
    ActionDecisionForm,
    ActionForm,
    ActionOutcomeForm,
    AssetForm,
    AssetStateForm,
    CaseForm,
    EventForm,
    IndicatorForm,
    PhaseForm,
    QuickEventForm,
    SeverityForm,
    TaskForm,
    TaskStateForm,
)
from warroom.cases.models import Action, Asset, Incident, Indicator, Task, TimelineEvent
from warroom.cases.paging import TwoEndedPaginator
from warroom.catalog.impact import case_impact
from warroom.clocks.rows import case_clock_context

EVENTS_PER_PAGE = 50


class AuthedRequest(HttpRequest):
    """A request behind `login_required`, with django-htmx's details."""

    user: User
    htmx: HtmxDetails


class InvalidFilter(ValueError):
    """A query-string filter whose value is not one of its choices."""


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, or None so that a GET gets an unbound form."""
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest, case: Incident | None, form: BaseForm, title: str, **extra: Any
) -> HttpResponse:
    """The stand-alone page of FORM: 200 on GET, 400 when a POST did not validate."""
    status = extra.pop("status", 400 if form.is_bound else 200)
    context = {"case": case, "form": form, "title": title, **extra}
    return render(request, "cases/form.html", context, status=status)


def back_to(case: Incident, section: str) -> HttpResponseRedirect:
    """Redirect to one section of the case page."""
    return redirect(f"{case.get_absolute_url()}#{section}")


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """400 with a page that says which parameter was wrong."""
    return render(request, "bad_request.html", {"message": message}, status=400)


def chosen_filters(request: HttpRequest, **params: type[models.TextChoices]) -> dict[str, str]:
    """The filters of PARAMS given in the query string; InvalidFilter names a bad one."""
    chosen = {}
    for name, choices in params.items():
        value = request.GET.get(name, "")
        if value and value not in choices.values:
            allowed = ", ".join(choices.values)
            raise InvalidFilter(f"{name}: {value!r} is not one of {allowed}")
        if value:
            chosen[name] = value
    return chosen


@login_required
def case_list(request: AuthedRequest) -> HttpResponse:
    try:
        filters = chosen_filters(request, phase=Phase, severity=Severity)
    except InvalidFilter as exc:
        return bad_request(request, str(exc))
    cases = Incident.objects.for_user(request.user).filter(**filters).select_related("commander")
    context = {"cases": cases, "filters": filters, "phases": Phase, "severities": Severity}
    return render(request, "cases/case_list.html", context)


@login_required
def case_new(request: AuthedRequest) -> HttpResponse:
    form = CaseForm(posted(request), initial={"detected_at": timezone.now()})
    if not form.is_valid():
        return form_page(request, None, form, "Open a case", submit="Open the case")
    data = form.cleaned_data
    case = actions.open_case(
        request.user,
        title=data["title"],
        severity=Severity(data["severity"]),
        detected_at=data["detected_at"],
        aware_at=data["aware_at"],
        summary=data["summary"],
        now=timezone.now(),
    )
    return redirect(case)


@login_required
def case_detail(request: AuthedRequest, ref: str) -> HttpResponse:
    case, role = get_case_for_user(request.user, ref)
    try:
        filters = chosen_filters(request, kind=EventKind)
    except InvalidFilter as exc:
        return bad_request(request, str(exc))
    events = (
        TimelineEvent.objects.filter(case=case, **filters)
        .newest_first()
        .select_related("actor", "asset", "indicator", "evidence")
    )
    page = TwoEndedPaginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {**case_context(case, role), "page": page, "kind": filters.get("kind", "")}
    context["impact"] = case_impact(case)
    context.update(case_clock_context(case, timezone.now()))
    return render(request, "cases/case_detail.html", context)


def case_context(case: Incident, role: Role) -> dict[str, Any]:
    """Everything on the case page but the timeline; one query per section."""
    return {
        "case": case,
        "role": role,
        "assets": case.assets.all(),
        "indicators": case.indicators.all(),
        "evidence_list": case.evidence.all(),
        "tasks": case.tasks.select_related("owner"),
        "actions": case.actions.select_related("asset", "requested_by", "approved_by"),
        "members": case.memberships.select_related("user").order_by("role", "user__username"),
        "phase_form": PhaseForm(initial={"phase": case.phase}, auto_id="phase_%s"),
        "severity_form": SeverityForm(initial={"severity": case.severity}, auto_id="sev_%s"),
        "quick_form": _quick_form(),
        "event_kinds": EventKind,
        "asset_states": AssetState,
        "task_states": TaskState,
        "action_states": ActionState,
    }


def _quick_form() -> QuickEventForm:
    return QuickEventForm(initial={"occurred_at": timezone.now()}, auto_id="quick_%s")


@login_required
def case_phase(request: AuthedRequest, ref: str) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.COMMAND)
    form = PhaseForm(posted(request), initial={"phase": case.phase})
    if not form.is_valid():
        return form_page(request, case, form, "Change phase")
    phase, note = Phase(form.cleaned_data["phase"]), form.cleaned_data["note"]
    actions.change_phase(case, phase, request.user, now=timezone.now(), note=note)
    return back_to(case, "summary")


@login_required
def case_severity(request: AuthedRequest, ref: str) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.COMMAND)
    form = SeverityForm(posted(request), initial={"severity": case.severity})
    if not form.is_valid():
        return form_page(request, case, form, "Change severity")
    severity, note = Severity(form.cleaned_data["severity"]), form.cleaned_data["note"]
    actions.change_severity(case, severity, request.user, now=timezone.now(), note=note)
    return back_to(case, "summary")


@login_required
def timeline_add(request: AuthedRequest, ref: str) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.WRITE)
    now = timezone.now()
    form = EventForm(posted(request), case=case, initial={"occurred_at": now})
    if not form.is_valid():
        if request.htmx:
            return _quick_add_again(request, case, form)
        return form_page(request, case, form, "Add to the timeline")
    data = form.cleaned_data
    event = actions.record_event(
        case,
        request.user,
        EventKind(data["kind"]),
        data["text"],
        occurred_at=data["occurred_at"],
        now=now,
        asset=data["asset"],
        indicator=data["indicator"],
        evidence=data["evidence"],
    )
    if request.htmx:
        context = {"case": case, "event": event, "quick_form": _quick_form()}
        return render(request, "cases/_event_added.html", context)
    return back_to(case, "timeline")


def _quick_add_again(request: HttpRequest, case: Incident, form: EventForm) -> HttpResponse:
    """The quick-add form with its errors, swapped in place of the one that was sent."""
    response = render(request, "cases/_quick_add.html", {"case": case, "quick_form": form})
    return reswap(retarget(response, "#quick-add"), "outerHTML")


@login_required
def asset_add(request: AuthedRequest, ref: str) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.WRITE)
    form = AssetForm(posted(request), instance=Asset(case=case))
    if not form.is_valid():
        return form_page(request, case, form, "Add an asset")
    actions.add_asset(form.save(commit=False), request.user, now=timezone.now())
    return back_to(case, "assets")


@login_required
def asset_state(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.WRITE)
    asset = get_object_or_404(case.assets, pk=pk)
    form = AssetStateForm(posted(request), initial={"state": asset.state})
    if not form.is_valid():
        return form_page(request, case, form, f"Change the state of {asset.name}")
    state, reason = AssetState(form.cleaned_data["state"]), form.cleaned_data["reason"]
    actions.change_asset_state(asset, state, request.user, reason=reason, now=timezone.now())
    return back_to(case, "assets")


@login_required
def indicator_add(request: AuthedRequest, ref: str) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.WRITE)
    form = IndicatorForm(posted(request), instance=Indicator(case=case))
    if not form.is_valid():
        return form_page(request, case, form, "Add an indicator")
    actions.add_indicator(form.save(commit=False), request.user, now=timezone.now())
    return back_to(case, "indicators")


@login_required
def task_add(request: AuthedRequest, ref: str) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.WRITE)
    form = TaskForm(posted(request), instance=Task(case=case))
    if not form.is_valid():
        return form_page(request, case, form, "Add a task")
    actions.add_task(form.save(commit=False), request.user, now=timezone.now())
    return back_to(case, "tasks")


@login_required
def task_update(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.WRITE)
    task = get_object_or_404(case.tasks, pk=pk)
    form = TaskStateForm(posted(request), initial={"state": task.state})
    if not form.is_valid():
        return form_page(request, case, form, f"Update task: {task.title}")
    state = TaskState(form.cleaned_data["state"])
    actions.change_task_state(task, state, request.user, now=timezone.now())
    return back_to(case, "tasks")


@login_required
def action_add(request: AuthedRequest, ref: str) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.WRITE)
    form = ActionForm(posted(request), instance=Action(case=case))
    if not form.is_valid():
        return form_page(request, case, form, "Propose an action")
    actions.propose_action(form.save(commit=False), request.user, now=timezone.now())
    return back_to(case, "actions")


@login_required
def action_approve(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.COMMAND)
    action = get_object_or_404(case.actions.select_related("asset"), pk=pk)
    form = ActionDecisionForm(posted(request), action=action, expects=ActionState.PROPOSED)
    if not form.is_valid():
        return form_page(request, case, form, f"Approve: {action}", submit="Approve")
    actions.approve_action(action, request.user, now=timezone.now())
    return back_to(case, "actions")


@login_required
def action_reject(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.COMMAND)
    action = get_object_or_404(case.actions.select_related("asset"), pk=pk)
    form = ActionDecisionForm(posted(request), action=action, expects=ActionState.PROPOSED)
    if not form.is_valid():
        return form_page(request, case, form, f"Reject: {action}", submit="Reject")
    note = form.cleaned_data["note"]
    actions.reject_action(action, request.user, now=timezone.now(), note=note)
    return back_to(case, "actions")


@login_required
def action_done(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.WRITE)
    action = get_object_or_404(case.actions.select_related("asset"), pk=pk)
    form = ActionOutcomeForm(posted(request), action=action, expects=ActionState.APPROVED)
    if not form.is_valid():
        return form_page(request, case, form, f"Done: {action}", submit="Record outcome")
    outcome = form.cleaned_data["note"]
    actions.complete_action(action, request.user, outcome=outcome, now=timezone.now())
    return back_to(case, "actions")
