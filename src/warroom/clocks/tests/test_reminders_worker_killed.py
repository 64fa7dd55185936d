"""Kill the worker in the middle of the reminders: after a restart each went out exactly once.

The case's clocks are computed as of an hour after awareness in August 2025, so every
reminder point is long past for a real `warroom worker` process: it runs all the
`clocks.remind` jobs, then delivers their mail to a real SMTP server and their webhooks to a
real receiver. The receiver holds one webhook request open; the test kills the worker with
SIGKILL while that request is in flight, starts a new worker, and waits until everything is
sent. Counted by idempotency key (webhooks) and Message-ID (mail), each reminder reached each
owner exactly once; on the wire the only repeat is the request that was in flight.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from warroom.clocks.reminders import REMIND
from warroom.jobs.models import Job, JobState
from warroom.jobs.testing import worker_environment, worker_process
from warroom.notify.channels import message_id
from warroom.notify.models import Delivery, DeliveryState
from warroom.notify.testing import SmtpServer, WebhookReceiver, wait_until

HELD = 3  # the webhook request in flight when the worker is killed
PATIENCE = 180  # seconds: a generous bound on the whole run, never a measurement
OWNERS = ("alice", "dana", "erin")

pytestmark = pytest.mark.django_db(transaction=True)


def _reminder_keys() -> set[str]:
    """The key of every reminder the recompute queued: obligation, point, deadline."""
    payloads = Job.objects.filter(kind=REMIND).values_list("payload", flat=True)
    return {f"clock:{p['obligation']}:{p['point']}:{p['due_at']}" for p in payloads}


def _all_sent(expected: int) -> bool:
    failed = Delivery.objects.filter(state=DeliveryState.FAILED).values_list("key", "last_error")
    assert not failed.exists(), list(failed)
    unfinished = Job.objects.filter(kind=REMIND).exclude(state=JobState.DONE).exists()
    sent = Delivery.objects.filter(state=DeliveryState.SENT).count()
    return not unfinished and sent == expected


def test_every_reminder_reaches_every_owner_exactly_once(tmp_path, clock_case):
    keys = _reminder_keys()
    assert len(keys) >= 8  # the early warning and the notification to DE, four points each
    owners = {user.username: user for user in User.objects.filter(username__in=OWNERS)}
    expected = len(keys) * (1 + len(owners))
    with SmtpServer() as smtp, WebhookReceiver() as receiver:
        receiver.hold(HELD)
        env = worker_environment(
            tmp_path,
            smtp.env,
            {
                "WARROOM_CLOCK_REMINDERS": "50%,-4h,0,+1h",
                "WARROOM_CLOCK_WEBHOOK_URL": receiver.url("/clocks"),
                "WARROOM_CLOCK_WEBHOOK_SECRET": "s3cret",
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
            wait_until(
                lambda: _all_sent(expected),
                timeout=PATIENCE,
                message=f"all sent; {log.read_text()}",
            )

    # Every reminder went to the webhook, once by key; the only repeat is the held request.
    by_key = receiver.by_key()
    assert set(by_key) == keys
    repeated = {key: len(requests) for key, requests in by_key.items() if len(requests) > 1}
    assert repeated == {held.idempotency_key: 2}
    # Every owner got every reminder by mail, once: one Message-ID each, nothing repeated.
    for user in owners.values():
        ids = sorted(mail.message["Message-ID"] for mail in smtp.to(user.email))
        assert ids == sorted(message_id(f"{key}:user:{user.pk}") for key in keys)
    assert len(smtp.messages) == len(keys) * len(owners)
    assert not Job.objects.exclude(state=JobState.DONE).exists()
