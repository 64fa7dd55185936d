from django.urls import reverse

from warroom.cases.actions import log_custody
from warroom.cases.choices import CustodyKind


def _url(case, evidence):
    return reverse("evidence-detail", args=[case.reference, evidence.pk])


def test_it_shows_the_metadata(client, case, bob, evidence):
    client.force_login(bob)
    response = client.get(_url(case, evidence))
    assert response.status_code == 200
    assert "IIS log SP-FE-01" in response.text
    assert evidence.sha256 in response.text
    assert reverse("evidence-download", args=[case.reference, evidence.pk]) in response.text


def test_it_shows_the_chain_of_custody(client, case, bob, evidence):
    log_custody(evidence, CustodyKind.TRANSFERRED, bob, now=evidence.added_at, note="To vault")
    client.force_login(bob)
    response = client.get(_url(case, evidence))
    assert "Acquired" in response.text
    assert "To vault" in response.text


def test_it_lets_observers_read(client, case, observer, evidence):
    client.force_login(observer)
    assert client.get(_url(case, evidence)).status_code == 200


def test_it_404s_for_a_wrong_id(client, case, bob, evidence):
    client.force_login(bob)
    response = client.get(reverse("evidence-detail", args=[case.reference, evidence.pk + 1]))
    assert response.status_code == 404
