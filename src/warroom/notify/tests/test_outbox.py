"""The outbox: one delivery and one job per idempotency key, however often it is asked."""

import json
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from warroom.jobs.models import Job
from warroom.notify import outbox
from warroom.notify.models import Channel, Delivery, DeliveryState
from warroom.notify.outbox import send_email, send_webhook

NOW = datetime(2025, 8, 12, 9, 14, tzinfo=UTC)
PAYLOAD = {"meta": {"unsubscribe": "https://status.example.net/u/x/"}, "page": {"id": "é"}}


def _mail(key="confirm:abc", **extra):
    return send_email(
        key, "noc@example.net", "Confirm", "Please confirm.", purpose="test", now=NOW, **extra
    )


def test_it_creates_a_pending_delivery_and_its_job(db):
    delivery = _mail(html="<p>Please confirm.</p>", headers={"X-Test": "1"})
    job = Job.objects.get()
    assert (delivery.channel, delivery.state, delivery.created_at) == (
        Channel.EMAIL,
        DeliveryState.PENDING,
        NOW,
    )
    assert (delivery.html, delivery.headers) == ("<p>Please confirm.</p>", {"X-Test": "1"})
    assert (job.kind, job.payload, job.run_at) == ("notify.deliver", {"delivery": delivery.pk}, NOW)
    assert job.max_attempts == outbox.JOB_MAX_ATTEMPTS > outbox.MAX_ATTEMPTS == 8


def test_the_same_key_twice_makes_one_delivery_and_one_job(db):
    first = _mail()
    second = send_email("confirm:abc", "other@example.net", "X", "Y", purpose="test", now=NOW)
    assert second.pk == first.pk
    assert second.recipient == "noc@example.net"
    assert (Delivery.objects.count(), Job.objects.count()) == (1, 1)


def test_a_webhook_body_is_the_compact_json_serialised_once(db):
    delivery = send_webhook(
        "update:u:s", "https://hooks.example.net/a", PAYLOAD, purpose="test", secret="k", now=NOW
    )
    assert (
        delivery.body
        == '{"meta":{"unsubscribe":"https://status.example.net/u/x/"},"page":{"id":"é"}}'
    )
    assert json.loads(delivery.body) == PAYLOAD
    assert (delivery.channel, delivery.secret) == (Channel.WEBHOOK, "k")


def test_it_refuses_a_key_too_long_to_store(db):
    with pytest.raises(ValueError, match="idempotency key"):
        _mail(key="k" * 201)
    with pytest.raises(ValueError, match="idempotency key"):
        _mail(key="")


def test_losing_the_race_for_a_key_returns_the_winner_and_keeps_the_transaction(db, monkeypatch):
    winner = _mail()
    # As if another process inserted the key between this call's look-up and its insert:
    # the first look-up misses, the insert collides.
    looked_up: list[str] = []
    real_existing = outbox._existing

    def miss_first(key):
        looked_up.append(key)
        return None if len(looked_up) == 1 else real_existing(key)

    monkeypatch.setattr(outbox, "_existing", miss_first)
    with transaction.atomic():
        loser = send_email("confirm:abc", "x@example.net", "X", "Y", purpose="test", now=NOW)
        # The caller's transaction is still usable: only the savepoint was rolled back.
        other = _mail(key="confirm:def")
    assert looked_up[:2] == ["confirm:abc", "confirm:abc"]
    assert loser.pk == winner.pk
    assert Delivery.objects.count() == 2
    assert Job.objects.count() == 2
    assert other.pk != winner.pk


def _change_that_fails() -> None:
    with transaction.atomic():
        _mail()
        raise RuntimeError("the change that caused the mail failed")


def test_a_rolled_back_caller_leaves_neither_delivery_nor_job(db):
    with pytest.raises(RuntimeError):
        _change_that_fails()
    assert not Delivery.objects.exists()
    assert not Job.objects.exists()


THREADS = 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("in_transaction", [False, True], ids=["autocommit", "in-transaction"])
def test_concurrent_calls_with_one_key_make_one_delivery_and_one_job(in_transaction):
    barrier = threading.Barrier(THREADS)
    results: list[int] = []
    errors: list[BaseException] = []

    def call() -> None:
        try:
            barrier.wait(timeout=10)
            if in_transaction:
                with transaction.atomic():
                    results.append(_mail(key="update:race:1").pk)
            else:
                results.append(_mail(key="update:race:1").pk)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == THREADS
    assert len(set(results)) == 1
    assert Delivery.objects.count() == 1
    assert Job.objects.count() == 1
