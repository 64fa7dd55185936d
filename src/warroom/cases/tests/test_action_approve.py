from django.urls import reverse

from warroom.cases.choices import ActionState, EventKind


def _url(case, action):
    return reverse("action-approve", args=[case.reference, action.pk])


def test_it_approves(client, case, alice, action):
    client.force_login(alice)
    response = client.post(_url(case, action))
    action.refresh_from_db()
    assert (action.state, action.approved_by) == (ActionState.APPROVED, alice)
    assert response["Location"] == f"{case.get_absolute_url()}#actions"


def test_it_writes_timeline_event(client, case, alice, action, asset):
    client.force_login(alice)
    client.post(_url(case, action))
    event = case.events.get(kind=EventKind.DECISION)
    assert (event.text, event.asset) == ("Approved: Take offline: Pull SP-FE-01", asset)


def test_it_requires_commander(client, case, bob, action):
    client.force_login(bob)
    assert client.post(_url(case, action)).status_code == 403
    action.refresh_from_db()
    assert action.state == ActionState.PROPOSED


def test_it_refuses_an_action_already_decided(client, case, alice, action):
    client.force_login(alice)
    client.post(_url(case, action))
    response = client.post(_url(case, action))
    assert response.status_code == 400
    assert "This action is approved, not proposed." in response.text
    assert case.events.filter(kind=EventKind.DECISION).count() == 1
