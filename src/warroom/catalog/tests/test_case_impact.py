"""case_impact: the case's impaired assets and every impaired component, through the catalog."""

import pytest
from django.utils import timezone

from warroom.cases.actions import change_asset_state, open_case
from warroom.cases.choices import AssetState, Severity
from warroom.catalog.actions import set_component_status
from warroom.catalog.choices import ChangeSource, ComponentStatus
from warroom.catalog.impact import case_impact
from warroom.catalog.models import Component, ComponentHost
from warroom.catalog.tests.helpers import asset_in, named

ISOLATED, OFFLINE, SUSPECTED = AssetState.ISOLATED, AssetState.OFFLINE, AssetState.SUSPECTED
SHAREPOINT_DOWN = {
    "SharePoint intranet",
    "Customer portal",
    "Billing",
    "Number porting",
    "Customer services",
}


def _names(impact):
    return {affected.name for affected in impact.components}


def _entry(impact, name):
    affected = impact.get(named(name).pk)
    assert affected is not None, f"{name} is not affected"
    return affected


def _degrade(name, status):
    set_component_status(named(name), status, None, now=timezone.now(), source=ChangeSource.PERSON)


def test_an_isolated_front_end_takes_down_what_runs_on_sharepoint(provider, case, bob):
    asset_in(case, bob, "SP-FE01", ISOLATED)
    impact = case_impact(case)
    assert _names(impact) == SHAREPOINT_DOWN
    assert {a.worst for a in impact.components} == {ComponentStatus.MAJOR_OUTAGE}
    porting = _entry(impact, "Number porting")
    assert porting.explanation == (
        "Number porting ← Customer portal ← SharePoint intranet"
        " ← host SP-FE01 (isolated on INC-2025-0001)"
    )
    assert porting.observed == ComponentStatus.OPERATIONAL


def test_it_lists_the_customers_of_affected_components_resellers_first(provider, case, bob):
    asset_in(case, bob, "SP-FE01", OFFLINE)
    impact = case_impact(case)
    assert [(c.name, c.is_reseller) for c in impact.customers] == [
        ("Cloudline Telephony Ltd", True),
        ("Wolkenruf GmbH", True),
        ("Contoso Logistics", False),
        ("Fabrikam Bank AG", False),
        ("Litware Insurance", False),
        ("Tailspin Retail", False),
    ]
    assert (impact.component_count, impact.customer_count, impact.reseller_count) == (5, 6, 2)
    contoso = next(c for c in impact.customers if c.name == "Contoso Logistics")
    assert {a.name for a in contoso.components} == {"Customer portal", "Number porting"}


def test_it_matches_an_asset_by_ip_address(provider, case, bob):
    asset_in(case, bob, "old name", ISOLATED, ip_addresses=["10.20.0.10"])
    impact = case_impact(case)
    assert "Voice API" in _names(impact)
    assert impact.customer_count == 8
    assert _entry(impact, "Identity service").explanation == (
        "Identity service ← host old name (isolated on INC-2025-0001)"
    )


def test_it_matches_a_host_name_in_any_case(provider, case, bob):
    asset_in(case, bob, "the DC", ISOLATED, hostname="DC01.Corp.NWTelecom.Example")
    assert "Identity service" in _names(case_impact(case))


def test_a_full_name_in_another_domain_does_not_match(provider, case, bob):
    asset_in(case, bob, "dc01.lab.example", ISOLATED)
    assert case_impact(case).components == ()


def test_a_bare_name_matches_the_first_label_either_way(provider, case, bob):
    billing = named("Billing")
    ComponentHost.objects.create(component=billing, host="BILLING02")
    asset_in(case, bob, "billing02.corp.nwtelecom.example", ISOLATED)
    assert "Billing" in _names(case_impact(case))


