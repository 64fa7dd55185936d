"""The `statuspage.fan_out` job: tell every subscriber concerned about one published update.

    fan_out({"update": id})

Each subscriber gets one delivery through the outbox, keyed `update:<update>:<subscriber>`;
a webhook subscriber also gets one Statuspage `component_update` webhook per affected
component whose status changed (and that it follows), keyed
`component:<update>:<component>:<subscriber>`. The keys make the job restartable: killed
half-way, the retry walks the same subscribers and the outbox skips every delivery that
exists, so only the missing ones are created.

Who is concerned: active subscribers (confirmed, not unsubscribed) of all components, and
those following any component of the incident (the update's affected components are among
them once published) or a group holding one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from warroom.jobs.errors import PermanentError
from warroom.jobs.registry import Payload
from warroom.notify.outbox import send_email, send_webhook
from warroom.statuspage import v2
from warroom.statuspage.choices import ReviewState, SubscriberKind
from warroom.statuspage.mail import (
    live_url,
    unsubscribe_headers,
    unsubscribe_url,
    update_mail,
)
from warroom.statuspage.models import AffectedComponent, IncidentUpdate, Subscriber

__all__ = ["BATCH", "fan_out", "webhook_documentation_url"]

BATCH = 500  # subscribers read, and deliveries committed, per round
PURPOSE_UPDATE = "statuspage.update"
PURPOSE_COMPONENT = "statuspage.component"

Doc = dict[str, Any]


@dataclass(frozen=True)
class News:
    """What every subscriber is told about one update, computed once per fan-out."""

    update: IncidentUpdate
    affected: list[AffectedComponent]  # public components the update changed
    component_ids: set[int]  # the incident's public components, the affected among them
    page: Doc  # the webhook payload's `page`
    incident: Doc  # the webhook payload's `incident`


def fan_out(payload: Payload) -> None:
    """Job handler: queue the deliveries of published update payload["update"]."""
    update = _published_update(payload.get("update"))
    if not update.deliver_notifications:
        return
    now = timezone.now()
    news = _news(update)
    for batch in _batches(_audience(news.component_ids)):
        # One transaction per batch: fewer commits, and a crash loses at most one batch,
        # which the retry recreates.
        with transaction.atomic():
            for subscriber in batch:
                _tell(subscriber, news, now)


def _published_update(pk: object) -> IncidentUpdate:
    if not isinstance(pk, int):
        raise PermanentError(f"no published update with id {pk!r}: nothing to tell subscribers")
    update = (
        IncidentUpdate.objects.select_related("incident")
        .filter(pk=pk, review=ReviewState.PUBLISHED, published_at__isnull=False)
        .first()
    )
    if update is None:
        raise PermanentError(f"no published update with id {pk!r}: nothing to tell subscribers")
    return update


def _news(update: IncidentUpdate) -> News:
    affected = [
        row
        for row in update.affected.select_related("component").order_by("component__position")
        if row.component.public
    ]
    component_ids = set(update.incident.components.filter(public=True).values_list("pk", flat=True))
    component_ids |= {row.component_id for row in affected}
    status = v2.status_object()
    page = {
        "id": v2.page_id(),
        "status_indicator": status["indicator"],
        "status_description": status["description"],
    }
    return News(update, affected, component_ids, page, v2.incident_object(update.incident))


def _audience(component_ids: Iterable[int]) -> Iterator[Subscriber]:
    """Active subscribers concerned by COMPONENT_IDS, in a stable order, read in chunks."""
    return (
        Subscriber.objects.active()
        .for_components(component_ids)
        .prefetch_related("components")
        .order_by("pk")
        .iterator(chunk_size=BATCH)
    )


def _batches(subscribers: Iterator[Subscriber]) -> Iterator[list[Subscriber]]:
    batch: list[Subscriber] = []
    for subscriber in subscribers:
        batch.append(subscriber)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _tell(subscriber: Subscriber, news: News, now: datetime) -> None:
    key = f"update:{news.update.code}:{subscriber.code}"
    if subscriber.kind == SubscriberKind.WEBHOOK:
        body = {"meta": _meta(subscriber), "page": news.page, "incident": news.incident}
        send_webhook(
            key,
            subscriber.endpoint,
            body,
            purpose=PURPOSE_UPDATE,
            secret=subscriber.secret,
            now=now,
            public_only=True,
        )
        _tell_components(subscriber, news, now)
        return
    mail = update_mail(subscriber, news.update, news.affected)
    send_email(
        key,
        subscriber.email,
        mail.subject,
        mail.text,
        html=mail.html,
        headers=unsubscribe_headers(subscriber),
        purpose=PURPOSE_UPDATE,
        now=now,
    )


def _tell_components(subscriber: Subscriber, news: News, now: datetime) -> None:
    """One `component_update` webhook per changed component SUBSCRIBER follows."""
    for row in news.affected:
        if row.old_status == row.new_status or not _follows(subscriber, row):
            continue
        body = {
            "meta": _meta(subscriber),
            "page": news.page,
            "component_update": _component_update(news.update, row),
            "component": {
                "created_at": v2.iso(row.component.created_at),
                "id": row.component.code,
                "name": row.component.name,
                "status": row.new_status,
            },
        }
        key = f"component:{news.update.code}:{row.component.code}:{subscriber.code}"
        send_webhook(
            key,
            subscriber.endpoint,
            body,
            purpose=PURPOSE_COMPONENT,
            secret=subscriber.secret,
            now=now,
            public_only=True,
        )


def _follows(subscriber: Subscriber, row: AffectedComponent) -> bool:
    """Whether SUBSCRIBER follows ROW's component: all of them, it, or its group."""
    chosen = {component.pk for component in subscriber.components.all()}  # prefetched
    return not chosen or bool(chosen & {row.component_id, row.component.group_id})


def _component_update(update: IncidentUpdate, row: AffectedComponent) -> Doc:
    # A stable id: the same change always gets the same id, whichever run sends it.
    digest = hashlib.sha256(f"{update.code}:{row.component.code}".encode()).hexdigest()
    return {
        "created_at": v2.iso(update.published_at),
        "new_status": row.new_status,
        "old_status": row.old_status or None,
        "id": digest[:12],
        "component_id": row.component.code,
    }


def _meta(subscriber: Subscriber) -> Doc:
    return {
        "unsubscribe": unsubscribe_url(subscriber),
        "documentation": webhook_documentation_url(),
    }


def webhook_documentation_url() -> str:
    """Where a receiver reads the payloads and how to check their signature."""
    return f"{live_url('status-subscribe')}#webhooks"
