"""The customer list: resellers marked, counts of what each uses and whom to tell."""

from django.urls import reverse

from warroom.catalog.models import Customer

URL = reverse("customer-list")


def test_it_lists_customers_and_marks_resellers(client, provider, charlie):
    client.force_login(charlie)
    text = client.get(URL).text
    row = text.split("Wolkenruf GmbH</a>")[1].split("</tr>")[0]
    assert '<span class="badge warn">reseller</span>' in row
    assert "Deutsch" in row
    assert "<td>3</td>" in row  # components
    assert "<td>2</td>" in row  # contacts
    assert "reseller</span>" not in text.split("Contoso Logistics</a>")[1].split("</tr>")[0]


def test_it_sends_strangers_to_sign_in(client, provider):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_keeps_a_query_budget(client, provider, charlie, django_assert_num_queries):
    client.force_login(charlie)
    # Session, user, the rows with their counts, and the user's and groups' permissions.
    with django_assert_num_queries(5):
        client.get(URL)
    Customer.objects.bulk_create(Customer(name=f"extra {n}") for n in range(30))
    with django_assert_num_queries(5):
        assert "extra 29" in client.get(URL).text
