"""Delivering webhooks through the worker to a real HTTP receiver."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from warroom.jobs.models import Job, JobState
from warroom.jobs.worker import run_once
from warroom.notify.models import DeliveryState
from warroom.notify.outbox import send_webhook
from warroom.notify.signing import verify
from warroom.notify.tasks import INTERRUPTED, deliver

NOW = datetime(2025, 8, 12, 9, 14, tzinfo=UTC)
SECRET = "Xq3-signing-secret"
PAYLOAD = {"meta": {"unsubscribe": "u", "documentation": "d"}, "page": {"id": "p"}, "x": "ü"}


def _queue(receiver, path="/hook", key="update:u1:s1"):
    return send_webhook(
        key, receiver.url(path), PAYLOAD, purpose="statuspage.update", secret=SECRET, now=NOW
    )


def _work(when=NOW):
    return run_once(worker_id="test", clock=lambda: when)


def test_it_posts_the_stored_body_signed(db, webhook_receiver):
    delivery = _queue(webhook_receiver)
    _work()
    [request] = webhook_receiver.requests
    assert (request.method, request.path) == ("POST", "/hook")
    assert request.body == delivery.body.encode()
    assert request.json() == PAYLOAD
    header = request.headers["x-warroom-signature"]
    assert verify(SECRET, request.body, header, now=timezone.now())
    assert not verify("another secret", request.body, header, now=timezone.now())


def test_it_sends_the_documented_headers(db, webhook_receiver):
    delivery = _queue(webhook_receiver)
    _work()
    headers = webhook_receiver.requests[0].headers
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == "warroom"
    assert headers["idempotency-key"] == "update:u1:s1"
    assert headers["x-warroom-delivery"] == str(delivery.pk)


def test_a_2xx_marks_it_sent_with_the_status_code(db, webhook_receiver):
    webhook_receiver.reply("/hook", 204)
    delivery = _queue(webhook_receiver)
    _work()
    delivery.refresh_from_db()
    [attempt] = delivery.history.all()
    assert (delivery.state, attempt.ok, attempt.status_code) == (DeliveryState.SENT, True, 204)


@pytest.mark.parametrize("status", [500, 503, 408, 429])
def test_a_server_error_or_throttling_is_retried_later(db, webhook_receiver, status):
    webhook_receiver.reply("/hook", status)
    delivery = _queue(webhook_receiver)
    _work()
    delivery.refresh_from_db()
    job = Job.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    assert delivery.last_error.startswith(f"HTTP {status}")
    assert delivery.history.get().status_code == status
    assert (job.state, job.attempts) == (JobState.QUEUED, 1)
    assert job.run_at >= NOW + timedelta(seconds=20)


def test_a_retry_after_header_is_honoured(db, webhook_receiver):
    # Before, a receiver asking for 10 minutes got the next attempt after 40 seconds.
    webhook_receiver.reply("/hook", 429, {"Retry-After": "600"})
    _queue(webhook_receiver)
    _work()
    job = Job.objects.get()
    assert job.state == JobState.QUEUED
    assert NOW + timedelta(seconds=600) <= job.run_at < NOW + timedelta(seconds=700)


def test_the_retry_sends_the_same_body_and_key(db, webhook_receiver):
    webhook_receiver.reply("/hook", 500)
    _queue(webhook_receiver)
    _work()
    webhook_receiver.reply("/hook", 200)
    _work(Job.objects.get().run_at)
    first, second = webhook_receiver.requests
    assert first.body == second.body
    assert first.idempotency_key == second.idempotency_key == "update:u1:s1"
    assert Job.objects.get().state == JobState.DONE


def test_a_404_fails_for_good_and_is_recorded(db, webhook_receiver):
    webhook_receiver.reply("/hook", 404)
    delivery = _queue(webhook_receiver)
    _work()
    delivery.refresh_from_db()
    job = Job.objects.get()
    [attempt] = delivery.history.all()
    assert (delivery.state, attempt.ok, attempt.status_code) == (DeliveryState.FAILED, False, 404)
    assert (job.state, job.attempts) == (JobState.FAILED, 1)
    assert "HTTP 404" in job.last_error


def test_a_redirect_is_not_followed_and_fails(db, webhook_receiver):
    webhook_receiver.reply("/hook", 301, {"Location": webhook_receiver.url("/elsewhere")})
    delivery = _queue(webhook_receiver)
    _work()
    delivery.refresh_from_db()
    assert [r.path for r in webhook_receiver.requests] == ["/hook"]
    assert delivery.state == DeliveryState.FAILED
    assert delivery.history.get().status_code == 301
    assert "not followed" in delivery.last_error


def test_a_refused_connection_is_retried(db):
    delivery = send_webhook(
        "k", "http://127.0.0.1:1/hook", PAYLOAD, purpose="t", secret=SECRET, now=NOW
    )
    _work()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_error.startswith("ConnectError")
    assert Job.objects.get().state == JobState.QUEUED


def test_a_url_that_is_not_http_fails_for_good(db):
    delivery = send_webhook("k", "ftp://127.0.0.1/x", PAYLOAD, purpose="t", secret="s", now=NOW)
    _work()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert "not an http(s) URL" in delivery.last_error


def test_an_attempt_cut_short_by_a_dead_worker_enters_the_history(db, webhook_receiver):
    delivery = _queue(webhook_receiver)
    # Counted and never recorded: what a worker killed in the middle of the POST leaves.
    type(delivery).objects.filter(pk=delivery.pk).update(attempts=1)
    deliver({"delivery": delivery.pk})
    delivery.refresh_from_db()
    history = list(delivery.history.all())
    assert [(a.ok, a.error) for a in history] == [(False, INTERRUPTED), (True, "")]
    assert delivery.attempts == 2


def test_interrupted_attempts_count_towards_the_limit(db, webhook_receiver):
    delivery = _queue(webhook_receiver)
    type(delivery).objects.filter(pk=delivery.pk).update(attempts=8)
    from warroom.jobs.errors import PermanentError

    with pytest.raises(PermanentError, match="all 8 attempts used"):
        deliver({"delivery": delivery.pk})
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert webhook_receiver.requests == []
