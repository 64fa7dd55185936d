from django.urls import reverse

from warroom.cases.actions import approve_action
from warroom.cases.choices import ActionState, EventKind


def _url(case, action):
    return reverse("action-done", args=[case.reference, action.pk])


def test_it_records_the_outcome(client, case, alice, bob, action):
    approve_action(action, alice, now=action.requested_at)
    client.force_login(bob)
    response = client.post(_url(case, action), {"note": "Unplugged at 10:42 UTC."})
    action.refresh_from_db()
    assert (action.state, action.outcome) == (ActionState.DONE, "Unplugged at 10:42 UTC.")
    assert response["Location"] == f"{case.get_absolute_url()}#actions"


def test_it_writes_timeline_event(client, case, alice, bob, action):
    approve_action(action, alice, now=action.requested_at)
    client.force_login(bob)
    client.post(_url(case, action), {"note": "Unplugged."})
    event = case.events.newest_first().first()
    assert event.kind == EventKind.ACTION
    assert event.text == "Done: Take offline: Pull SP-FE-01 Unplugged."


def test_it_requires_an_outcome(client, case, alice, bob, action):
    approve_action(action, alice, now=action.requested_at)
    client.force_login(bob)
    assert client.post(_url(case, action), {"note": ""}).status_code == 400


def test_it_requires_approval_first(client, case, bob, action):
    client.force_login(bob)
    response = client.post(_url(case, action), {"note": "Done anyway."})
    assert response.status_code == 400
    assert "This action is proposed, not approved." in response.text


def test_it_refuses_observers(client, case, alice, observer, action):
    approve_action(action, alice, now=action.requested_at)
    client.force_login(observer)
    assert client.post(_url(case, action), {"note": "x"}).status_code == 403
