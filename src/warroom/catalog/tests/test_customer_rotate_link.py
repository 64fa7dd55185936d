"""Rotating a customer's page link: POST only, for who may change customers; the old link dies."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from warroom.catalog.models import Customer


@pytest.fixture
def customer(provider):
    return Customer.objects.get(name="Cloudline Telephony Ltd")


@pytest.fixture
def editor(charlie):
    """charlie, allowed to change customers."""
    charlie.user_permissions.add(Permission.objects.get(codename="change_customer"))
    return charlie


def _url(customer):
    return reverse("customer-rotate-link", args=[customer.pk])


def test_it_gives_the_customer_a_new_link(client, customer, editor):
    old = customer.page_token
    client.force_login(editor)
    response = client.post(_url(customer), follow=True)
    assert response.redirect_chain == [(customer.get_absolute_url(), 302)]
    customer.refresh_from_db()
    assert customer.page_token != old
    assert "has a new page link" in response.text
    assert customer.page_token in response.text


def test_the_old_link_stops_working(client, customer, editor):
    old = reverse("status-customer", args=[customer.page_token])
    client.force_login(editor)
    client.post(_url(customer))
    assert client.get(old).status_code == 404


def test_it_requires_the_permission(client, customer, charlie):
    old = customer.page_token
    client.force_login(charlie)
    assert client.post(_url(customer)).status_code == 403
    customer.refresh_from_db()
    assert customer.page_token == old


def test_it_refuses_get(client, customer, editor):
    client.force_login(editor)
    assert client.get(_url(customer)).status_code == 405


def test_it_sends_strangers_to_sign_in(client, customer):
    response = client.post(_url(customer))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
