"""/api/cases/{ref}/indicators: indicators of compromise, normalised, one of each per case."""

from __future__ import annotations

from django.contrib.auth.models import User

from warroom.cases.models import Incident, Indicator
from warroom.cases.tests.api_client import ApiClient, error_fields

INDICATORS = "/cases/INC-2025-0001/indicators"


def test_it_adds_a_normalised_indicator(case: Incident, bob: User) -> None:
    response = ApiClient(bob).post(INDICATORS, {"type": "url", "value": "hxxps://EVIL[.]Example/x"})
    assert response.status_code == 201
    assert response.json()["value"] == "https://evil.example/x"
    assert case.events.filter(text="Indicator added: url https://evil.example/x").exists()


def test_it_lists_indicators(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    api.post(INDICATORS, {"type": "ipv4-addr", "value": "107.191.58.76/32", "tlp": "red"})
    [indicator] = api.get(INDICATORS).json()
    assert (indicator["value"], indicator["tlp"], indicator["added_by"]) == (
        "107.191.58.76",
        "red",
        "bob",
    )


def test_it_refuses_a_duplicate_naming_the_value(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    api.post(INDICATORS, {"type": "domain-name", "value": "evil.example"})
    response = api.post(INDICATORS, {"type": "domain-name", "value": "EVIL.example."})
    assert response.status_code == 409
    assert "evil.example" in response.json()["detail"]
    assert Indicator.objects.count() == 1


def test_it_names_the_value_of_a_malformed_indicator(case: Incident, bob: User) -> None:
    response = ApiClient(bob).post(INDICATORS, {"type": "ipv4-addr", "value": "10.0.0.300"})
    assert error_fields(response) == {"value"}
    assert response.json()["detail"][0]["msg"] == "'10.0.0.300' is not an IPv4 address or network"
    assert not case.events.filter(indicator__isnull=False).exists()


def test_it_rejects_an_unknown_type_and_a_bad_confidence(case: Incident, bob: User) -> None:
    body = {"type": "ipv5-addr", "value": "x", "confidence": 101}
    assert error_fields(ApiClient(bob).post(INDICATORS, body)) == {"type", "confidence"}


def test_it_rejects_last_seen_before_first_seen(case: Incident, bob: User) -> None:
    body = {
        "type": "domain-name",
        "value": "evil.example",
        "first_seen": "2025-08-12T00:00:00Z",
        "last_seen": "2025-08-11T00:00:00Z",
    }
    assert error_fields(ApiClient(bob).post(INDICATORS, body)) == {"last_seen"}


def test_it_edits_and_renormalises(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    created = api.post(INDICATORS, {"type": "domain-name", "value": "evil.example"}).json()
    response = api.patch(
        f"{INDICATORS}/{created['id']}", {"value": "Evil2.Example", "confidence": 90}
    )
    assert (response.json()["value"], response.json()["confidence"]) == ("evil2.example", 90)


def test_it_refuses_an_edit_into_a_duplicate(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    api.post(INDICATORS, {"type": "domain-name", "value": "evil.example"})
    other = api.post(INDICATORS, {"type": "domain-name", "value": "evil2.example"}).json()
    response = api.patch(f"{INDICATORS}/{other['id']}", {"value": "evil.example"})
    assert response.status_code == 409
    assert "evil.example" in response.json()["detail"]
    assert Indicator.objects.get(pk=other["id"]).value == "evil2.example"


def test_it_names_the_value_of_a_malformed_edit(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    created = api.post(INDICATORS, {"type": "file:hashes.MD5", "value": "0" * 32}).json()
    response = api.patch(f"{INDICATORS}/{created['id']}", {"value": "xyz"})
    assert error_fields(response) == {"value"}
    assert "32 hexadecimal digits" in response.json()["detail"][0]["msg"]
