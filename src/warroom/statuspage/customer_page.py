"""A customer's own status page: only the components it uses, and notices meant for it.

Reached by the secret link in `Customer.page_token`; rendered live on every request and never
exported or cached, since it is one customer's and may name things the public page does not
(a customer's components need not be public).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q

from warroom.catalog.models import Component, Customer
from warroom.statuspage import site, site_pages, v2
from warroom.statuspage.choices import INDICATOR_ORDER, UNRESOLVED, Impact, page_indicator
from warroom.statuspage.models import Notice, PublicIncident
from warroom.statuspage.uptime import DAYS, uptime_for

ROOT = "../../"  # from /status/c/<token>/ back to /status/


def components(customer: Customer) -> list[Component]:
    """The components CUSTOMER uses, a group standing for its children, in page order."""
    chosen = customer.components.all()
    rows = Component.objects.filter(Q(pk__in=chosen) | Q(group__in=chosen), is_group=False)
    return list(rows.select_related("group").order_by("position", "name", "id"))


def notices(customer: Customer, now: datetime) -> list[dict[str, Any]]:
    """CUSTOMER's published notices that have not expired by NOW, newest first."""
    rows = Notice.objects.live(now).filter(customers=customer, published_at__isnull=False)
    return [
        {"title": row.title, "body": row.body, "when": site_pages.moment(row.published_at)}
        for row in rows.order_by("-published_at", "-id")
    ]


def incidents(rows: list[Component], now: datetime) -> list[PublicIncident]:
    """Published incidents naming one of ROWS: open ones, and others of the last DAYS days."""
    recent = Q(created_at__gte=now - timedelta(days=DAYS)) | Q(resolved_at__isnull=True)
    touching = PublicIncident.objects.filter(components__in=rows).values("pk")
    return list(v2.published_incidents().filter(recent, pk__in=touching))


def status(rows: list[Component], open_incidents: list[PublicIncident]) -> dict[str, str]:
    """The banner for the customer's own components and the incidents touching them."""
    worst = page_indicator(rows)
    for incident in open_incidents:
        if incident.status in UNRESOLVED:
            implied = v2.IMPACT_INDICATOR[Impact(v2.impact_of(incident))]
            worst = max(worst, implied, key=INDICATOR_ORDER.index)
    return {"indicator": worst.value, "description": worst.label}


def context(customer: Customer, now: datetime) -> dict[str, Any]:
    """Everything customer.html shows for CUSTOMER at NOW."""
    rows = components(customer)
    uptimes = uptime_for(rows, now)
    touching = incidents(rows, now)
    return site.page_context(ROOT, live=True, updated=site.last_change()) | {
        "customer": customer,
        "components": [site_pages.component_view(row, uptimes.get(row.pk)) for row in rows],
        "incidents": [site_pages.incident_view(row) for row in touching],
        "notices": notices(customer, now),
        "status": status(rows, touching),
        "noindex": True,
    }
