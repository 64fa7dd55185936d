"""The catalog's pages: read-only for every signed-in user; editing is in the Django admin.

The one write here is rotating a customer's secret page link, for users who may change
customers (`catalog.change_customer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from warroom.catalog.choices import ComponentStatus
from warroom.catalog.impact import component_impact
from warroom.catalog.models import Component, Customer

HISTORY_SHOWN = 100


@dataclass(frozen=True)
class Section:
    """A group and its components on the list page; `group` is None for those in no group."""

    group: Component | None
    components: list[Component]

    @property
    def status(self) -> ComponentStatus:
        """A group shows its worst component's status, as on Statuspage."""
        return ComponentStatus.worst(component.status for component in self.components)


def sections(components: list[Component]) -> list[Section]:
    """COMPONENTS (groups among them) as sections: each group in order, then the ungrouped."""
    groups = [c for c in components if c.is_group]
    children: dict[int | None, list[Component]] = {}
    for component in components:
        if not component.is_group:
            children.setdefault(component.group_id, []).append(component)
    found = [Section(group, children.get(group.pk, [])) for group in groups]
    ungrouped = children.get(None, [])
    return [*found, Section(None, ungrouped)] if ungrouped else found


@login_required
def component_list(request: HttpRequest) -> HttpResponse:
    """Every component by group, with its status and counts: one query."""
    components = list(Component.objects.with_counts())
    return render(request, "catalog/component_list.html", {"sections": sections(components)})


@login_required
def component_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A component: its place in the graph, its hosts, customers, history and impact."""
    component = get_object_or_404(Component.objects.select_related("group"), code=code)
    history = component.status_changes.select_related("changed_by").order_by("-changed_at", "-id")
    context = {
        "component": component,
        "children": component.children.all() if component.is_group else None,
        "depends_on": component.depends_on.all(),
        "dependents": component.dependents.all(),
        "hosts": component.hosts.all(),
        "history": history[:HISTORY_SHOWN],
        "history_shown": HISTORY_SHOWN,
        "customers": component.customers.all(),
        "impact": component_impact(component),
    }
    return render(request, "catalog/component_detail.html", context)


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    """Every customer with what it uses and whom to tell: one query."""
    customers = Customer.objects.with_counts()
    return render(request, "catalog/customer_list.html", {"customers": customers})


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A customer: its components, its contacts and the link to its own status page."""
    customer = get_object_or_404(Customer, pk=pk)
    context = {
        "customer": customer,
        "components": customer.components.select_related("group"),
        "contacts": customer.contacts.all(),
        "page_link": page_link(request, customer) if may_see_link(request.user) else None,
        "may_rotate": request.user.has_perm("catalog.change_customer"),
    }
    return render(request, "catalog/customer_detail.html", context)


def may_see_link(user: Any) -> bool:
    """The secret link opens the customer's page to anyone holding it: only those who hand it
    to customers see it (who may change customers, or draft status-page text), not every
    signed-in user (an outside expert brought in for one case, say)."""
    return bool(
        user.has_perm("catalog.change_customer") or user.has_perm("statuspage.draft_update")
    )


def page_link(request: HttpRequest, customer: Customer) -> str | None:
    """The full address of CUSTOMER's own status page; None while the status page has none."""
    try:
        path = reverse("status-customer", args=[customer.page_token])
    except NoReverseMatch:
        return None
    return request.build_absolute_uri(path)


@require_POST
@login_required
@permission_required("catalog.change_customer", raise_exception=True)
def customer_rotate_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the customer a new secret page link; the old one stops working at once."""
    customer = get_object_or_404(Customer, pk=pk)
    customer.rotate_page_token()
    messages.success(request, f"{customer.name} has a new page link; the old one no longer works.")
    return redirect(customer)
