"""The regime files: every one shipped validates, and a broken one names file and field."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from warroom.clocks.facts import FACT_KINDS
from warroom.clocks.regimes import (
    EU_MEMBER_STATES,
    RegimeError,
    all_regimes,
    find_step,
    load_regime_file,
    load_regimes,
    regime_for,
)

LONDON = ZoneInfo("Europe/London")
CANONICAL = {
    "contact", "nature", "detected_at", "aware_at", "suspected_malicious", "cross_border",
    "data_categories", "people_count", "records_count", "consequences", "measures_taken",
    "indicators", "severity_impact", "root_cause", "ongoing", "services_affected",
}  # fmt: skip


def test_every_regime_the_issue_lists_is_shipped():
    ids = {r.id for r in all_regimes()}
    assert ids >= {
        "eu_nis2", "eu_gdpr", "eu_eprivacy", "uk_gdpr", "uk_pecr", "uk_comms_act",
        "eu_dora", "eu_dora_ict_provider", "us_sec_8k", "us_circia",
    }  # fmt: skip


def test_nis2_has_its_four_stages():
    steps = [s.id for s in regime_for("eu_nis2", datetime(2025, 8, 12, tzinfo=UTC)).steps]
    assert steps[:4] == ["early_warning", "notification", "intermediate", "final_report"]


def test_circia_is_marked_proposed_and_the_rest_in_force():
    statuses = {r.id: r.status for r in all_regimes()}
    assert statuses.pop("us_circia") == "proposed"
    assert set(statuses.values()) == {"in_force"}


def test_uk_pecr_has_two_versions_that_meet_on_20_august_2025():
    old, new = [r for r in all_regimes() if r.id == "uk_pecr"]
    assert old.effective_to is not None
    assert (old.effective_to.isoformat(), new.version) == ("2025-08-19", "2025-08-20")
    assert new.effective_to is None


@pytest.mark.parametrize(
    ("local", "version", "hours"),
    [
        ("2025-08-19T23:59:59", "2011-05-26", 24),
        ("2025-08-20T00:00:00", "2025-08-20", 72),
        ("2025-08-20T00:00:01", "2025-08-20", 72),
    ],
)
def test_the_uk_time_of_the_instant_selects_the_pecr_version(local, version, hours):
    instant = datetime.fromisoformat(local).replace(tzinfo=LONDON)
    regime = regime_for("uk_pecr", instant)
    assert regime.version == version
    assert getattr(regime.steps[0].deadline, "hours", None) == hours


def test_no_version_before_the_first_is_a_lookup_error():
    with pytest.raises(LookupError, match="no version of eu_nis2"):
        regime_for("eu_nis2", datetime(2020, 1, 1, tzinfo=UTC))
    with pytest.raises(LookupError, match="no regime"):
        regime_for("eu_nope", datetime(2025, 1, 1, tzinfo=UTC))


def test_find_step():
    assert find_step("eu_gdpr", "2018-05-25", "art33").basis.startswith("GDPR Art. 33")
    with pytest.raises(KeyError):
        find_step("eu_gdpr", "2018-05-25", "art99")


def test_nis2_recipients_are_per_member_state():
    step = find_step("eu_nis2", "2024-10-18", "early_warning")
    assert step.per_country
    assert step.recipient_for("DE", EU_MEMBER_STATES).endswith("of Germany")
    assert step.recipient_for("IT", EU_MEMBER_STATES).startswith("CSIRT Italia")


def test_every_step_starts_from_a_time_fact_or_an_earlier_step():
    for regime in all_regimes():
        earlier: set[str] = set()
        for step in regime.steps:
            assert step.start_fact is None or FACT_KINDS[step.start_fact] == "datetime"
            assert step.start_after is None or step.start_after in earlier
            earlier.add(step.id)


def test_shared_meanings_use_the_canonical_content_ids():
    # A label naming one of these things must use its canonical id, so drafts can fill it.
    words = {"indicators of compromise": "indicators", "likely consequences": "consequences"}
    for regime in all_regimes():
        for step in regime.steps:
            for field in step.contents:
                for phrase, wanted in words.items():
                    if field.label.lower() == phrase:
                        assert field.id == wanted, (regime.file, step.id, field.id)
    used = {f.id for r in all_regimes() for s in r.steps for f in s.contents}
    assert len(CANONICAL & used) >= 12


@pytest.mark.parametrize(
    ("regime_id", "topic"),
    [
        ("eu_nis2", "recital 31"),
        ("uk_pecr", "before 20 Aug 2025"),
        ("uk_comms_act", "2022 statement"),
        ("eu_dora", "final article numbering"),
        ("us_sec_8k", "business day"),
        ("us_circia", "effective date"),
        ("eu_eprivacy", "Annex II"),
    ],
)
def test_points_the_reference_leaves_unconfirmed_are_said_so(regime_id, topic):
    notes = [
        note
        for regime in all_regimes()
        if regime.id == regime_id
        for note in (*regime.notes, *(n for s in regime.steps for n in s.notes))
    ]
    assert any(n.startswith("Unconfirmed:") and topic in n for n in notes), notes


# Broken files. Each test breaks one thing in a good file and expects file and field.

GOOD = {
    "id": "test_regime",
    "title": "Test regime",
    "effective_from": "2025-01-01",
    "status": "in_force",
    "jurisdiction": "EU",
    "timezone": "Europe/Brussels",
    "trigger": "aware_at",
    "sources": ["https://example.org/law"],
    "steps": [
        {
            "id": "first",
            "title": "First",
            "start": {"fact": "aware_at"},
            "deadline": {"hours": 24},
            "recipient": "Authority",
            "basis": "Art. 1",
            "contents": [{"id": "nature", "label": "Nature"}],
        },
        {
            "id": "second",
            "title": "Second",
            "start": {"after": "first"},
            "deadline": {"months": 1},
            "recipient": "Authority",
            "basis": "Art. 2",
            "contents": [{"id": "nature", "label": "Nature"}],
        },
    ],
}


def write(folder: Path, data: dict[str, Any], name: str | None = None) -> Path:
    version = str(data.get("effective_from"))
    path = folder / (name or f"{data.get('id')}.{version}.yaml")
    # Dates are written unquoted, as a person would write them.
    text = yaml.safe_dump(data, sort_keys=False).replace(f"'{version}'", version)
    path.write_text(text, encoding="utf-8")
    return path


def broken(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(yaml.safe_dump(GOOD))
    for dotted, value in changes.items():
        target: Any = data
        *parents, last = dotted.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return data


def test_the_good_fixture_loads(tmp_path):
    regime = load_regime_file(write(tmp_path, GOOD))
    assert regime.version == "2025-01-01"
    assert [s.id for s in regime.steps] == ["first", "second"]


@pytest.mark.parametrize(
    ("changes", "where", "words"),
    [
        ({"steps__0__deadline": {"hours": "24"}}, "steps[0].deadline.hours", "integer"),
        ({"steps__0__deadline": {"hours": 0}}, "steps[0].deadline.hours", "greater than 0"),
        ({"steps__0__deadline": {"hours": 24, "months": 1}}, "steps[0].deadline", "exactly one"),
        ({"steps__0__deadline": {"business_days": 4}}, "steps[0].deadline", "calendar"),
        (
            {"steps__0__deadline": {"business_days": 4, "calendar": "XX"}},
            "steps[0].deadline.calendar",
            "no holiday calendar",
        ),
        ({"steps__0__start": {"fact": "entity"}}, "steps[0].start.fact", "not a time fact"),
        ({"steps__0__start": {"fact": "aware"}}, "steps[0].start.fact", "not a time fact"),
        ({"steps__1__start": {"after": "third"}}, "steps[1].start.after", "no earlier step"),
        ({"steps__1__id": "first"}, "steps[1].id", "appears twice"),
        ({"steps__0__contents": []}, "steps[0].contents", "at least 1"),
        ({"steps__0__colour": "red"}, "steps[0].colour", "unknown field"),
        ({"steps__0__when": {"entity": ["bank"]}}, "steps[0].when.entity[0]", "input should be"),
        ({"status": "draft"}, "status", "in_force"),
        ({"jurisdiction": "ZZ"}, "jurisdiction", "input should be"),
        ({"timezone": "Mars/Olympus"}, "timezone", "unknown time zone"),
        ({"trigger": "countries"}, "trigger", "not a time fact"),
        ({"effective_to": "2024-01-01"}, "effective_to", "before effective_from"),
        ({"sources": []}, "sources", "at least 1"),
    ],
)
def test_a_broken_file_names_the_file_and_the_field(tmp_path, changes, where, words):
    data = broken(**changes)
    path = write(tmp_path, data)
    if "effective_to" in changes:
        path.write_text(path.read_text().replace("'2024-01-01'", "2024-01-01"))
    with pytest.raises(RegimeError) as caught:
        load_regime_file(path)
    message = str(caught.value)
    assert message.startswith(f"test_regime.2025-01-01.yaml: {where}: "), message
    assert words in message


def test_a_missing_field_is_required(tmp_path):
    data = broken()
    del data["steps"][0]["basis"]
    with pytest.raises(RegimeError, match=r"\.yaml: steps\[0\]\.basis: required"):
        load_regime_file(write(tmp_path, data))


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "test_regime.2025-01-01.yaml"
    path.write_text("id: test_regime\nsteps: [\n  - oops: {\n", encoding="utf-8")
    with pytest.raises(RegimeError, match=r"test_regime\.2025-01-01\.yaml: not valid YAML at"):
        load_regime_file(path)


def test_the_file_name_must_match_id_and_version(tmp_path):
    path = write(tmp_path, GOOD, name="other.2025-01-01.yaml")
    with pytest.raises(RegimeError, match=r"^other\.2025-01-01\.yaml: id/effective_from: "):
        load_regime_file(path)


def test_overlapping_versions_are_refused(tmp_path):
    later = broken(effective_from="2025-06-01")
    paths = [write(tmp_path, GOOD), write(tmp_path, later)]
    with pytest.raises(RegimeError, match=r"^test_regime\.2025-01-01\.yaml: effective_to: "):
        load_regimes(paths)


def test_consecutive_versions_load_together(tmp_path):
    first = broken(effective_to="2025-05-31")
    later = broken(effective_from="2025-06-01")
    paths = [write(tmp_path, first), write(tmp_path, later)]
    paths[0].write_text(paths[0].read_text().replace("'2025-05-31'", "2025-05-31"))
    assert [r.version for r in load_regimes(paths)] == ["2025-01-01", "2025-06-01"]
