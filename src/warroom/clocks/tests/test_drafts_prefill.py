"""`drafts.prefill`: the regulator's fields filled from what the case already records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import DETECTED

from warroom.cases.actions import (
    add_asset,
    add_indicator,
    approve_action,
    change_asset_state,
    complete_action,
)
from warroom.cases.choices import AssetState, Phase
from warroom.cases.models import Asset, Indicator
from warroom.clocks import drafts
from warroom.clocks.models import Fact
from warroom.clocks.regimes import ContentField
from warroom.clocks.tests.test_drafts_support import make_obligation, use_test_step

CANONICAL = (
    "contact",
    "nature",
    "detected_at",
    "aware_at",
    "suspected_malicious",
    "cross_border",
    "data_categories",
    "people_count",
    "records_count",
    "consequences",
    "measures_taken",
    "indicators",
    "severity_impact",
    "root_cause",
    "ongoing",
    "services_affected",
    "reasons_for_delay",
)
ALL_FIELDS = tuple(
    ContentField(name, name.replace("_", " ").capitalize(), "") for name in CANONICAL
)


@pytest.fixture
def obligation(case, monkeypatch):
    use_test_step(monkeypatch, ALL_FIELDS)
    return make_obligation(case)


def _fact(case, name, value, *, hours=1):
    Fact.objects.create(
        case=case, name=name, value=value, decided_at=DETECTED + timedelta(hours=hours)
    )


def test_it_fills_every_field_the_step_asks_for_in_order(obligation):
    texts = drafts.prefill(obligation)
    assert list(texts) == list(CANONICAL)


def test_it_takes_the_nature_from_title_and_summary(obligation):
    nature = drafts.prefill(obligation)["nature"]
    assert nature.startswith("SharePoint servers breached\n\n")
    assert "Webshell found on an internet-facing SharePoint front end." in nature


def test_it_gives_times_as_iso_utc_and_for_people(obligation):
    assert drafts.prefill(obligation)["detected_at"] == (
        "2025-08-12T06:30:00Z (Tuesday 12 August 2025, 06:30 UTC)"
    )


def test_the_aware_at_fact_wins_over_the_case_field(obligation, case):
    _fact(case, "aware_at", "2025-08-12T09:00:00Z", hours=1)
    _fact(case, "aware_at", "2025-08-12T10:15:00Z", hours=2)
    assert drafts.prefill(obligation)["aware_at"].startswith("2025-08-12T10:15:00Z")


def test_without_the_fact_aware_at_is_the_cases(obligation):
    assert drafts.prefill(obligation)["aware_at"].startswith("2025-08-12T06:30:00Z")


def test_it_names_the_countries_fact_for_cross_border_impact(obligation, case):
    _fact(case, "countries", ["DE", "FR", "GB"])
    assert drafts.prefill(obligation)["cross_border"] == (
        "Services in 3 countries may be affected: DE, FR, GB."
    )


def test_a_withdrawn_countries_answer_leaves_cross_border_empty(obligation, case):
    _fact(case, "countries", ["DE"], hours=1)
    _fact(case, "countries", None, hours=2)
    assert drafts.prefill(obligation)["cross_border"] == ""


def test_it_lists_indicators_with_their_types(obligation, indicator):
    texts = drafts.prefill(obligation)
    assert texts["indicators"] == "- file:name: spinstall0.aspx"
    assert texts["suspected_malicious"] == "Suspected: the case records 1 indicator of compromise."


def test_a_long_indicator_list_stops_with_and_n_more(obligation, case, bob):
    for n in range(drafts.LIST_CAP + 5):
        add_indicator(
            Indicator(case=case, type="ipv4-addr", value=f"198.51.100.{n}"), bob, now=DETECTED
        )
    lines = drafts.prefill(obligation)["indicators"].splitlines()
    assert len(lines) == drafts.LIST_CAP + 1
    assert lines[-1] == "- and 5 more (see the case)"


def test_measures_are_completed_actions_and_assets_taken_down(obligation, case, alice, bob, action):
    approve_action(action, alice, now=DETECTED)
    complete_action(action, bob, outcome="unplugged at 08:10", now=DETECTED)
    other = add_asset(Asset(case=case, name="VOICE-API-01"), bob, now=DETECTED)
    change_asset_state(other, AssetState.ISOLATED, bob, reason="contain", now=DETECTED)
    measures = drafts.prefill(obligation)["measures_taken"]
    assert "- Take offline: Pull SP-FE-01 (done: unplugged at 08:10)" in measures
    assert "- VOICE-API-01 isolated" in measures


def test_proposed_actions_are_not_measures_taken(obligation, action):
    assert drafts.prefill(obligation)["measures_taken"] == ""


def test_it_gives_severity_and_the_commander_as_contact(obligation):
    texts = drafts.prefill(obligation)
    assert texts["severity_impact"].startswith("Severity SEV1 — critical.")
    assert texts["contact"] == "alice <alice@example.com>, incident commander"


def test_ongoing_follows_the_phase(obligation, case):
    assert drafts.prefill(obligation)["ongoing"].startswith("Yes")
    case.phase = Phase.RECOVERED
    case.save()
    assert drafts.prefill(obligation)["ongoing"] == "No: the case is in phase Recovered."


def test_what_only_a_person_knows_starts_empty(obligation):
    texts = drafts.prefill(obligation)
    for name in ("people_count", "records_count", "data_categories", "consequences", "root_cause"):
        assert texts[name] == ""
        assert name in drafts.HINTS
    assert texts["reasons_for_delay"] == ""  # not a canonical id: nothing to fill it from


def test_it_reads_a_bounded_number_of_queries(obligation, case, bob, django_assert_max_num_queries):
    for n in range(50):
        add_indicator(
            Indicator(case=case, type="ipv4-addr", value=f"203.0.113.{n}"), bob, now=DETECTED
        )
        add_asset(Asset(case=case, name=f"HOST-{n}", state=AssetState.OFFLINE), bob, now=DETECTED)
    # facts, commander, indicator count and list, actions, assets and count, catalog impact.
    with django_assert_max_num_queries(16):
        drafts.prefill(obligation)


def test_it_names_the_services_and_customers_the_catalog_says_are_hit(obligation, case, bob):
    from warroom.catalog.models import Component, ComponentHost, Customer

    portal = Component.objects.create(name="Customer portal")
    ComponentHost.objects.create(component=portal, host="SP-FE-01")
    reseller = Customer.objects.create(name="Cloud Voice Ltd", is_reseller=True)
    reseller.components.add(portal)
    server = add_asset(Asset(case=case, name="SP-FE-01"), bob, now=DETECTED)
    change_asset_state(server, AssetState.OFFLINE, bob, reason="contain", now=DETECTED)
    texts = drafts.prefill(obligation)
    assert texts["services_affected"] == "- Customer portal: major outage"
    assert texts["severity_impact"] == (
        "Severity SEV1 — critical.\n"
        "Services affected (1):\n- Customer portal: major outage\n"
        "Customers using them (1):\n- Cloud Voice Ltd (reseller)"
    )
