"""Delivering mail through the worker to a real SMTP server."""

from datetime import UTC, datetime, timedelta

import pytest

from warroom.jobs.models import Job, JobState
from warroom.jobs.worker import run_once
from warroom.notify.channels import message_id
from warroom.notify.models import Delivery, DeliveryState
from warroom.notify.outbox import MAX_ATTEMPTS, send_email
from warroom.notify.tasks import deliver

NOW = datetime(2025, 8, 12, 9, 14, tzinfo=UTC)
UNSUBSCRIBE = "https://status.example.net/status/unsubscribe/t0k3n/"
HEADERS = {
    "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
}


def _queue(key="update:u1:s1", to="noc@example.net"):
    return send_email(
        key,
        to,
        "[Service status] Voice API outage — Identified",
        "We have identified the cause.\n",
        purpose="statuspage.update",
        html="<p>We have identified the cause.</p>",
        headers=HEADERS,
        now=NOW,
    )


def _work(when=NOW):
    return run_once(worker_id="test", clock=lambda: when)


def test_it_sends_text_and_html_with_the_unsubscribe_headers(db, smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "status@example.net"
    delivery = _queue()
    _work()
    [mail] = smtp_server.messages
    message = mail.message
    assert mail.rcpt_tos == ["noc@example.net"]
    assert message["From"] == "status@example.net"
    # Django folds an encoded subject onto a continuation line; readers unfold and trim it.
    assert message["Subject"].strip() == "[Service status] Voice API outage — Identified"
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] == message_id(delivery.key)
    assert mail.part("text/plain") == "We have identified the cause.\n"
    assert mail.part("text/html") == "<p>We have identified the cause.</p>"


def test_it_marks_the_delivery_sent_and_records_the_attempt(db, smtp_server):
    delivery = _queue()
    _work()
    delivery.refresh_from_db()
    [attempt] = delivery.history.all()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.SENT, 1, "")
    assert delivery.sent_at is not None
    assert (attempt.ok, attempt.status_code, attempt.error) == (True, None, "")
    assert Job.objects.get().state == JobState.DONE


def test_the_message_id_is_the_same_on_every_send_of_a_key(db, smtp_server):
    delivery = _queue()
    deliver({"delivery": delivery.pk})
    # As if the worker died after sending and before recording: the delivery is pending again.
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.PENDING)
    deliver({"delivery": delivery.pk})
    ids = [mail.message["Message-ID"] for mail in smtp_server.messages]
    assert ids == [message_id("update:u1:s1")] * 2
    assert message_id("update:u1:s2") != ids[0]


def test_a_sent_delivery_is_not_sent_again(db, smtp_server):
    delivery = _queue()
    deliver({"delivery": delivery.pk})
    deliver({"delivery": delivery.pk})
    assert len(smtp_server.messages) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_a_temporary_smtp_error_is_retried_with_back_off(db, smtp_server):
    smtp_server.data_reply = "451 4.3.0 Try again later"
    delivery = _queue()
    _work()
    delivery.refresh_from_db()
    job = Job.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    assert "451" in delivery.last_error
    assert delivery.history.get().status_code == 451
    assert job.state == JobState.QUEUED
    assert job.run_at >= NOW + timedelta(seconds=20)
    smtp_server.data_reply = ""
    _work(job.run_at)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT
    assert [a.ok for a in delivery.history.all()] == [False, True]
    assert len(smtp_server.messages) == 1


def test_a_refused_mailbox_fails_at_once(db, smtp_server):
    smtp_server.refuse["gone@example.net"] = "550 5.1.1 No such user"
    delivery = _queue(to="gone@example.net")
    _work()
    delivery.refresh_from_db()
    job = Job.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 1)
    assert "550 5.1.1 No such user" in delivery.last_error
    assert job.state == JobState.FAILED
    assert "PermanentError" in job.last_error


def test_an_unreachable_server_is_retried(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens on port 1
    settings.EMAIL_TIMEOUT = 5
    delivery = _queue()
    _work()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_error.startswith("SMTP:")
    assert Job.objects.get().state == JobState.QUEUED


def test_the_last_attempt_fails_the_delivery(db, smtp_server):
    smtp_server.data_reply = "451 4.3.0 Try again later"
    delivery = _queue()
    when = NOW
    for _ in range(MAX_ATTEMPTS):
        _work(when)
        when = Job.objects.get().run_at
    delivery.refresh_from_db()
    job = Job.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, MAX_ATTEMPTS)
    assert delivery.history.count() == MAX_ATTEMPTS
    assert (job.state, job.attempts) == (JobState.FAILED, MAX_ATTEMPTS)


def test_it_fails_permanently_for_a_missing_delivery(db):
    from warroom.jobs.errors import PermanentError

    with pytest.raises(PermanentError, match="no delivery"):
        deliver({"delivery": 404})
