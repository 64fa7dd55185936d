"""Putting a message in the outbox: a Delivery row and the job that sends it, once per key.

    send_email(key, to, subject, text, *, purpose, now, ...)   -> Delivery
    send_webhook(key, url, payload, *, purpose, secret, now, public_only) -> Delivery

Call them inside the transaction of the change that causes the message: the delivery and its
`notify.deliver` job commit or roll back with it. The KEY names the message, not the attempt
(`update:<update>:<subscriber>`): calling again with a key that exists returns the existing
delivery and queues nothing, so a caller that was killed half-way can simply run again.
docs/notifications.md states the whole contract.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction

from warroom.jobs.queue import enqueue
from warroom.notify.models import Channel, Delivery

__all__ = ["DELIVER", "JOB_MAX_ATTEMPTS", "MAX_ATTEMPTS", "send_email", "send_webhook"]

DELIVER = "notify.deliver"
# A delivery is tried this many times (with the worker's back-off: 20 s, 40 s, ... about 42
# minutes in all) before it is marked failed.
MAX_ATTEMPTS = 8
# The delivery's own count decides when it fails (tasks.py). The job's limit is a backstop a
# little higher, so that a worker killed between claiming the job and counting the attempt
# cannot end the job while the delivery still has tries left and so leave it pending forever.
JOB_MAX_ATTEMPTS = MAX_ATTEMPTS + 2
KEY_LENGTH = Delivery._meta.get_field("key").max_length or 200


def send_email(
    key: str,
    to: str,
    subject: str,
    text: str,
    *,
    purpose: str,
    now: datetime,
    html: str = "",
    headers: dict[str, str] | None = None,
) -> Delivery:
    """Queue a mail to TO with a plain-text part, and an HTML part when HTML is given.

    HEADERS are added to the message (List-Unsubscribe, say); the Message-ID is derived from
    KEY when it is sent, so a repeated send is recognisable as the same message.
    """
    fields = {
        "channel": Channel.EMAIL,
        "recipient": to,
        "subject": subject,
        "body": text,
        "html": html,
        "headers": dict(headers or {}),
    }
    return _put(key, purpose, now, fields)


def send_webhook(
    key: str,
    url: str,
    payload: dict[str, Any],
    *,
    purpose: str,
    secret: str,
    now: datetime,
    public_only: bool = False,
) -> Delivery:
    """Queue a signed POST of PAYLOAD as JSON to URL.

    The JSON is serialised here, once: the stored text is exactly the body every attempt
    sends and signs with SECRET. PUBLIC_ONLY marks a URL a stranger gave (a status-page
    subscriber's): it is not called if it reaches a private address (`addresses.py`).
    """
    fields = {
        "channel": Channel.WEBHOOK,
        "recipient": url,
        "body": _encode_json(payload),
        "secret": secret,
        "public_only": public_only,
    }
    return _put(key, purpose, now, fields)


def _encode_json(payload: dict[str, Any]) -> str:
    """PAYLOAD as compact JSON text (UTF-8 when encoded; times and decimals as Django does)."""
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def _put(key: str, purpose: str, now: datetime, fields: dict[str, Any]) -> Delivery:
    """The delivery under KEY: the existing one, or a new one with its job queued."""
    if not key or len(key) > KEY_LENGTH:
        raise ValueError(f"an idempotency key is 1 to {KEY_LENGTH} characters: {key!r}")
    existing = _existing(key)
    if existing is not None:
        return existing
    try:
        # A savepoint: when a concurrent caller inserts the same key first, only this insert
        # is undone and the caller's own transaction goes on (PostgreSQL would otherwise
        # refuse every further statement in it).
        with transaction.atomic():
            delivery = Delivery.objects.create(key=key, purpose=purpose, created_at=now, **fields)
            enqueue(DELIVER, {"delivery": delivery.pk}, now=now, max_attempts=JOB_MAX_ATTEMPTS)
    except IntegrityError:
        existing = _existing(key)
        if existing is None:
            raise  # some other constraint: not a lost race on the key
        return existing
    return delivery


def _existing(key: str) -> Delivery | None:
    return Delivery.objects.filter(key=key).first()
