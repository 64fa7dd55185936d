"""`warroom demo`: the scenario's evidence hunted into a new case."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from warroom.cli import app

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_case_holds_the_intrusion(alice: Any) -> None:
    from warroom.cases.choices import AssetState, EventKind
    from warroom.cases.hunt_import import find_asset
    from warroom.demo import run_demo

    result = run_demo(alice, seed=5)
    case = result.case
    assert case.commander == alice
    findings = case.events.filter(kind=EventKind.FINDING)
    assert findings.count() >= result.findings > 0  # and "Indicator added" entries
    texts = " ".join(findings.values_list("text", flat=True))
    assert "ToolPane" in texts
    assert "spinstall" in texts.lower()
    seen = set(case.indicators.exclude(first_seen=None).values_list("value", flat=True))
    assert {"107.191.58.76", "104.238.159.149"} <= seen
    web_front = find_asset(case, "SP-FE01")
    assert web_front is not None
    assert web_front.state == AssetState.SUSPECTED

    # Customers were told: the catalog is loaded and matched to the hosts, a public incident
    # linked to the case carries two approved, published updates, and the page is exported.
    from warroom.catalog.impact import case_impact
    from warroom.statuspage.choices import ReviewState

    impact = case_impact(case)
    assert "Customer portal" in {component.name for component in impact.components}
    assert any(customer.is_reseller for customer in impact.customers)
    incident = result.public_incident
    assert incident.case == case
    updates = list(incident.updates.order_by("published_at"))
    assert [u.review for u in updates] == [ReviewState.PUBLISHED] * 2
    assert updates[0].body.startswith("We are aware of an issue affecting Customer portal")
    assert {u.approved_by.username for u in updates if u.approved_by} == {"comms"}
    assert case.events.filter(text__contains="published").count() >= 2
    index = (result.status_export / "index.html").read_text()
    assert incident.name in index
    summary = (result.status_export / "api" / "v2" / "summary.json").read_text()
    assert '"major_outage"' in summary

    # The questionnaire is answered and the clocks run: NIS2 to the CSIRTs, UK GDPR, DORA help.
    regimes = set(case.obligations.values_list("regime", flat=True))
    assert {"eu_nis2", "uk_gdpr", "eu_dora_ict_provider"} <= regimes
    assert case.clock_facts.filter(name="aware_at").exists()
    assert result.clocks

    again = run_demo(alice, seed=5)
    assert again.case != case
    assert again.evidence == result.evidence  # written once, reused
    assert again.findings == result.findings


def test_the_demo_command_names_a_user_that_exists(alice: Any) -> None:
    result = CliRunner().invoke(app, ["demo", "--as", "nobody"])
    assert result.exit_code == 2
    assert "No user named 'nobody'" in result.output
