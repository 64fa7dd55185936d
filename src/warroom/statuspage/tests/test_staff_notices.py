from django.urls import reverse

from warroom.statuspage.choices import ReviewState
from warroom.statuspage.models import Notice


def _draft(client, incident, customer, **data):
    form = {"customers": [customer.pk], "title": "SIP trunks in Germany", "body": "Affected."}
    return client.post(reverse("comms-notice-new", args=[incident.code]), {**form, **data})


def _review(client, verb, notice):
    url = reverse(f"comms-notice-{verb}", args=[notice.incident.code, notice.code])
    return client.post(url)


def test_bob_drafts_and_dana_approves_and_publishes(client, bob, dana, public_incident, customer):
    client.force_login(bob)
    response = _draft(client, public_incident, customer)
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert list(notice.customers.all()) == [customer]
    assert set(notice.components.all()) == set(public_incident.components.all())
    client.force_login(dana)
    assert _review(client, "approve", notice).status_code == 302
    assert _review(client, "publish", notice).status_code == 302
    notice.refresh_from_db()
    assert notice.review == ReviewState.PUBLISHED


def test_the_incident_page_lists_it_with_its_customers(client, bob, public_incident, customer):
    client.force_login(bob)
    _draft(client, public_incident, customer)
    text = client.get(public_incident.get_absolute_url()).text
    assert "SIP trunks in Germany" in text
    assert "for Starface Cloud" in text


def test_it_needs_a_customer(client, bob, public_incident, customer):
    client.force_login(bob)
    response = _draft(client, public_incident, customer, customers=[])
    assert response.status_code == 400
    assert not Notice.objects.exists()


def test_the_commander_may_not_approve(client, alice, bob, public_incident, customer):
    client.force_login(bob)
    _draft(client, public_incident, customer)
    client.force_login(alice)
    assert _review(client, "approve", Notice.objects.get()).status_code == 403


def test_publishing_a_draft_is_400(client, bob, dana, public_incident, customer):
    client.force_login(bob)
    _draft(client, public_incident, customer)
    client.force_login(dana)
    response = _review(client, "publish", Notice.objects.get())
    assert response.status_code == 400
    assert "Only approved text can be published" in response.text


def test_an_outsider_gets_404(client, charlie, public_incident, customer):
    client.force_login(charlie)
    assert _draft(client, public_incident, customer).status_code == 404
