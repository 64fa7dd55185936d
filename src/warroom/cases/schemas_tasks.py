"""Shapes of the API of the team's work on a case: tasks and actions (see `schemas.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from warroom.cases.choices import ActionKind, ActionState, TaskState
from warroom.cases.schemas import Line300, Text, When, username


class TaskOut(Schema):
    id: int
    title: str
    owner: str | None
    due_at: datetime | None
    state: TaskState
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return username(obj.owner)


class TaskIn(Schema):
    title: Line300
    owner: str | None = Field(None, description="Username of a member of the case.")
    due_at: When | None = None
    state: TaskState = TaskState.OPEN


class TaskPatch(Schema):
    """Send `owner: null` to unassign."""

    title: Line300 | None = None
    owner: str | None = None
    due_at: When | None = None
    state: TaskState | None = None


class ActionOut(Schema):
    id: int
    kind: ActionKind
    description: str
    asset_id: int | None
    state: ActionState
    requested_by: str | None
    requested_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    done_at: datetime | None
    outcome: str

    @staticmethod
    def resolve_requested_by(obj: Any) -> str | None:
        return username(obj.requested_by)

    @staticmethod
    def resolve_approved_by(obj: Any) -> str | None:
        return username(obj.approved_by)


class ActionIn(Schema):
    kind: ActionKind
    description: Text
    asset_id: int | None = Field(None, description="An asset of the same case.")


class ActionPatch(Schema):
    """`approved` or `rejected` (commander, from proposed), or `done` (from approved, with
    its `outcome`). `outcome` is the reason when rejecting."""

    state: Literal[ActionState.APPROVED, ActionState.REJECTED, ActionState.DONE]
    outcome: str = ""
