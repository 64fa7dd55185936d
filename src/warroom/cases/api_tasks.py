"""JSON API of the team's work on a case: /api/cases/{ref}/tasks and .../actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from warroom.accounts.access import Need, get_case_for_user
from warroom.accounts.auth import api_user
from warroom.accounts.models import Membership
from warroom.cases import actions
from warroom.cases.choices import ActionState
from warroom.cases.models import Action, Incident, Task
from warroom.cases.schemas import invalid
from warroom.cases.schemas_tasks import (
    ActionIn,
    ActionOut,
    ActionPatch,
    TaskIn,
    TaskOut,
    TaskPatch,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

router = Router(tags=["tasks and actions"])


@router.get("/{ref}/tasks", response=list[TaskOut])
def list_tasks(request: HttpRequest, ref: str) -> list[Task]:
    case, _role = get_case_for_user(api_user(request), ref, Need.READ)
    return list(case.tasks.select_related("owner"))


@router.post("/{ref}/tasks", response={201: TaskOut})
def add_task(request: HttpRequest, ref: str, payload: TaskIn) -> Task:
    """Add a task; its owner, if any, must be a member of the case."""
    user = api_user(request)
    case, _role = get_case_for_user(user, ref, Need.WRITE)
    fields = payload.dict()
    fields["owner"] = _member(case, fields["owner"])
    return actions.add_task(Task(case=case, **fields), user, now=timezone.now())


@router.patch("/{ref}/tasks/{task_id}", response=TaskOut)
def update_task(request: HttpRequest, ref: str, task_id: int, payload: TaskPatch) -> Task:
    """Edit a task; `owner: null` unassigns it, a new state goes on the timeline."""
    user = api_user(request)
    case, _role = get_case_for_user(user, ref, Need.WRITE)
    task = get_object_or_404(case.tasks.select_related("owner"), pk=task_id)
    changes = payload.dict(exclude_unset=True)
    state = changes.pop("state", None)
    if "owner" in changes:
        changes["owner"] = _member(case, changes["owner"])
    with transaction.atomic():
        fields = [f for f, v in changes.items() if v is not None or f in {"owner", "due_at"}]
        for field in fields:
            setattr(task, field, changes[field])
        if fields:
            task.save(update_fields=[*fields, "updated_at"])
        if state is not None:
            actions.change_task_state(task, state, user, now=timezone.now())
    return task


@router.get("/{ref}/actions", response=list[ActionOut])
def list_actions(request: HttpRequest, ref: str) -> list[Action]:
    case, _role = get_case_for_user(api_user(request), ref, Need.READ)
    return list(case.actions.select_related("requested_by", "approved_by"))


@router.post("/{ref}/actions", response={201: ActionOut})
def propose_action(request: HttpRequest, ref: str, payload: ActionIn) -> Action:
    """Propose an action (take offline, block, ...); the commander approves or rejects it."""
    user = api_user(request)
    case, _role = get_case_for_user(user, ref, Need.WRITE)
    asset = None
    if payload.asset_id is not None:
        asset = case.assets.filter(pk=payload.asset_id).first()
        if asset is None:
            invalid("asset_id", f"no asset {payload.asset_id} on this case")
    action = Action(case=case, kind=payload.kind, description=payload.description, asset=asset)
    return actions.propose_action(action, user, now=timezone.now())


@router.patch("/{ref}/actions/{action_id}", response=ActionOut)
def decide_action(request: HttpRequest, ref: str, action_id: int, payload: ActionPatch) -> Action:
    """Approve or reject a proposed action (commander), or record an approved one as done."""
    user = api_user(request)
    done = payload.state == ActionState.DONE
    case, _role = get_case_for_user(user, ref, Need.WRITE if done else Need.COMMAND)
    action = get_object_or_404(
        case.actions.select_related("requested_by", "approved_by"), pk=action_id
    )
    required = ActionState.APPROVED if done else ActionState.PROPOSED
    if action.state != required:
        raise HttpError(
            409, f"This action is {action.state}: it can be {payload.state} only when {required}"
        )
    now = timezone.now()
    if payload.state == ActionState.APPROVED:
        actions.approve_action(action, user, now=now)
    elif payload.state == ActionState.REJECTED:
        actions.reject_action(action, user, now=now, note=payload.outcome)
    elif not payload.outcome.strip():
        invalid("outcome", "say how it went: the outcome goes on the timeline")
    else:
        actions.complete_action(action, user, outcome=payload.outcome, now=now)
    return action


def _member(case: Incident, username: str | None) -> User | None:
    """The active member of CASE called USERNAME (None for None); 422 naming `owner` if not."""
    if username is None:
        return None
    membership = (
        Membership.objects.active()
        .select_related("user")
        .filter(case=case, user__username=username)
        .first()
    )
    if membership is None:
        invalid("owner", f"{username!r} is not a member of this case")
    return membership.user
