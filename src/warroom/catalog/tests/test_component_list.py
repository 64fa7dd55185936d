"""The component list: every signed-in user may read it, grouped, with status in words."""

from django.urls import reverse

from warroom.catalog.models import Component

URL = reverse("component-list")


def test_it_shows_components_by_group(client, provider, charlie):
    client.force_login(charlie)
    text = client.get(URL).text
    assert text.index("Customer services") < text.index("Voice API") < text.index("Network")
    assert text.index("Network") < text.index("SIP trunking DE") < text.index("Not in a group")
    assert text.index("Not in a group") < text.index("Identity service")


def test_it_says_each_status_in_words_beside_its_colour(client, provider, charlie):
    Component.objects.filter(name="Voice API").update(status="partial_outage")
    client.force_login(charlie)
    text = client.get(URL).text
    assert '<span class="badge status status-partial_outage">Partial outage</span>' in text
    assert text.count("status-operational") == 11  # ten components and the Network group


def test_a_group_shows_its_worst_component(client, provider, charlie):
    Component.objects.filter(name="SIP trunking FR").update(status="major_outage")
    client.force_login(charlie)
    text = client.get(URL).text
    network = text.index('id="section-2-h"')
    assert "Major outage" in text[network : text.index("SIP trunking DE")]


def test_it_counts_dependencies_and_customers(client, provider, charlie):
    client.force_login(charlie)
    row = client.get(URL).text.split("Customer portal</a>")[1].split("</tr>")[0]
    assert "<td>3</td>" in row  # SharePoint, identity, billing
    assert "<td>6</td>" in row  # customers


def test_it_says_when_the_catalog_is_empty(client, charlie):
    client.force_login(charlie)
    assert "The catalog is empty" in client.get(URL).text


def test_it_sends_strangers_to_sign_in(client, provider):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_keeps_a_query_budget(client, provider, charlie, django_assert_num_queries):
    client.force_login(charlie)
    # Session, user, the rows with their counts, and the user's and groups' permissions.
    with django_assert_num_queries(5):
        client.get(URL)
    Component.objects.bulk_create(Component(name=f"extra {n}") for n in range(30))
    with django_assert_num_queries(5):
        assert "extra 29" in client.get(URL).text
