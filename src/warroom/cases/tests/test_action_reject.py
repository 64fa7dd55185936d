from django.urls import reverse

from warroom.cases.choices import ActionState, EventKind


def _url(case, action):
    return reverse("action-reject", args=[case.reference, action.pk])


def test_it_rejects(client, case, alice, action):
    client.force_login(alice)
    client.post(_url(case, action), {"note": "Keep it up for the forensics team."})
    action.refresh_from_db()
    assert action.state == ActionState.REJECTED
    assert action.outcome == "Keep it up for the forensics team."


def test_it_writes_timeline_event(client, case, alice, action):
    client.force_login(alice)
    client.post(_url(case, action), {"note": "Not yet."})
    event = case.events.get(kind=EventKind.DECISION)
    assert event.text == "Rejected: Take offline: Pull SP-FE-01 Not yet."


def test_it_requires_commander(client, case, bob, action):
    client.force_login(bob)
    assert client.post(_url(case, action)).status_code == 403


def test_it_refuses_a_done_action(client, case, alice, action):
    client.force_login(alice)
    client.post(reverse("action-approve", args=[case.reference, action.pk]))
    response = client.post(_url(case, action))
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.state == ActionState.APPROVED
