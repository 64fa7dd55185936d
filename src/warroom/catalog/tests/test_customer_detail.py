"""A customer's page: what it uses, whom to tell, and the link to its own status page."""

from django.urls import reverse

from warroom.catalog.models import Customer


def _customer(name="Wolkenruf GmbH"):
    return Customer.objects.get(name=name)


def test_it_shows_components_and_contacts(client, provider, charlie):
    client.force_login(charlie)
    text = client.get(_customer().get_absolute_url()).text
    assert "yes: its own customers depend on what it buys from us" in text
    components = text[text.index('id="components-h"') : text.index('id="contacts-h"')]
    assert "SIP trunking DE" in components
    assert "Voice API" in components
    assert "Hosting" not in components
    assert 'href="mailto:noc@wolkenruf.example"' in text
    assert 'href="tel:+49695550100"' in text


def test_it_shows_the_secret_page_link_to_communications(client, provider, charlie):
    from django.contrib.auth.models import Group

    charlie.groups.add(Group.objects.get(name="Communications"))
    customer = _customer()
    client.force_login(charlie)
    text = client.get(customer.get_absolute_url()).text
    link = "http://testserver" + reverse("status-customer", args=[customer.page_token])
    assert f'href="{link}"' in text


def test_it_hides_the_secret_page_link_from_other_users(client, provider, charlie):
    # Before, every signed-in user (an outside expert on one case, say) saw every link.
    customer = _customer()
    client.force_login(charlie)
    text = client.get(customer.get_absolute_url()).text
    assert customer.page_token not in text


def test_it_shows_no_link_while_there_is_no_customer_page(client, provider, charlie, settings):
    settings.ROOT_URLCONF = "warroom.catalog.tests.urls_without_status_page"
    customer = _customer()
    charlie.is_superuser = True
    charlie.save()
    client.force_login(charlie)
    response = client.get(customer.get_absolute_url())
    assert response.status_code == 200
    assert customer.page_token not in response.text
    assert "Own status page" not in response.text


def test_it_offers_a_new_link_only_to_who_may_change_customers(client, provider, charlie):
    customer = _customer()
    rotate = reverse("customer-rotate-link", args=[customer.pk])
    client.force_login(charlie)
    assert rotate not in client.get(customer.get_absolute_url()).text
    charlie.is_superuser = True
    charlie.save()
    assert rotate in client.get(customer.get_absolute_url()).text


def test_an_unknown_customer_is_404(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("customer-detail", args=[999])).status_code == 404


def test_it_sends_strangers_to_sign_in(client, provider):
    response = client.get(_customer().get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
