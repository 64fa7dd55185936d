"""FACTS.json: what parses, what is refused (naming file and field), and round trips."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.clocks.facts import (
    ENTITY_TYPES,
    FACT_KINDS,
    FACT_LABELS,
    FACT_NAMES,
    Facts,
    FactsError,
    load_facts,
    parse_facts,
)


def test_absent_keys_mean_not_known_yet():
    facts = parse_facts({})
    assert facts.aware_at is None
    assert facts.entity == frozenset()
    assert facts.countries == ()
    assert facts.submissions == {}


def test_null_means_not_known_yet():
    facts = parse_facts(dict.fromkeys([*FACT_NAMES, "submissions"]))
    assert facts == Facts()


def test_times_are_converted_to_utc():
    facts = parse_facts({"aware_at": "2025-08-12T11:00:00+01:00"})
    assert facts.aware_at == datetime(2025, 8, 12, 10, tzinfo=UTC)
    assert facts.aware_at.tzinfo is UTC


def test_entity_may_be_one_string_or_a_list():
    assert parse_facts({"entity": "sec_registrant"}).entity == {"sec_registrant"}
    both = parse_facts({"entity": ["telecom_provider", "sec_registrant"]})
    assert both.entity == {"telecom_provider", "sec_registrant"}


def test_countries_are_upper_cased_and_deduplicated_in_order():
    facts = parse_facts({"countries": ["gb", "DE", "GB", "fr"]})
    assert facts.countries == ("GB", "DE", "FR")


def test_submissions_are_times_by_obligation_key():
    facts = parse_facts({"submissions": {"eu_nis2.notification:DE": "2025-08-14T10:00:00Z"}})
    assert facts.submissions == {"eu_nis2.notification:DE": datetime(2025, 8, 14, 10, tzinfo=UTC)}


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"aware_at": "2025-08-12T10:00:00"}, "aware_at", "UTC offset"),
        ({"aware_at": "12 August"}, "aware_at", "not an ISO 8601 time"),
        ({"aware_at": 1755000000}, "aware_at", "ISO 8601 time as a string"),
        ({"aware": "2025-08-12T10:00:00Z"}, "aware", "unknown fact"),
        ({"entity": "bank"}, "entity", "unknown entity type 'bank'"),
        ({"entity": 3}, "entity", "entity type or a list"),
        ({"countries": ["UK"]}, "countries", "GB, not UK"),
        ({"countries": ["DEU"]}, "countries", "alpha-2"),
        ({"countries": "DE"}, "countries", "list"),
        ({"telecom_personal_data": "yes"}, "telecom_personal_data", "true or false"),
        ({"telecom_personal_data": 1}, "telecom_personal_data", "true or false"),
        ({"submissions": {"nis2": "2025-08-12T10:00:00Z"}}, "submissions", "obligation key"),
        ({"submissions": {"eu_gdpr.art33": "2025-08-12"}}, "submissions", "eu_gdpr.art33"),
        ({"submissions": ["eu_gdpr.art33"]}, "submissions", "object"),
    ],
)
def test_bad_input_names_the_file_and_the_field(data, field, words):
    with pytest.raises(FactsError) as caught:
        parse_facts(data, source="case.json")
    assert str(caught.value).startswith(f"case.json: {field}: ")
    assert words in str(caught.value)


def test_every_problem_is_reported_on_its_own_line():
    with pytest.raises(FactsError) as caught:
        parse_facts({"aware_at": "x", "entity": "bank"}, source="f.json")
    lines = str(caught.value).splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["aware_at", "entity"]


def test_a_list_is_not_a_facts_object():
    with pytest.raises(FactsError, match=r"^f\.json: expected a JSON object"):
        parse_facts([], source="f.json")


def test_load_facts_reads_a_file(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps({"aware_at": "2025-08-12T10:00:00Z"}), encoding="utf-8")
    assert load_facts(path).aware_at == datetime(2025, 8, 12, 10, tzinfo=UTC)


def test_load_facts_names_the_line_of_broken_json(tmp_path):
    path = tmp_path / "facts.json"
    path.write_text('{\n  "aware_at": "2025-08-12T10:00:00Z",\n}\n', encoding="utf-8")
    with pytest.raises(FactsError, match=r"facts\.json: not valid JSON at line 3"):
        load_facts(path)


def test_load_facts_names_a_missing_file(tmp_path):
    with pytest.raises(FactsError, match=r"missing\.json: cannot read"):
        load_facts(tmp_path / "missing.json")


def test_the_questionnaire_has_a_label_and_kind_for_every_fact():
    assert FACT_NAMES[:3] == ("aware_at", "entity", "countries")
    assert set(FACT_LABELS) == set(FACT_KINDS) == set(FACT_NAMES)
    assert set(FACT_KINDS.values()) == {"datetime", "bool", "countries", "entities"}
    assert set(FACT_NAMES) | {"submissions"} == set(Facts.model_fields)


# Round trips: whatever Facts holds, its FACTS.json form parses back to the same Facts.

offsets = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])
times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=offsets
)
maybe_time = st.none() | times
maybe_flag = st.none() | st.booleans()
codes = st.sampled_from(["GB", "DE", "FR", "IT", "US", "IE", "GR", "NL"])
keys = st.from_regex(r"[a-z0-9_]{1,8}\.[a-z0-9_]{1,8}(:[A-Z]{2})?", fullmatch=True)


@st.composite
def facts_strategy(draw):
    values = {}
    for name, kind in FACT_KINDS.items():
        if kind == "datetime":
            values[name] = draw(maybe_time)
        elif kind == "bool":
            values[name] = draw(maybe_flag)
        elif kind == "entities":
            values[name] = draw(st.frozensets(st.sampled_from(ENTITY_TYPES)))
        else:
            values[name] = draw(st.lists(codes, unique=True).map(tuple))
    values["submissions"] = draw(st.dictionaries(keys, times, max_size=4))
    return Facts(**values)


@given(facts_strategy())
def test_parse_facts_round_trips(facts):
    text = json.dumps(facts.as_json())
    assert parse_facts(json.loads(text)) == facts


@given(facts_strategy())
def test_every_time_is_utc(facts):
    for name, kind in FACT_KINDS.items():
        value = facts.value(name)
        if kind == "datetime" and value is not None:
            assert value.utcoffset() == timedelta(0)
