from django.urls import reverse

from warroom.accounts.models import Membership


def _url(case, user):
    membership = Membership.objects.get(case=case, user=user)
    return reverse("member-remove", args=[case.reference, membership.pk])


def test_it_removes_a_member(client, case, alice, bob):
    client.force_login(alice)
    assert client.post(_url(case, bob)).status_code == 302
    assert not case.memberships.filter(user=bob).exists()
    client.force_login(bob)
    assert client.get(case.get_absolute_url()).status_code == 404


def test_it_writes_timeline_event(client, case, alice, bob):
    client.force_login(alice)
    client.post(_url(case, bob))
    assert case.events.filter(actor=alice, text="bob removed from the case.").exists()


def test_it_asks_before_removing(client, case, alice, bob):
    client.force_login(alice)
    assert client.get(_url(case, bob)).status_code == 200
    assert case.memberships.filter(user=bob).exists()


def test_it_keeps_the_last_commander(client, case, alice):
    client.force_login(alice)
    response = client.post(_url(case, alice))
    assert response.status_code == 409
    assert case.memberships.filter(user=alice).exists()


def test_it_requires_the_commander(client, case, alice, bob):
    client.force_login(bob)
    assert client.post(_url(case, alice)).status_code == 403
