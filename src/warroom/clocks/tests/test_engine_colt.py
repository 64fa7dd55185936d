"""The Colt-like incident of reference section 12, as the facts became known.

A UK telecom serving EU states and banks: service interruptions on 12 Aug 2025 at about 11:00
BST, taken as awareness; the authorities were notified by 14 Aug; on 21 Aug the theft of
customer-related files was established; the UK PECR period changed on 20 Aug in between.
"""

from datetime import UTC, datetime
from typing import Any

import pytest

from warroom.clocks.engine import Obligation, explain
from warroom.clocks.facts import parse_facts

EU = ["DE", "FR", "IT", "NL", "ES", "BE"]
DAY_ONE = {
    "aware_at": "2025-08-12T11:00:00+01:00",
    "entity": ["telecom_provider"],
    "countries": ["GB", *EU, "US"],
    "financial_entity_customers": True,
}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def clocks(**facts: Any) -> dict[str, Obligation]:
    return {o.key: o for o in explain(parse_facts(DAY_ONE | facts))}


def test_day_one_starts_nis2_in_every_member_state_ofcom_and_the_bank_customers():
    found = clocks()
    for country in EU:
        assert found[f"eu_nis2.early_warning:{country}"].due_at == utc("2025-08-13T10:00:00Z")
        assert found[f"eu_nis2.notification:{country}"].due_at == utc("2025-08-15T10:00:00Z")
    assert found["eu_nis2.early_warning:IT"].recipient.startswith("CSIRT Italia")
    assert found["uk_comms_act.ofcom"].due_at is None
    assert found["eu_dora_ict_provider.initial_support"].due_at == utc("2025-08-13T10:00:00Z")
    # Nothing about personal data yet, and no NIS2 duty towards the UK or the US.
    assert not [k for k in found if "gdpr" in k or "pecr" in k or "eprivacy" in k]
    assert not [k for k in found if k.endswith((":GB", ":US"))]
    # The earliest clocks come first.
    assert next(iter(found.values())).due_at == utc("2025-08-13T10:00:00Z")


def test_submissions_on_13_and_14_august_start_the_final_reports():
    sent = {f"eu_nis2.early_warning:{c}": "2025-08-13T08:00:00Z" for c in EU}
    sent |= {f"eu_nis2.notification:{c}": "2025-08-14T16:00:00+01:00" for c in EU}
    found = clocks(submissions=sent)
    for country in EU:
        final = found[f"eu_nis2.final_report:{country}"]
        assert final.starts_at == utc("2025-08-14T15:00:00Z")
        assert final.due_at == utc("2025-09-14T15:00:00Z")


BREACH = "2025-08-21T09:00:00+01:00"  # exfiltration of customer files established


def test_21_august_the_personal_data_breach_starts_gdpr_in_the_eu_and_the_uk():
    found = clocks(personal_data_breach_at=BREACH)
    assert found["eu_gdpr.art33"].due_at == utc("2025-08-24T08:00:00Z")
    assert found["uk_gdpr.art33"].due_at == utc("2025-08-24T08:00:00Z")
    assert found["uk_gdpr.art33"].recipient == "Information Commissioner's Office (ICO)"
    # Not yet decided whether service data were involved: no PECR or ePrivacy clock.
    assert "uk_pecr.initial" not in found


def test_then_service_data_are_found_too_pecr_runs_72_hours_after_the_uk_change():
    found = clocks(
        personal_data_breach_at=BREACH, telecom_personal_data=True, other_personal_data=True
    )
    pecr = found["uk_pecr.initial"]
    assert pecr.version == "2025-08-20"
    assert pecr.due_at == utc("2025-08-24T08:00:00Z")
    for country in EU:
        assert found[f"eu_eprivacy.initial:{country}"].due_at == utc("2025-08-22T08:00:00Z")
    # Other personal data (business-support systems) keep the GDPR clocks.
    assert {"eu_gdpr.art33", "uk_gdpr.art33"} <= set(found)


@pytest.mark.parametrize(
    ("breach", "version", "due"),
    [
        ("2025-08-19T23:59:00+01:00", "2011-05-26", "2025-08-20T22:59:00Z"),
        ("2025-08-20T00:00:00+01:00", "2025-08-20", "2025-08-22T23:00:00Z"),
    ],
)
def test_had_the_breach_been_known_around_the_change_the_uk_day_decides(breach, version, due):
    found = clocks(personal_data_breach_at=breach, telecom_personal_data=True)
    assert found["uk_pecr.initial"].version == version
    assert found["uk_pecr.initial"].due_at == utc(due)


def test_only_service_data_means_no_gdpr():
    found = clocks(
        personal_data_breach_at=BREACH, telecom_personal_data=True, other_personal_data=False
    )
    assert not [k for k in found if "gdpr" in k]
    assert "uk_pecr.initial" in found
