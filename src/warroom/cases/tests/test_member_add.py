from datetime import UTC, datetime

from django.urls import reverse

from warroom.accounts.models import Membership, Role
from warroom.cases.choices import EventKind


def _post(client, case, **data):
    return client.post(reverse("member-add", args=[case.reference]), data)


def test_it_adds_an_outside_expert_with_an_expiry(client, case, alice, charlie):
    client.force_login(alice)
    response = _post(
        client, case, username="charlie", role="observer", expires_at="2025-09-30T18:00"
    )
    assert response.status_code == 302
    membership = Membership.objects.get(case=case, user=charlie)
    assert membership.role == Role.OBSERVER
    assert membership.expires_at == datetime(2025, 9, 30, 18, 0, tzinfo=UTC)


def test_it_gives_the_new_member_the_case(client, case, alice, charlie):
    client.force_login(alice)
    _post(client, case, username="charlie", role="responder")
    client.force_login(charlie)
    assert client.get(case.get_absolute_url()).status_code == 200


def test_it_writes_timeline_event(client, case, alice):
    client.force_login(alice)
    _post(client, case, username="charlie", role="legal", expires_at="2025-09-30T18:00")
    event = case.events.get(kind=EventKind.DECISION)
    assert (event.actor, event.text) == (
        alice,
        "charlie added as Legal / DPO until 2025-09-30 18:00 UTC.",
    )


def test_it_changes_the_role_of_a_member(client, case, alice, bob):
    client.force_login(alice)
    _post(client, case, username="bob", role="communications")
    assert case.memberships.get(user=bob).role == Role.COMMUNICATIONS
    assert case.events.filter(text="bob now Communications.").exists()


def test_it_names_an_unknown_user(client, case, alice):
    client.force_login(alice)
    response = _post(client, case, username="mallory", role="responder")
    assert response.status_code == 400
    assert "no active user named &#x27;mallory&#x27;" in response.content.decode()
    assert case.memberships.count() == 2


def test_it_keeps_a_commander(client, case, alice):
    client.force_login(alice)
    response = _post(client, case, username="alice", role="observer")
    assert "only commander" in response.content.decode()
    assert case.memberships.get(user=alice).role == Role.COMMANDER


def test_it_requires_the_commander(client, case, bob):
    client.force_login(bob)
    assert _post(client, case, username="charlie", role="responder").status_code == 403
    assert case.memberships.count() == 2
