"""The `notify.deliver` job: send one delivery, record the attempt, settle its state.

A delivery moves pending → sent, or pending → failed when an attempt fails in a way retrying
cannot mend (an HTTP 404, a refused mailbox) or when its MAX_ATTEMPTS tries are used up. The
delivery itself counts its attempts, before each send, so its own count decides when it has
failed: a job handler cannot see its job's attempt number (see outbox.JOB_MAX_ATTEMPTS).

Exactly once, as far as a sender can promise it: a delivery already sent is never sent again,
and the only repeat possible is of an attempt whose worker died after sending and before
recording; that repeat carries the same Idempotency-Key (webhooks) or Message-ID (mail).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from warroom.jobs.errors import PermanentError
from warroom.jobs.registry import Payload
from warroom.notify.channels import post_webhook, send_mail
from warroom.notify.errors import DeliveryFailed
from warroom.notify.models import Channel, Delivery, DeliveryAttempt, DeliveryState
from warroom.notify.outbox import MAX_ATTEMPTS

__all__ = ["INTERRUPTED", "deliver"]

logger = logging.getLogger("warroom.notify")

INTERRUPTED = (
    "interrupted: the worker stopped before it recorded the outcome; the receiver may have "
    "got this attempt (a repeat carries the same idempotency key)"
)


def deliver(payload: Payload) -> None:
    """Job handler: send the delivery named by payload["delivery"], unless already settled.

    Raises DeliveryFailed to be retried, PermanentError when the delivery has failed for good.
    """
    now = timezone.now()
    delivery = _begin_attempt(payload, now)
    if delivery is None:
        return
    if delivery.attempts > MAX_ATTEMPTS:
        # Reached only after interrupted attempts: every allowed try has been made.
        _settle(delivery, DeliveryState.FAILED, last_error=INTERRUPTED)
        raise PermanentError(f"delivery {delivery.pk}: all {MAX_ATTEMPTS} attempts used")
    started = time.monotonic()
    try:
        status_code = _send(delivery, now)
    except DeliveryFailed as exc:
        _record_failure(delivery, exc, now, _elapsed_ms(started))
        if not exc.retry or delivery.attempts >= MAX_ATTEMPTS:
            raise PermanentError(f"delivery {delivery.pk} failed: {exc}") from exc
        raise
    _record_success(delivery, status_code, now, _elapsed_ms(started))


def _send(delivery: Delivery, now: datetime) -> int | None:
    if delivery.channel == Channel.WEBHOOK:
        return post_webhook(delivery, now)
    send_mail(delivery)
    return None


@transaction.atomic
def _begin_attempt(payload: Payload, now: datetime) -> Delivery | None:
    """Count one more attempt of a pending delivery and return it; None if already settled."""
    pk = payload.get("delivery")
    if not isinstance(pk, int):
        raise PermanentError(f"no delivery with id {pk!r}")
    pending = Delivery.objects.filter(pk=pk, state=DeliveryState.PENDING)
    if not pending.update(attempts=F("attempts") + 1):
        if not Delivery.objects.filter(pk=pk).exists():
            raise PermanentError(f"no delivery with id {pk!r}")
        return None  # sent or failed already: running again must not send again
    delivery = Delivery.objects.get(pk=pk)
    _note_interrupted(delivery, now)
    return delivery


def _note_interrupted(delivery: Delivery, now: datetime) -> None:
    """Put attempts that were counted but never recorded into the history, as interrupted."""
    missing = delivery.attempts - 1 - delivery.history.count()
    for _ in range(missing):
        DeliveryAttempt.objects.create(delivery=delivery, at=now, ok=False, error=INTERRUPTED)
    if missing:
        logger.warning("delivery %s: %d attempt(s) were interrupted", delivery.pk, missing)


@transaction.atomic
def _record_success(
    delivery: Delivery, status_code: int | None, now: datetime, duration_ms: int
) -> None:
    DeliveryAttempt.objects.create(
        delivery=delivery, at=now, ok=True, status_code=status_code, duration_ms=duration_ms
    )
    _settle(delivery, DeliveryState.SENT, sent_at=now, last_error="")
    logger.info("delivery %s sent (%s) to %s", delivery.pk, delivery.key, delivery.recipient)


@transaction.atomic
def _record_failure(
    delivery: Delivery, exc: DeliveryFailed, now: datetime, duration_ms: int
) -> None:
    DeliveryAttempt.objects.create(
        delivery=delivery,
        at=now,
        ok=False,
        status_code=exc.status_code,
        error=str(exc),
        duration_ms=duration_ms,
    )
    final = not exc.retry or delivery.attempts >= MAX_ATTEMPTS
    state = DeliveryState.FAILED if final else DeliveryState.PENDING
    _settle(delivery, state, last_error=str(exc))
    logger.warning("delivery %s attempt %d failed: %s", delivery.pk, delivery.attempts, exc)


def _settle(delivery: Delivery, state: DeliveryState, **fields: object) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(state=state, **fields)
    delivery.state = state


def _elapsed_ms(started: float) -> int:
    return max(0, round((time.monotonic() - started) * 1000))