def test_a_suspected_asset_puts_its_components_at_risk(provider, case, bob):
    asset_in(case, bob, "SP-FE02", SUSPECTED)
    impact = case_impact(case)
    assert _names(impact) == SHAREPOINT_DOWN
    sharepoint = _entry(impact, "SharePoint intranet")
    assert sharepoint.at_risk
    assert sharepoint.worst == ComponentStatus.OPERATIONAL
    assert sharepoint.explanation == (
        "SharePoint intranet ← host SP-FE02 (suspected compromised on INC-2025-0001)"
    )
    assert all(customer.at_risk for customer in impact.customers)


@pytest.mark.parametrize("state", [AssetState.ONLINE, AssetState.RESTORED])
def test_online_and_restored_assets_hit_nothing(provider, case, bob, state):
    asset_in(case, bob, "SP-FE01", SUSPECTED)
    asset = case.assets.get()
    change_asset_state(asset, state, bob, reason="back", now=timezone.now())
    assert case_impact(case).components == ()


def test_another_cases_assets_do_not_count(provider, case, alice, bob):
    other = open_case(
        alice,
        title="Other",
        severity=Severity.SEV3,
        detected_at=timezone.now(),
        aware_at=None,
        now=timezone.now(),
    )
    asset_in(other, alice, "SP-FE01", ISOLATED)
    assert case_impact(case).components == ()


def test_an_impaired_component_passes_its_status_on(provider, case):
    _degrade("Voice API", ComponentStatus.PARTIAL_OUTAGE)
    impact = case_impact(case)
    assert _names(impact) == {"Voice API", "Customer services"}
    group = _entry(impact, "Customer services")
    assert group.explanation == "Customer services ← Voice API (partial outage)"
    assert group.implied == ComponentStatus.PARTIAL_OUTAGE
    assert [c.name for c in impact.customers] == [
        "Appel Nuage SAS",
        "Cloudline Telephony Ltd",
        "Wolkenruf GmbH",
        "Adatum Health",
    ]


def test_a_worse_cause_outranks_a_nearer_one(provider, case, bob):
    asset_in(case, bob, "SP-FE01", SUSPECTED)
    _degrade("Identity service", ComponentStatus.DEGRADED_PERFORMANCE)
    sharepoint = _entry(case_impact(case), "SharePoint intranet")
    assert sharepoint.worst == ComponentStatus.DEGRADED_PERFORMANCE
    assert not sharepoint.at_risk
    assert sharepoint.explanation == "SharePoint intranet ← Identity service (degraded performance)"


def test_it_lists_the_worst_hit_first(provider, case, bob):
    asset_in(case, bob, "SP-FE02", SUSPECTED)
    _degrade("SIP trunking UK", ComponentStatus.MAJOR_OUTAGE)
    impact = case_impact(case)
    assert [a.name for a in impact.components[:2]] == ["Network", "SIP trunking UK"]
    assert impact.components[-1].at_risk
    assert impact.customers[0].name == "Cloudline Telephony Ltd"


def test_an_empty_catalog_costs_one_query(case, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert case_impact(case).component_count == 0


def test_it_loads_the_graph_in_five_queries(provider, case, bob, django_assert_max_num_queries):
    asset_in(case, bob, "SP-FE01", ISOLATED)
    asset_in(case, bob, "DC01", SUSPECTED)
    _degrade("SIP trunking DE", ComponentStatus.MAJOR_OUTAGE)
    with django_assert_max_num_queries(5):
        impact = case_impact(case)
        assert all(customer.components for customer in impact.customers)
        assert all(affected.explanation for affected in impact.components)


def test_an_unimpaired_catalog_is_not_walked(provider, case, bob, django_assert_num_queries):
    asset_in(case, bob, "SP-FE01", AssetState.SUSPECTED)
    Component.objects.update(status=ComponentStatus.OPERATIONAL)
    case.assets.update(state=AssetState.ONLINE)
    with django_assert_num_queries(2):
        assert case_impact(case).components == ()
