"""A customer's own page: its components, the incidents touching them, its notices only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from warroom.catalog.choices import ComponentStatus
from warroom.catalog.models import Customer
from warroom.statuspage.choices import ReviewState
from warroom.statuspage.models import Notice
from warroom.statuspage.site import render_site
from warroom.statuspage.tests import site_data
from warroom.statuspage.tests.site_data import T0


@pytest.fixture
def rows(db):
    return site_data.catalog()


@pytest.fixture
def reseller(rows):
    """A SIP-trunk reseller: it uses SIP trunking and the internal identity service."""
    customer = Customer.objects.create(name="Starface Connect", is_reseller=True)
    customer.components.set([rows["sip"], rows["identity"]])
    return customer


@pytest.fixture
def other(rows):
    customer = Customer.objects.create(name="Portal Customer Ltd")
    customer.components.set([rows["portal"]])
    return customer


def notice(
    title: str, *customers: Customer, review: str = ReviewState.PUBLISHED, **fields: Any
) -> Notice:
    row = Notice.objects.create(
        title=title,
        body=f"{title}: details.",
        review=review,
        published_at=T0 if review == ReviewState.PUBLISHED else None,
        **fields,
    )
    row.customers.set(customers)
    return row


def get(client, customer):
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        return client.get(reverse("status-customer", args=[customer.page_token]))


def test_it_shows_only_the_customers_components(client, reseller):
    response = get(client, reseller)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Status for Starface Connect" in html
    assert "SIP trunking" in html
    assert "Identity service" in html  # its own page may name what the public page does not
    assert "Customer portal" not in html
    assert "Voice API" not in html


def test_it_shows_public_incidents_touching_its_components_only(client, rows, reseller, other):
    trunks = site_data.incident("SIP trunks in Germany down")
    site_data.update(trunks, "Calls fail.", affected={rows["sip"]: ComponentStatus.MAJOR_OUTAGE})
    site_data.voice_outage(rows)  # its second update names the identity service
    draft = site_data.incident("Draft about trunks", published=False)
    draft.components.add(rows["sip"])
    html = get(client, reseller).content.decode()
    assert "SIP trunks in Germany down" in html
    assert "Voice API unavailable" in html
    assert "Draft about trunks" not in html
    assert "Major Service Outage" in html  # the banner follows the incidents' impact
    html = get(client, other).content.decode()
    assert "SIP trunks in Germany down" not in html
    assert "Voice API unavailable" not in html
    assert "All Systems Operational" in html


def test_it_shows_published_notices_for_this_customer_only(client, reseller, other):
    notice("Your SIP trunks in Germany are affected", reseller)
    notice("Portal logins reset", other)
    notice("Unapproved wording", reseller, review=ReviewState.DRAFT)
    notice("Old news", reseller, expires_at=T0 + timedelta(hours=1))
    html = get(client, reseller).content.decode()
    assert "Your SIP trunks in Germany are affected" in html
    assert "Portal logins reset" not in html
    assert "Unapproved wording" not in html
    assert "Old news" not in html


def test_a_wrong_token_is_404(client, reseller):
    assert client.get(reverse("status-customer", args=["not-the-token"])).status_code == 404


def test_a_rotated_token_stops_working(client, reseller):
    old = reseller.page_token
    reseller.rotate_page_token()
    assert client.get(reverse("status-customer", args=[old])).status_code == 404
    assert get(client, reseller).status_code == 200


def test_it_is_private_and_not_indexed(client, reseller):
    response = get(client, reseller)
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_its_links_lead_back_to_the_public_page(client, reseller):
    html = get(client, reseller).content.decode()
    assert 'href="../../style.css"' in html
    assert 'href="../../index.html"' in html


def test_it_is_never_exported(reseller, settings):
    site = render_site(T0)
    assert not [path for path in site if path.startswith("c/")]
    assert not [path for path, body in site.items() if reseller.page_token.encode() in body]
    assert not [path for path, body in site.items() if b"Starface" in body]


def test_a_group_stands_for_its_children(client, rows):
    customer = Customer.objects.create(name="Voice Reseller")
    customer.components.set([rows["voice"]])
    html = get(client, customer).content.decode()
    assert "Voice API" in html
    assert "SIP trunking" in html
