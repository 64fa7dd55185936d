"""Unsubscribing: a button on GET, and RFC 8058's one-click POST from the mail client."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from warroom.statuspage.models import Subscriber

NOW = datetime(2025, 8, 12, 14, 0, tzinfo=UTC)


@pytest.fixture
def subscriber(db):
    return Subscriber.objects.create(kind="email", email="noc@reseller.example", confirmed_at=NOW)


def _url(subscriber):
    return f"/status/unsubscribe/{subscriber.unsubscribe_token}/"


def test_get_shows_a_button_and_changes_nothing(client, subscriber):
    response = client.get(_url(subscriber))
    subscriber.refresh_from_db()
    assert response.status_code == 200
    assert '<button type="submit">Unsubscribe</button>' in response.text
    assert subscriber.is_active


def test_the_button_unsubscribes(client, subscriber):
    response = client.post(_url(subscriber))
    subscriber.refresh_from_db()
    assert response.status_code == 200
    assert "Unsubscribed" in response.text
    assert not subscriber.is_active


def test_the_one_click_post_of_a_mail_client_unsubscribes_without_a_csrf_token(subscriber):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        _url(subscriber),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    subscriber.refresh_from_db()
    assert response.status_code == 200
    assert subscriber.unsubscribed_at is not None


def test_unsubscribing_twice_keeps_the_first_time(client, subscriber):
    client.post(_url(subscriber))
    first = Subscriber.objects.get().unsubscribed_at
    client.post(_url(subscriber))
    assert Subscriber.objects.get().unsubscribed_at == first


def test_after_unsubscribing_the_link_says_so(client, subscriber):
    client.post(_url(subscriber))
    response = client.get(_url(subscriber))
    assert response.status_code == 200
    assert "You will get no more updates" in response.text


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_token_answers_404(client, db, method):
    response = getattr(client, method)("/status/unsubscribe/nope/")
    assert response.status_code == 404
    assert "This link is not valid" in response.text
