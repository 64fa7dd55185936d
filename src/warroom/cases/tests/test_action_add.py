from django.urls import reverse

from warroom.cases.choices import ActionState, EventKind
from warroom.cases.models import Action

FORM = {"kind": "block", "description": "Block 203.0.113.5 at the edge firewalls"}


def _url(case):
    return reverse("action-add", args=[case.reference])


def test_it_proposes_an_action(client, case, bob, asset):
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "asset": asset.pk})
    action = case.actions.get()
    assert response["Location"] == f"{case.get_absolute_url()}#actions"
    assert (action.state, action.requested_by, action.asset) == (ActionState.PROPOSED, bob, asset)


def test_it_writes_timeline_event(client, case, bob):
    client.force_login(bob)
    client.post(_url(case), FORM)
    event = case.events.get(kind=EventKind.ACTION)
    assert event.text == "Proposed: Block: Block 203.0.113.5 at the edge firewalls"


def test_it_rejects_an_unknown_kind(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "kind": "nuke"})
    assert response.status_code == 400
    assert not Action.objects.exists()


def test_it_refuses_observers(client, case, observer):
    client.force_login(observer)
    assert client.post(_url(case), FORM).status_code == 403
