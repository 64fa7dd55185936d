"""The case page's section "Impact on services and customers"."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from warroom.cases.choices import AssetState
from warroom.catalog.models import Component, Customer
from warroom.catalog.tests.helpers import asset_in


def _impact_section(client, case):
    text = client.get(case.get_absolute_url()).text
    return text[text.index('id="impact-h"') : text.index('id="indicators-h"')]


def test_it_shows_what_the_isolated_sharepoint_host_takes_down(client, provider, case, bob):
    asset_in(case, bob, "SP-FE01", AssetState.ISOLATED, ip_addresses=["10.20.1.11"])
    client.force_login(bob)
    section = _impact_section(client, case)
    assert "<strong>5</strong> components and\n  <strong>6</strong> customers" in section
    assert "(2 resellers)" in section
    assert (
        "Customer portal ← SharePoint intranet ← host SP-FE01 (isolated on INC-2025-0001)"
        in section
    )
    assert "Number porting" in section
    assert "Voice API" not in section
    assert section.index("Cloudline Telephony Ltd") < section.index("Contoso Logistics")
    reseller = section.split("Wolkenruf GmbH</a>")[1].split("</tr>")[0]
    assert "reseller</span> its own customers are hit too" in reseller
    assert "Major outage" in reseller


def test_it_marks_a_suspected_hosts_components_at_risk(client, provider, case, bob):
    asset_in(case, bob, "sp-fe02.corp.nwtelecom.example", AssetState.SUSPECTED)
    client.force_login(bob)
    section = _impact_section(client, case)
    assert '<span class="badge status status-at_risk">At risk</span>' in section
    assert "Major outage" not in section


def test_it_says_when_nothing_is_affected(client, provider, case, bob):
    client.force_login(bob)
    assert "No component of the catalog is affected" in _impact_section(client, case)


def test_its_queries_do_not_grow_with_the_catalog(client, provider, case, bob):
    asset_in(case, bob, "SP-FE01", AssetState.ISOLATED)
    client.force_login(bob)
    with CaptureQueriesContext(connection) as few:
        client.get(case.get_absolute_url())
    portal = Component.objects.get(name="Customer portal")
    extra = Component.objects.bulk_create(Component(name=f"extra {n}") for n in range(40))
    portal.dependents.add(*extra)
    customers = Customer.objects.bulk_create(Customer(name=f"customer {n}") for n in range(40))
    for customer in customers:
        customer.components.add(*extra[:3])
    with CaptureQueriesContext(connection) as many:
        text = client.get(case.get_absolute_url()).text
    assert "extra 39" in text
    assert "customer 39" in text
    assert len(many) == len(few) <= 17  # 16, and 1 for the regulatory clocks
