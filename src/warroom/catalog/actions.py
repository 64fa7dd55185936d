"""Verbs that change the catalog and must leave a record: one transaction each.

A component's status changes only through `set_component_status`, which writes the history
row the uptime bars are computed from. Dependencies may form cycles (real catalogs have them;
the impact walk copes), but a component never depends on itself.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from warroom.catalog.choices import ChangeSource, ComponentStatus
from warroom.catalog.models import Component, ComponentDependency, ComponentStatusChange

__all__ = ["add_dependency", "set_component_status"]


@transaction.atomic
def set_component_status(
    component: Component,
    status: ComponentStatus,
    actor: User | None,
    *,
    now: datetime,
    source: ChangeSource,
    reason: str = "",
) -> ComponentStatusChange | None:
    """Give COMPONENT a new STATUS and record the change; None when it already has it.

    The row is locked while it changes, so two changes at once both land in the history in
    order, each from the status the other left. A group takes no status of its own (it shows
    its worst child's): ValueError.
    """
    if component.is_group:
        raise ValueError(f"{component.name} is a group: set the status of its components")
    locked = Component.objects.select_for_update().get(pk=component.pk)
    if locked.status == status:
        component.status = locked.status
        return None
    change = ComponentStatusChange.objects.create(
        component=locked,
        from_status=locked.status,
        to_status=status,
        changed_at=now,
        changed_by=actor,
        source=source,
        reason=reason,
    )
    Component.objects.filter(pk=component.pk).update(status=status, updated_at=now)
    component.status, component.updated_at = status, now
    return change


def add_dependency(
    component: Component, depends_on: Component, *, note: str = ""
) -> ComponentDependency:
    """Record that COMPONENT needs DEPENDS_ON (once; a second call returns the first row).

    ValueError when the two are the same component: nothing can need itself.
    """
    if component.pk == depends_on.pk:
        raise ValueError(f"{component.name} cannot depend on itself")
    dependency, _created = ComponentDependency.objects.get_or_create(
        component=component, depends_on=depends_on, defaults={"note": note}
    )
    return dependency
