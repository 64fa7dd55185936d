"""The public subscribe form: double opt-in, per-component choice, no enumeration, a limit."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from warroom.notify.models import Delivery
from warroom.statuspage import subscriptions
from warroom.statuspage.choices import SubscriberKind
from warroom.statuspage.models import Subscriber

NOW = datetime(2025, 8, 12, 14, 0, tzinfo=UTC)
URL = "/status/subscribe/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def _post(client, headers=None, **data):
    return client.post(URL, {"email": "noc@reseller.example", **data}, headers=headers)


def test_the_route_is_named_and_mounted_under_status():
    assert reverse("status-subscribe") == URL


def test_it_shows_public_components_grouped(client, catalog):
    catalog["hosting"].public = False
    catalog["hosting"].save()
    page = client.get(URL).text
    assert "<fieldset><legend>Voice</legend>" in page
    assert f'name="components" value="{catalog["api"].code}"' in page
    assert f'name="components" value="{catalog["portal"].code}"' in page
    assert catalog["voice"].code not in page  # a group is no choice of its own
    assert catalog["hosting"].code not in page


def test_it_creates_an_unconfirmed_subscriber_with_its_choices(client, catalog):
    response = _post(client, components=[catalog["api"].code, catalog["sip"].code], language="de")
    subscriber = Subscriber.objects.get()
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    assert (subscriber.kind, subscriber.email, subscriber.language) == (
        SubscriberKind.EMAIL,
        "noc@reseller.example",
        "de",
    )
    assert set(subscriber.components.all()) == {catalog["api"], catalog["sip"]}
    assert subscriber.confirmed_at is None


def test_it_queues_the_confirmation_mail_through_the_outbox(client, catalog, settings):
    settings.STATUS_PAGE_URL = "https://status.example.net/status/"
    _post(client)
    subscriber = Subscriber.objects.get()
    delivery = Delivery.objects.get()
    link = f"https://status.example.net/status/subscribe/confirm/{subscriber.confirm_token}/"
    assert delivery.key == f"confirm:{subscriber.code}"
    assert (delivery.recipient, delivery.purpose) == ("noc@reseller.example", "statuspage.confirm")
    assert link in delivery.body
    assert link in delivery.html


def test_links_in_mail_come_from_the_settings_never_from_the_request(client, catalog, settings):
    settings.STATUS_PAGE_URL = "https://mirror.example.org/status/"
    settings.STATUS_SUBSCRIBE_URL = "https://warroom.example.net/status/subscribe/"
    client.post(URL, {"email": "noc@reseller.example"}, HTTP_HOST="localhost")
    body = Delivery.objects.get().body
    assert "https://warroom.example.net/status/subscribe/confirm/" in body
    assert "localhost" not in body


def test_a_webhook_url_makes_a_webhook_subscriber(client, catalog):
    _post(client, endpoint="https://hooks.reseller.example/status")
    subscriber = Subscriber.objects.get()
    assert (subscriber.kind, subscriber.endpoint) == (
        SubscriberKind.WEBHOOK,
        "https://hooks.reseller.example/status",
    )
    # The contact address confirms; the webhook gets nothing until then.
    assert Delivery.objects.get().recipient == "noc@reseller.example"


@pytest.mark.parametrize(
    "endpoint", ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8000/admin/"]
)
def test_a_webhook_to_an_inside_address_is_refused(client, catalog, settings, endpoint):
    # Before, anyone could have warroom POST to its own network on every update.
    settings.STATUS_WEBHOOK_PRIVATE_OK = False
    response = _post(client, endpoint=endpoint)
    assert response.status_code == 400
    [error] = response.context["form"].errors["endpoint"]
    assert "not a public internet address" in error
    assert not Subscriber.objects.exists()


def test_it_accepts_the_exported_pages_form_without_a_csrf_token(catalog):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        URL, {"email": "noc@reseller.example", "components": catalog["api"].code}
    )
    assert response.status_code == 200
    assert Subscriber.objects.get().language == "en"


@time_machine.travel(NOW, tick=False)
def test_the_answer_is_the_same_for_a_known_address(client, catalog):
    first = _post(client)
    Subscriber.objects.update(confirmed_at=NOW)
    again = _post(client)
    assert again.status_code == first.status_code == 200
    assert again.content == first.content
    assert Delivery.objects.filter(purpose="statuspage.confirm").count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not an address"), ("endpoint", "ftp://hooks.example/x"), ("components", "nope")],
)
def test_it_refuses_a_bad_field_and_sends_nothing(client, catalog, field, value):
    response = _post(client, **{field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Subscriber.objects.exists()
    assert not Delivery.objects.exists()


def test_the_manage_link_fills_in_the_form(client, catalog):
    page = client.get(URL, {"email": "noc@reseller.example", "language": "de"}).text
    assert 'value="noc@reseller.example"' in page
    assert '<option value="de" selected>' in page


def test_it_limits_requests_per_client_address(client, catalog):
    with time_machine.travel(NOW, tick=False):
        for _ in range(subscriptions.SUBSCRIBE_LIMIT_PER_HOUR):
            assert _post(client).status_code == 200
        refused = _post(client)
        other = client.post(URL, {"email": "a@b.example"}, REMOTE_ADDR="192.0.2.7")
    assert refused.status_code == 429
    assert "Too many requests" in refused.text
    assert other.status_code == 200
    assert Subscriber.objects.count() == subscriptions.SUBSCRIBE_LIMIT_PER_HOUR + 1
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert _post(client).status_code == 200


def test_get_changes_nothing(client, catalog):
    client.get(URL, {"email": "noc@reseller.example"})
    assert not Subscriber.objects.exists()


def test_behind_a_proxy_the_limit_counts_the_forwarded_address(client, catalog, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    with time_machine.travel(NOW, tick=False):
        for n in range(subscriptions.SUBSCRIBE_LIMIT_PER_HOUR):
            _post(client, {"X-Forwarded-For": f"10.0.0.1, 198.51.100.{n}"})
        # The proxy's own address has not reached the limit: each client counts alone.
        assert _post(client, {"X-Forwarded-For": "203.0.113.9"}).status_code == 200


def test_without_a_proxy_a_forwarded_address_is_ignored(client, catalog):
    with time_machine.travel(NOW, tick=False):
        for n in range(subscriptions.SUBSCRIBE_LIMIT_PER_HOUR):
            _post(client, {"X-Forwarded-For": f"10.0.0.1, 198.51.100.{n}"})
        assert _post(client, {"X-Forwarded-For": "203.0.113.9"}).status_code == 429
