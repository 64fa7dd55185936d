"""The communications pages (/comms/): draft, approve and publish what the public reads.

Each view gets its incident through `access.get_incident_for_user` (404 for anyone who may not
see it), checks the step with `access` (403 with the reason), calls one verb of `actions.py`,
and answers with a page or a redirect. Every change is a POST; a refused step (`WorkflowError`)
is shown with 400, a review of text that changed since it was read with 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from warroom.accounts.access import Need, get_case_for_user
from warroom.cases.models import Incident
from warroom.cases.views import AuthedRequest, posted
from warroom.notify.models import Delivery
from warroom.statuspage import access, actions
from warroom.statuspage.actions import WorkflowError
from warroom.statuspage.choices import IncidentKind, ReviewState
from warroom.statuspage.models import AffectedComponent, IncidentUpdate, Notice, Subscriber
from warroom.statuspage.models import PublicIncident as Public
from warroom.statuspage.staff_forms import (
    IncidentForm,
    NoticeForm,
    PostmortemForm,
    TemplateChoice,
    UpdateForm,
    chosen_template,
    leaf_components,
)

AWAITING = [ReviewState.DRAFT, ReviewState.APPROVED]
SUBSCRIBERS_PER_PAGE = 100
RECENT_DELIVERIES = 50


@login_required
def comms_index(request: AuthedRequest) -> HttpResponse:
    """Text awaiting review first, then every public incident and maintenance one may see."""
    visible = access.visible_incidents(request.user)
    waiting = Count("updates", filter=Q(updates__review__in=AWAITING))
    incidents = (
        visible.select_related("case")
        .annotate(waiting=waiting)
        .order_by(F("published_at").desc(nulls_first=True), "-created_at", "-id")
    )
    awaiting = (
        IncidentUpdate.objects.awaiting_review()
        .filter(incident__in=visible)
        .select_related("incident", "drafted_by", "approved_by")
        .order_by("drafted_at", "id")
    )
    context = {
        "incidents": incidents,
        "awaiting": awaiting,
        "review_states": ReviewState,
        "may_open": access.can_draft(request.user, None),
        "may_see_subscribers": access.is_comms_staff(request.user),
        "my_cases": Incident.objects.for_user(request.user).order_by("-detected_at"),
    }
    return render(request, "statuspage/staff/index.html", context)


@login_required
def incident_new(request: AuthedRequest) -> HttpResponse:
    """Open a public incident or schedule a maintenance, about `?case=REF` if given."""
    case = _case_from_query(request)
    access.require_draft(request.user, case)
    form = IncidentForm(posted(request))
    if form.is_valid():
        try:
            incident = _open(request, form, case)
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(incident)
    context = {"form": form, "case": case}
    status = 400 if form.is_bound else 200
    return render(request, "statuspage/staff/incident_new.html", context, status=status)


def _case_from_query(request: AuthedRequest) -> Incident | None:
    reference = request.GET.get("case")
    if not reference:
        return None
    case, _role = get_case_for_user(request.user, reference, Need.WRITE)
    return case


def _open(request: AuthedRequest, form: IncidentForm, case: Incident | None) -> Public:
    data = form.cleaned_data
    return actions.open_public_incident(
        data["name"],
        kind=IncidentKind(data["kind"]),
        case=case,
        actor=request.user,
        now=timezone.now(),
        components=data["components"],
        scheduled_for=data["scheduled_for"],
        scheduled_until=data["scheduled_until"],
    )


@login_required
def incident_detail(request: AuthedRequest, code: str) -> HttpResponse:
    """An incident's updates with their review state, and the forms to write more."""
    incident = access.get_incident_for_user(request.user, code)
    choice = chosen_template(request.GET, incident, timezone.now())
    if isinstance(choice, str):
        return _refused(request, incident, choice)
    return incident_page(request, incident, choice=choice)


def incident_page(
    request: AuthedRequest,
    incident: Public,
    *,
    choice: TemplateChoice | None = None,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    """The incident page; FORMS (update_form, notice_form, postmortem_form) replace blanks."""
    choice = choice or TemplateChoice.blank(incident)
    components = list(leaf_components())
    context = {
        "incident": incident,
        "updates": _updates(incident),
        "notices": incident.notices.select_related("drafted_by", "approved_by").prefetch_related(
            "customers"
        ),
        "may_draft": access.can_draft(request.user, incident),
        "may_approve": access.can_approve(request.user, incident),
        "review_states": ReviewState,
        "kinds": IncidentKind,
        "template_form": choice.form,
        "update_form": forms.get("update_form")
        or UpdateForm(incident=incident, components=components, initial=choice.update),
        "notice_form": forms.get("notice_form") or NoticeForm(initial=choice.notice),
        "postmortem_form": forms.get("postmortem_form")
        or PostmortemForm(initial=choice.postmortem),
    }
    return render(request, "statuspage/staff/incident.html", context, status=status)


def _updates(incident: Public) -> Any:
    affected = AffectedComponent.objects.select_related("component").order_by("component__name")
    return (
        incident.updates.select_related("drafted_by", "approved_by", "published_by")
        .prefetch_related(Prefetch("affected", queryset=affected))
        .order_by(F("published_at").desc(nulls_first=True), "-drafted_at", "-id")
    )


def _refused(
    request: HttpRequest, incident: Public, message: str, status: int = 400
) -> HttpResponse:
    context = {"incident": incident, "message": message}
    return render(request, "statuspage/staff/refused.html", context, status=status)


@login_required
@require_POST
def update_new(request: AuthedRequest, code: str) -> HttpResponse:
    incident = access.get_incident_for_user(request.user, code)
    access.require_draft(request.user, incident)
    form = UpdateForm(request.POST, incident=incident, components=list(leaf_components()))
    if form.is_valid():
        try:
            update = actions.draft_update(incident, request.user, **_words(form))
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(f"{incident.get_absolute_url()}#update-{update.code}")
    return incident_page(request, incident, update_form=form, status=400)


@login_required
def update_edit(request: AuthedRequest, code: str, update_code: str) -> HttpResponse:
    incident = access.get_incident_for_user(request.user, code)
    update = get_object_or_404(incident.updates, code=update_code)
    access.require_draft(request.user, incident)
    components = list(leaf_components())
    form = UpdateForm(
        posted(request), incident=incident, components=components, initial=_initial(update)
    )
    if form.is_valid():
        try:
            actions.edit_draft(update, request.user, **_words(form))
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(f"{incident.get_absolute_url()}#update-{update.code}")
    context = {"incident": incident, "update": update, "form": form, "review_states": ReviewState}
    status = 400 if form.is_bound else 200
    return render(request, "statuspage/staff/update_edit.html", context, status=status)


def _words(form: UpdateForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "status": data["status"],
        "body": data["body"],
        "changes": form.changes(),
        "language": data["language"],
        "deliver_notifications": data["deliver_notifications"],
        "display_at": data["display_at"],
        "now": timezone.now(),
    }


def _initial(update: IncidentUpdate) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "status": update.status,
        "body": update.body,
        "language": update.language,
        "deliver_notifications": update.deliver_notifications,
        "display_at": update.display_at,
    }
    for row in update.affected.all():
        initial[f"component_{row.component_id}"] = row.new_status
    return initial


