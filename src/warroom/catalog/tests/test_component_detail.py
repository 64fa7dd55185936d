"""A component's page: its place in the graph, its history, and what its failure would hit."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from warroom.catalog.actions import set_component_status
from warroom.catalog.choices import ChangeSource, ComponentStatus
from warroom.catalog.tests.helpers import named

AUG_12 = datetime(2025, 8, 12, 9, 0, tzinfo=UTC)


def _url(name):
    return reverse("component-detail", args=[named(name).code])


def test_it_shows_the_component_and_its_neighbours(client, provider, charlie):
    client.force_login(charlie)
    text = client.get(_url("Customer portal")).text
    assert "Orders, tickets, invoices and service documents." in text
    depends = text[text.index('id="depends-h"') : text.index('id="dependents-h"')]
    assert "SharePoint intranet" in depends
    assert "Identity service" in depends
    dependents = text[text.index('id="dependents-h"') : text.index('id="hosts-h"')]
    assert "Number porting" in dependents
    assert "Billing" in dependents  # billing and the portal need each other
    assert "portal.nwtelecom.example" in text
    customers = text[text.index('id="customers-h"') : text.index('id="impact-h"')]
    assert 'Wolkenruf GmbH</a> <span class="badge warn">reseller</span>' in customers


def test_it_shows_what_its_failure_would_hit(client, provider, charlie):
    client.force_login(charlie)
    text = client.get(_url("Identity service")).text
    impact = text[text.index('id="impact-h"') : text.index('id="history-h"')]
    assert "would be affected" in impact
    assert "<strong>8</strong> customers" in impact
    assert "Voice API ← Identity service (if it fails)" in impact


def test_it_shows_the_history_newest_first(client, provider, alice, charlie):
    hosting = named("Hosting")
    for hours, status in [(0, "major_outage"), (5, "degraded_performance"), (9, "operational")]:
        set_component_status(
            hosting,
            ComponentStatus(status),
            alice,
            now=AUG_12 + timedelta(hours=hours),
            source=ChangeSource.PERSON,
            reason=f"step {hours}",
        )
    client.force_login(charlie)
    text = client.get(_url("Hosting")).text
    assert text.index("step 9") < text.index("step 5") < text.index("step 0")
    assert "2025-08-12 18:00&nbsp;UTC" in text


def test_it_shows_a_current_impairment_upstream(client, provider, charlie):
    set_component_status(
        named("SharePoint intranet"),
        ComponentStatus.MAJOR_OUTAGE,
        None,
        now=AUG_12,
        source=ChangeSource.PERSON,
    )
    client.force_login(charlie)
    text = client.get(_url("Number porting")).text
    assert "Impaired now" in text
    assert "Number porting ← Customer portal ← SharePoint intranet (major outage)" in text


def test_a_group_lists_its_components(client, provider, charlie):
    client.force_login(charlie)
    text = client.get(_url("Network")).text
    children = text[text.index('id="children-h"') : text.index('id="depends-h"')]
    assert "SIP trunking UK" in children
    assert "Internet access" in children


def test_an_unknown_code_is_404(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("component-detail", args=["nosuchcode00"])).status_code == 404


def test_it_sends_strangers_to_sign_in(client, provider):
    response = client.get(_url("Voice API"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_its_failure_table_shows_each_components_status_now(client, provider, charlie):
    set_component_status(
        named("Voice API"),
        ComponentStatus.PARTIAL_OUTAGE,
        None,
        now=AUG_12,
        source=ChangeSource.PERSON,
    )
    client.force_login(charlie)
    text = client.get(_url("Identity service")).text
    impact = text[text.index('id="impact-h"') : text.index('id="history-h"')]
    voice = impact.split("Voice API</a>")[1].split("</tr>")[0]
    assert "Partial outage" in voice
    assert "Major outage" not in impact.split("Hosting</a>")[1].split("</tr>")[0]
