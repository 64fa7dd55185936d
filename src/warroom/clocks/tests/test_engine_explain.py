"""explain(): which obligations the facts start, per country, and in what order."""

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.clocks.engine import Obligation, explain, obligation_key
from warroom.clocks.facts import ENTITY_TYPES, parse_facts

AWARE = "2025-08-12T10:00:00Z"


def keys(**facts: Any) -> list[str]:
    return [o.key for o in explain(parse_facts(facts))]


def by_key(**facts: Any) -> dict[str, Obligation]:
    return {o.key: o for o in explain(parse_facts(facts))}


def test_no_facts_no_obligations():
    assert keys() == []


def test_nothing_starts_before_its_trigger_is_known():
    assert keys(entity="telecom_provider", countries=["DE", "GB"]) == []


def test_nis2_fans_out_to_every_member_state_served_and_skips_the_rest():
    found = keys(aware_at=AWARE, entity="important_entity", countries=["GB", "DE", "US", "FR"])
    nis2 = [k for k in found if k.startswith("eu_nis2.")]
    assert sorted(nis2) == [
        "eu_nis2.early_warning:DE",
        "eu_nis2.early_warning:FR",
        "eu_nis2.notification:DE",
        "eu_nis2.notification:FR",
        "eu_nis2.service_recipients",
    ]


def test_nis2_needs_an_eu_country():
    assert not [k for k in keys(aware_at=AWARE, entity="essential_entity", countries=["GB"])]


def test_dora_displaces_nis2_for_a_financial_entity():
    found = keys(aware_at=AWARE, entity=["essential_entity", "financial_entity"], countries=["DE"])
    assert not [k for k in found if k.startswith("eu_nis2")]


def test_the_final_report_starts_when_the_notification_was_submitted_in_that_country():
    found = by_key(
        aware_at=AWARE,
        entity="telecom_provider",
        countries=["DE", "FR"],
        submissions={"eu_nis2.notification:DE": "2025-08-14T09:30:00Z"},
    )
    final = found["eu_nis2.final_report:DE"]
    assert final.starts_at == datetime(2025, 8, 14, 9, 30, tzinfo=UTC)
    assert final.due_at == datetime(2025, 9, 14, 9, 30, tzinfo=UTC)
    assert "eu_nis2.final_report:FR" not in found


def test_intermediate_report_starts_on_request():
    found = by_key(
        aware_at=AWARE,
        entity="telecom_provider",
        countries=["DE"],
        nis2_intermediate_requested_at="2025-08-20T08:00:00Z",
    )
    step = found["eu_nis2.intermediate"]
    assert step.due_at is None
    assert step.starts_at == datetime(2025, 8, 20, 8, tzinfo=UTC)


def test_gdpr_applies_to_any_personal_data_breach():
    found = keys(personal_data_breach_at=AWARE, countries=["DE", "GB"])
    assert {"eu_gdpr.art33", "eu_gdpr.art34", "uk_gdpr.art33", "uk_gdpr.art34"} <= set(found)
    assert not [k for k in found if "pecr" in k or "eprivacy" in k]


def test_telecom_data_only_goes_to_eprivacy_and_pecr_instead_of_gdpr():
    found = keys(
        personal_data_breach_at=AWARE,
        entity="telecom_provider",
        countries=["DE", "GB"],
        telecom_personal_data=True,
        other_personal_data=False,
    )
    assert "uk_pecr.initial" in found
    assert "eu_eprivacy.initial:DE" in found
    assert not [k for k in found if "gdpr" in k]


def test_telecom_and_other_data_go_to_both():
    found = keys(
        personal_data_breach_at=AWARE,
        entity="telecom_provider",
        countries=["GB"],
        telecom_personal_data=True,
    )
    # other_personal_data unknown: the GDPR clock is kept until someone decides.
    assert {"uk_pecr.initial", "uk_gdpr.art33"} <= set(found)


def test_art34_goes_when_high_risk_is_ruled_out():
    found = keys(personal_data_breach_at=AWARE, countries=["DE"], high_risk_to_individuals=False)
    assert "eu_gdpr.art33" in found
    assert "eu_gdpr.art34" not in found


def test_sec_and_circia_need_their_entity_types_not_countries():
    facts = {
        "aware_at": AWARE,
        "materiality_determined_at": "2025-08-14T15:00:00-04:00",
        "ransom_paid_at": "2025-08-15T12:00:00Z",
    }
    assert keys(**facts) == []
    found = by_key(**facts, entity=["sec_registrant", "us_critical_infrastructure"])
    assert found["us_sec_8k.form_8k"].due_at == datetime(2025, 8, 21, 4, tzinfo=UTC)
    assert found["us_circia.covered_incident"].due_at == datetime(2025, 8, 15, 10, tzinfo=UTC)
    assert found["us_circia.ransom_payment"].due_at == datetime(2025, 8, 16, 12, tzinfo=UTC)
    assert found["us_circia.ransom_payment"].notes[0].startswith("Proposed rule, not in force")


