from django.urls import reverse

from warroom.cases.choices import AssetState, EventKind


def _url(case, asset):
    return reverse("asset-state", args=[case.reference, asset.pk])


def test_it_changes_the_state(client, case, bob, asset):
    client.force_login(bob)
    response = client.post(_url(case, asset), {"state": "offline", "reason": "Webshell found"})
    asset.refresh_from_db()
    assert asset.state == AssetState.OFFLINE
    assert response["Location"] == f"{case.get_absolute_url()}#assets"
    change = asset.state_changes.get()
    assert (change.changed_by, change.reason) == (bob, "Webshell found")


def test_it_writes_timeline_event(client, case, bob, asset):
    client.force_login(bob)
    client.post(_url(case, asset), {"state": "isolated", "reason": "Lateral movement"})
    event = case.events.newest_first().first()
    assert event.kind == EventKind.STATUS_CHANGE
    assert event.asset == asset
    assert event.text == "SP-FE-01 changed from Online to Isolated: Lateral movement"


def test_it_requires_a_reason(client, case, bob, asset):
    client.force_login(bob)
    response = client.post(_url(case, asset), {"state": "offline", "reason": ""})
    assert response.status_code == 400
    asset.refresh_from_db()
    assert asset.state == AssetState.ONLINE


def test_it_rejects_an_unknown_state(client, case, bob, asset):
    client.force_login(bob)
    response = client.post(_url(case, asset), {"state": "melted", "reason": "x"})
    assert response.status_code == 400
    assert not asset.state_changes.exists()


def test_it_refuses_observers(client, case, observer, asset):
    client.force_login(observer)
    response = client.post(_url(case, asset), {"state": "offline", "reason": "x"})
    assert response.status_code == 403
