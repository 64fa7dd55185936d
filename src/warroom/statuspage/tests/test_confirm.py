"""Confirming a subscription: a button on GET, the confirmation on POST (double opt-in)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from warroom.statuspage.models import Subscriber
from warroom.statuspage.subscriptions import CONFIRM_WITHIN, subscribe

NOW = datetime(2025, 8, 12, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _an_hour_later():
    """The mail is read an hour after the request."""
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        yield


@pytest.fixture
def pending(db):
    return subscribe(email="noc@reseller.example", now=NOW)


@pytest.fixture
def webhook(db):
    return subscribe(email="noc@reseller.example", endpoint="https://hooks.example/s", now=NOW)


def _url(subscriber):
    return f"/status/subscribe/confirm/{subscriber.confirm_token}/"


def test_get_shows_a_button_and_confirms_nothing(client, pending):
    response = client.get(_url(pending))
    pending.refresh_from_db()
    assert response.status_code == 200
    assert '<button type="submit">Confirm subscription</button>' in response.text
    assert pending.confirmed_at is None


def test_post_confirms(client, pending):
    response = client.post(_url(pending))
    pending.refresh_from_db()
    assert response.status_code == 200
    assert "Subscription confirmed" in response.text
    assert pending.is_active


def test_it_needs_no_csrf_token(pending):
    assert Client(enforce_csrf_checks=True).post(_url(pending)).status_code == 200


def test_a_webhook_subscriber_sees_its_signing_secret_once(client, webhook):
    first = client.post(_url(webhook)).text
    again = client.post(_url(webhook)).text
    assert webhook.secret in first
    assert webhook.secret not in again
    assert "already confirmed" in again


def test_an_e_mail_subscriber_is_shown_no_secret(client, pending):
    assert pending.secret not in client.post(_url(pending)).text


def test_confirming_again_replaces_the_older_subscription(client, pending):
    client.post(_url(pending))
    newer = subscribe(email="NOC@reseller.example", now=NOW)
    client.post(_url(newer))
    pending.refresh_from_db()
    newer.refresh_from_db()
    assert newer.is_active
    assert not pending.is_active
    assert pending.unsubscribed_at is not None


def test_a_webhook_and_an_e_mail_subscription_of_one_address_both_stay(client, pending, webhook):
    client.post(_url(pending))
    client.post(_url(webhook))
    assert Subscriber.objects.active().count() == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_token_answers_404(client, db, method):
    response = getattr(client, method)("/status/subscribe/confirm/nope/")
    assert response.status_code == 404
    assert "This link is not valid" in response.text


def test_the_link_of_an_ended_subscription_no_longer_confirms(client, pending):
    Subscriber.objects.filter(pk=pending.pk).update(unsubscribed_at=NOW)
    assert client.post(_url(pending)).status_code == 404
    pending.refresh_from_db()
    assert pending.confirmed_at is None


def test_token_pages_are_kept_out_of_search_engines(client, pending):
    assert '<meta name="robots" content="noindex, nofollow">' in client.get(_url(pending)).text


@pytest.mark.parametrize(
    ("after", "status"),
    [
        (CONFIRM_WITHIN - timedelta(seconds=1), 200),
        (CONFIRM_WITHIN, 200),
        (CONFIRM_WITHIN + timedelta(seconds=1), 404),
    ],
)
def test_the_link_works_for_seven_days(client, pending, after, status):
    with time_machine.travel(NOW + after, tick=False):
        assert client.post(_url(pending)).status_code == status


def test_a_new_request_deletes_requests_nobody_confirmed_in_time(db, pending):
    confirmed = subscribe(email="ops@reseller.example", now=NOW)
    Subscriber.objects.filter(pk=confirmed.pk).update(confirmed_at=NOW)
    recent = subscribe(email="late@reseller.example", now=NOW + timedelta(days=6))
    subscribe(email="new@customer.example", now=NOW + CONFIRM_WITHIN + timedelta(seconds=1))
    left = set(Subscriber.objects.values_list("email", flat=True))
    # Before, an unconfirmed address was kept for ever.
    assert left == {confirmed.email, recent.email, "new@customer.example"}