def test_dora_own_reports_follow_the_submissions():
    found = by_key(
        aware_at=AWARE,
        entity="financial_entity",
        countries=["DE"],
        major_ict_incident_classified_at="2025-08-12T12:00:00Z",
        submissions={
            "eu_dora.initial": "2025-08-12T15:00:00Z",
            "eu_dora.intermediate": "2025-08-15T09:00:00Z",
        },
    )
    assert found["eu_dora.initial"].due_at == datetime(2025, 8, 12, 16, tzinfo=UTC)
    assert found["eu_dora.intermediate"].due_at == datetime(2025, 8, 15, 15, tzinfo=UTC)
    assert found["eu_dora.final"].due_at == datetime(2025, 9, 15, 9, tzinfo=UTC)


def test_no_fixed_time_obligations_come_last_then_by_key():
    found = explain(
        parse_facts({"aware_at": AWARE, "entity": "telecom_provider", "countries": ["GB", "DE"]})
    )
    dues = [o.due_at for o in found]
    fixed = [d for d in dues if d is not None]
    assert fixed == sorted(fixed)
    assert dues[len(fixed) :] == [None] * (len(dues) - len(fixed))
    undated = [o.key for o in found if o.due_at is None]
    assert undated == sorted(undated)


def test_as_json_is_the_cli_object():
    (ofcom,) = [
        o
        for o in explain(
            parse_facts({"aware_at": AWARE, "entity": "telecom_provider", "countries": ["GB"]})
        )
        if o.key == "uk_comms_act.ofcom"
    ]
    data = ofcom.as_json()
    assert data["regime"] == "uk_comms_act"
    assert data["step"] == "ofcom"
    assert data["recipient"] == "Ofcom"
    assert data["starts_at"] == "2025-08-12T10:00:00Z"
    assert data["due_at"] is None
    assert "No fixed deadline: as soon as reasonably practicable." in data["notes"]
    assert any(n.startswith("Unconfirmed:") for n in data["notes"])


def test_obligation_keys():
    assert obligation_key("eu_gdpr", "art33") == "eu_gdpr.art33"
    assert obligation_key("eu_nis2", "early_warning", "DE") == "eu_nis2.early_warning:DE"


# Properties over random facts.

times = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
).map(lambda t: t.isoformat())


@st.composite
def any_facts(draw):
    data = {
        "aware_at": draw(st.none() | times),
        "entity": draw(st.lists(st.sampled_from(ENTITY_TYPES), unique=True)),
        "countries": draw(st.lists(st.sampled_from(["GB", "DE", "FR", "IT", "US"]), unique=True)),
        "personal_data_breach_at": draw(st.none() | times),
        "telecom_personal_data": draw(st.none() | st.booleans()),
        "other_personal_data": draw(st.none() | st.booleans()),
        "financial_entity_customers": draw(st.none() | st.booleans()),
        "major_ict_incident_classified_at": draw(st.none() | times),
        "materiality_determined_at": draw(st.none() | times),
        "ransom_paid_at": draw(st.none() | times),
    }
    return parse_facts(data)


@settings(max_examples=150)
@given(any_facts())
def test_obligations_are_well_formed(facts):
    found = explain(facts)
    assert len({o.key for o in found}) == len(found)
    for obligation in found:
        assert obligation.starts_at is not None
        if obligation.due_at is not None:
            assert obligation.due_at >= obligation.starts_at
            assert obligation.due_at - obligation.starts_at <= timedelta(days=40)
        assert obligation.recipient
        assert obligation.basis
        assert obligation.notes
        assert "{" not in obligation.recipient


@settings(max_examples=50)
@given(any_facts())
def test_explain_does_not_depend_on_the_order_countries_are_given(facts):
    # The same facts in another order (explain alone against itself could never differ).
    reordered = facts.model_copy(update={"countries": tuple(reversed(facts.countries))})
    assert explain(reordered) == explain(facts)


def test_a_note_about_one_country_stays_with_that_country() -> None:
    # The Italian recipient's caveat used to be a note of the whole step, so the German early
    # warning said "The Italian recipient is from a secondary source".
    facts = parse_facts(
        {"aware_at": AWARE, "entity": "essential_entity", "countries": ["DE", "IT"]}
    )
    found = {o.key: o for o in explain(facts)}
    german, italian = found["eu_nis2.early_warning:DE"], found["eu_nis2.early_warning:IT"]
    assert not any("Ital" in note for note in german.notes)
    assert "Ital" not in german.recipient
    assert "unconfirmed" in italian.recipient
