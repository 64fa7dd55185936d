"""Kill the worker in the middle of a delivery: after a restart everyone has it exactly once.

A real `warroom worker` process works through the deliveries of one published update to 40
subscribers, half by mail to a real SMTP server, half by webhook to a real HTTP receiver. The
receiver holds one request open; the test kills the worker with SIGKILL while that request is
in flight, starts a new worker, and waits until every delivery is sent. Counted by
idempotency key (webhooks) and Message-ID (mail), each subscriber got each message exactly
once; on the wire, the only repeat is the request that was in flight, under the same key.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from warroom.catalog.choices import ComponentStatus
from warroom.jobs.models import Job, JobState
from warroom.jobs.testing import worker_environment, worker_process
from warroom.notify.channels import message_id
from warroom.notify.models import Delivery, DeliveryState
from warroom.notify.tasks import INTERRUPTED
from warroom.notify.testing import SmtpServer, WebhookReceiver, wait_until
from warroom.statuspage.actions import (
    approve_update,
    draft_update,
    open_public_incident,
    publish_update,
)
from warroom.statuspage.choices import IncidentKind, SubscriberKind
from warroom.statuspage.models import IncidentUpdate, Subscriber
from warroom.statuspage.tests import site_data

SUBSCRIBERS = 40  # half by mail, half by webhook
HELD = 15  # the webhook request in flight when the worker is killed
# Each webhook subscriber gets the incident and one component_update for the Voice API.
DELIVERIES = SUBSCRIBERS // 2 + 2 * (SUBSCRIBERS // 2)
PATIENCE = 180  # seconds: a generous bound on the whole run, never a measurement

pytestmark = pytest.mark.django_db(transaction=True)


def _subscribers(receiver: WebhookReceiver) -> list[Subscriber]:
    now = timezone.now()
    made = []
    for n in range(SUBSCRIBERS):
        webhook = n % 2 == 1
        made.append(
            Subscriber.objects.create(
                kind=SubscriberKind.WEBHOOK if webhook else SubscriberKind.EMAIL,
                email=f"noc{n}@reseller.example",
                endpoint=receiver.url(f"/hooks/{n}") if webhook else "",
                confirmed_at=now,
            )
        )
    return made


def _publish() -> IncidentUpdate:
    """A communications person publishes "Voice API down" the way the staff pages do."""
    person = User.objects.create_user("comms")
    person.user_permissions.add(
        *Permission.objects.filter(codename__in=["draft_update", "approve_update"])
    )
    person = User.objects.get(pk=person.pk)  # fresh permission cache
    api = site_data.catalog()["api"]
    now = timezone.now()
    incident = open_public_incident(
        "Voice API unavailable", kind=IncidentKind.INCIDENT, actor=person, now=now
    )
    update = draft_update(
        incident,
        person,
        status="identified",
        body="We have taken the Voice API offline as a precaution.",
        changes={api: ComponentStatus.MAJOR_OUTAGE},
        language="en",
        now=now,
    )
    approve_update(update, person, now=now)
    return publish_update(update, person, now=now)


def _all_sent() -> bool:
    failed = Delivery.objects.filter(state=DeliveryState.FAILED).values_list("key", "last_error")
    assert not failed.exists(), list(failed)
    return Delivery.objects.filter(state=DeliveryState.SENT).count() == DELIVERIES


def test_every_subscriber_gets_the_update_exactly_once(tmp_path: Path) -> None:
    with SmtpServer() as smtp, WebhookReceiver() as receiver:
        receiver.hold(HELD)
        subscribers = _subscribers(receiver)
        update = _publish()
        env = worker_environment(
            tmp_path,
            smtp.env,
            {
                "WARROOM_STATUS_URL": settings.STATUS_PAGE_URL,
                "WARROOM_STATUS_NAME": settings.STATUS_PAGE_NAME,
                "WARROOM_STATUS_WEBHOOK_PRIVATE_OK": "1",  # its receiver is on 127.0.0.1
            },
        )
        with worker_process(env, tmp_path / "first.log") as first:
            assert receiver.held.wait(PATIENCE), (tmp_path / "first.log").read_text()
            first.kill()  # SIGKILL: no clean-up, no chance to record the request in flight
            first.wait(timeout=30)
        receiver.release()
        held = receiver.requests[HELD - 1]
        with worker_process(env, tmp_path / "second.log"):
            log = tmp_path / "second.log"
            wait_until(_all_sent, timeout=PATIENCE, message=f"all sent; {log.read_text()}")

    # Every subscriber received it: each webhook key and each mail, exactly once by key.
    hooks = [s for s in subscribers if s.kind == SubscriberKind.WEBHOOK]
    mails = [s for s in subscribers if s.kind == SubscriberKind.EMAIL]
    api = update.affected.get().component.code
    expected_keys = {f"update:{update.code}:{s.code}" for s in hooks} | {
        f"component:{update.code}:{api}:{s.code}" for s in hooks
    }
    by_key = receiver.by_key()
    assert set(by_key) == expected_keys
    for subscriber in mails:
        ids = [mail.message["Message-ID"] for mail in smtp.to(subscriber.email)]
        assert ids == [message_id(f"update:{update.code}:{subscriber.code}")]

    # On the wire: no mail twice, and one webhook twice: the one in flight, under its key.
    assert len(smtp.messages) == len(mails)
    repeated = {key: len(requests) for key, requests in by_key.items() if len(requests) > 1}
    assert repeated == {held.idempotency_key: 2}
    assert by_key[held.idempotency_key][0].body == by_key[held.idempotency_key][1].body

    # The delivery history tells what happened to the request in flight.
    interrupted = Delivery.objects.get(key=held.idempotency_key)
    assert [(a.ok, a.error) for a in interrupted.history.all()] == [
        (False, INTERRUPTED),
        (True, ""),
    ]
    assert not Job.objects.exclude(state=JobState.DONE).exists()
