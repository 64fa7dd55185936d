from django.urls import reverse

from warroom.cases.choices import AssetState, EventKind
from warroom.cases.models import Asset

FORM = {
    "name": "SP-FE-02",
    "hostname": "sp-fe-02.corp.example",
    "ip_addresses": "192.0.2.11, 2001:db8::11\n198.51.100.7",
    "role": "SharePoint front end",
    "internet_facing": "on",
}


def _url(case):
    return reverse("asset-add", args=[case.reference])


def test_it_adds_an_asset(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), FORM)
    asset = case.assets.get()
    assert response["Location"] == f"{case.get_absolute_url()}#assets"
    assert asset.ip_addresses == ["192.0.2.11", "2001:db8::11", "198.51.100.7"]
    assert asset.internet_facing
    assert asset.state == AssetState.ONLINE


def test_it_writes_timeline_event(client, case, bob):
    client.force_login(bob)
    client.post(_url(case), FORM)
    event = case.events.get(asset__name="SP-FE-02")
    assert event.kind == EventKind.OBSERVATION
    assert "internet-facing" in event.text


def test_it_names_a_bad_ip_address(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "ip_addresses": "192.0.2.11 300.1.1.1"})
    assert response.status_code == 400
    assert "&#x27;300.1.1.1&#x27; is not an IP address" in response.text
    assert not Asset.objects.exists()


def test_it_refuses_a_second_asset_of_the_same_name(client, case, bob, asset):
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "name": asset.name})
    assert response.status_code == 400
    assert "already exists" in response.text
    assert case.assets.count() == 1


def test_it_refuses_observers(client, case, observer):
    client.force_login(observer)
    assert client.post(_url(case), FORM).status_code == 403
    assert not Asset.objects.exists()
