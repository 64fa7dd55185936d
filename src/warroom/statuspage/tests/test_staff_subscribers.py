from datetime import timedelta

from django.urls import reverse

from warroom.notify.models import Delivery, DeliveryAttempt
from warroom.statuspage.models import Subscriber

from .conftest import NOW

URL = reverse("comms-subscribers")


def _subscriber(email, *components, confirmed=True):
    subscriber = Subscriber.objects.create(
        kind="email", email=email, confirmed_at=NOW if confirmed else None
    )
    subscriber.components.set(components)
    return subscriber


def test_it_lists_subscribers_with_their_components(client, erin, catalog):
    _subscriber("noc@starface.example", catalog["api"], catalog["sip"])
    _subscriber("ops@example.net", confirmed=False)
    client.force_login(erin)
    response = client.get(URL)
    assert response.status_code == 200
    text = response.text
    assert "noc@starface.example" in text
    assert "Voice API, SIP trunking" in text
    assert "All components" in text
    assert "Not confirmed" in text


def test_it_shows_deliveries_with_every_attempt(client, erin):
    delivery = Delivery.objects.create(
        key="update:1:1",
        channel="webhook",
        purpose="statuspage.update",
        recipient="https://hooks.example.net/status",
        body="{}",
        state="sent",
        attempts=2,
    )
    DeliveryAttempt.objects.create(delivery=delivery, at=NOW, ok=False, status_code=503)
    DeliveryAttempt.objects.create(
        delivery=delivery, at=NOW + timedelta(seconds=20), ok=True, status_code=200
    )
    client.force_login(erin)
    text = client.get(URL).text
    assert "https://hooks.example.net/status" in text
    assert "failed (HTTP 503)" in text
    assert "ok (HTTP 200)" in text


def test_it_is_read_only(client, erin):
    client.force_login(erin)
    assert '<form method="post"' not in client.get(URL).text.split("<main", 1)[1]


def test_it_is_for_the_communications_group(client, dana):
    client.force_login(dana)
    response = client.get(URL)
    assert response.status_code == 403
    assert "The subscriber list is for the Communications group." in response.text


def test_it_keeps_a_query_budget(client, erin, catalog, django_assert_max_num_queries):
    client.force_login(erin)
    client.get(URL)
    for number in range(30):
        _subscriber(f"s{number}@example.net", catalog["api"])
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.text.count("@example.net") == 30
