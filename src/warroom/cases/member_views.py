"""Who is on the case: the commander adds people (with an expiry for outside experts),
changes their role, or takes them off. Every change is noted on the timeline."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from warroom.accounts.access import Need, get_case_for_user
from warroom.accounts.models import Membership, Role
from warroom.cases import actions
from warroom.cases.forms import MemberForm, MemberRemoveForm
from warroom.cases.views import AuthedRequest, back_to, form_page, posted


@login_required
def member_add(request: AuthedRequest, ref: str) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.COMMAND)
    form = MemberForm(posted(request))
    if not form.is_valid():
        return form_page(request, case, form, "Add a member", submit="Add")
    data = form.cleaned_data
    try:
        actions.add_member(
            case,
            data["user"],
            Role(data["role"]),
            request.user,
            now=timezone.now(),
            expires_at=data["expires_at"],
        )
    except actions.LastCommanderError as exc:
        return form_page(request, case, form, "Add a member", submit="Add", error=str(exc))
    return back_to(case, "members")


@login_required
def member_remove(request: AuthedRequest, ref: str, pk: int) -> HttpResponse:
    case, _role = get_case_for_user(request.user, ref, Need.COMMAND)
    membership = get_object_or_404(Membership.objects.select_related("user"), case=case, pk=pk)
    if request.method != "POST":
        return form_page(
            request,
            case,
            MemberRemoveForm(),
            f"Remove {membership.user.get_username()} from the case",
            submit="Remove",
        )
    try:
        actions.remove_member(membership, request.user, now=timezone.now())
    except actions.LastCommanderError as exc:
        title = f"Remove {membership.user.get_username()} from the case"
        return form_page(request, case, MemberRemoveForm(), title, error=str(exc), status=409)
    return back_to(case, "members")
