from django.urls import reverse

from warroom.cases.choices import EventKind
from warroom.cases.models import Indicator

FORM = {
    "type": "domain-name",
    "value": "Update-Check[.]Example.COM",
    "first_seen": "2025-08-10T22:00",
    "last_seen": "2025-08-12T04:00",
    "confidence": "80",
    "source": "proxy logs",
    "tlp": "amber",
}


def _url(case):
    return reverse("indicator-add", args=[case.reference])


def test_it_adds_a_normalised_indicator(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), FORM)
    indicator = case.indicators.get()
    assert response["Location"] == f"{case.get_absolute_url()}#indicators"
    assert indicator.value == "update-check.example.com"
    assert (indicator.confidence, indicator.added_by) == (80, bob)


def test_it_writes_timeline_event(client, case, bob):
    client.force_login(bob)
    client.post(_url(case), FORM)
    event = case.events.get(kind=EventKind.FINDING)
    assert event.text == (
        "Indicator added: domain-name update-check.example.com (source: proxy logs)"
    )


def test_it_names_the_field_of_a_malformed_value(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "type": "ipv4-addr", "value": "10.0.0.300"})
    assert response.status_code == 400
    assert response.context["form"].errors["value"] == [
        "'10.0.0.300' is not an IPv4 address or network"
    ]
    assert not Indicator.objects.exists()


def test_it_refuses_a_duplicate_as_a_form_error(client, case, bob, indicator):
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "type": indicator.type, "value": indicator.value})
    assert response.status_code == 400
    assert "already exists" in response.text
    assert case.indicators.count() == 1


def test_it_refuses_last_seen_before_first_seen(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "last_seen": "2025-08-01T00:00"})
    assert response.status_code == 400
    assert "last_seen" in response.context["form"].errors


def test_it_keeps_confidence_within_100(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "confidence": "101"})
    assert response.status_code == 400
    assert "confidence" in response.context["form"].errors


def test_it_refuses_observers(client, case, observer):
    client.force_login(observer)
    assert client.post(_url(case), FORM).status_code == 403