@login_required
@require_POST
def update_approve(request: AuthedRequest, code: str, update_code: str) -> HttpResponse:
    return _review(request, code, update_code, actions.approve_update, check_version=True)


@login_required
@require_POST
def update_publish(request: AuthedRequest, code: str, update_code: str) -> HttpResponse:
    return _review(request, code, update_code, actions.publish_update)


@login_required
@require_POST
def update_withdraw(request: AuthedRequest, code: str, update_code: str) -> HttpResponse:
    return _review(request, code, update_code, actions.withdraw_update)


def _review(
    request: AuthedRequest, code: str, update_code: str, verb: Any, *, check_version: bool = False
) -> HttpResponse:
    """Run VERB (approve, publish, withdraw) on one update; back to it on the page."""
    incident = access.get_incident_for_user(request.user, code)
    update = get_object_or_404(incident.updates, code=update_code)
    if check_version and request.POST.get("version") != update.version:
        message = "This update changed since you read it; read it again before approving."
        return _refused(request, incident, message, status=409)
    try:
        verb(update, request.user, now=timezone.now())
    except WorkflowError as exc:
        return _refused(request, incident, str(exc))
    return redirect(f"{incident.get_absolute_url()}#update-{update.code}")


@login_required
@require_POST
def postmortem(request: AuthedRequest, code: str) -> HttpResponse:
    incident = access.get_incident_for_user(request.user, code)
    access.require_publish(request.user, incident)
    form = PostmortemForm(request.POST)
    if form.is_valid():
        body = form.cleaned_data["body"]
        try:
            actions.publish_postmortem(incident, body, request.user, now=timezone.now())
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(f"{incident.get_absolute_url()}#postmortem")
    return incident_page(request, incident, postmortem_form=form, status=400)


@login_required
@require_POST
def notice_new(request: AuthedRequest, code: str) -> HttpResponse:
    incident = access.get_incident_for_user(request.user, code)
    access.require_draft(request.user, incident)
    form = NoticeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.draft_notice(
                title=data["title"],
                body=data["body"],
                customers=data["customers"],
                components=incident.components.all(),
                incident=incident,
                expires_at=data["expires_at"],
                actor=request.user,
                now=timezone.now(),
            )
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(f"{incident.get_absolute_url()}#notices")
    return incident_page(request, incident, notice_form=form, status=400)


@login_required
@require_POST
def notice_approve(request: AuthedRequest, code: str, notice_code: str) -> HttpResponse:
    return _review_notice(request, code, notice_code, actions.approve_notice)


@login_required
@require_POST
def notice_publish(request: AuthedRequest, code: str, notice_code: str) -> HttpResponse:
    return _review_notice(request, code, notice_code, actions.publish_notice)


@login_required
@require_POST
def notice_withdraw(request: AuthedRequest, code: str, notice_code: str) -> HttpResponse:
    return _review_notice(request, code, notice_code, actions.withdraw_notice)


def _review_notice(request: AuthedRequest, code: str, notice_code: str, verb: Any) -> HttpResponse:
    incident = access.get_incident_for_user(request.user, code)
    notice: Notice = get_object_or_404(incident.notices, code=notice_code)
    try:
        verb(notice, request.user, now=timezone.now())
    except WorkflowError as exc:
        return _refused(request, incident, str(exc))
    return redirect(f"{incident.get_absolute_url()}#notices")


@login_required
def subscribers(request: AuthedRequest) -> HttpResponse:
    """Who is subscribed, and what was sent to them lately with every attempt. Read only."""
    if not access.is_comms_staff(request.user):
        raise PermissionDenied("The subscriber list is for the Communications group.")
    rows = Subscriber.objects.select_related("customer").prefetch_related("components")
    page = Paginator(rows.order_by("-created_at", "-id"), SUBSCRIBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    deliveries = Delivery.objects.filter(purpose__startswith="statuspage").prefetch_related(
        "history"
    )[:RECENT_DELIVERIES]
    context = {"page": page, "deliveries": deliveries}
    return render(request, "statuspage/staff/subscribers.html", context)
