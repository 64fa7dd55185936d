"""`record_fact`: an answer of the questionnaire, kept with who decided it and when."""

from datetime import timedelta

import pytest

from warroom.cases.choices import EventKind
from warroom.clocks.actions import current_answers, facts_for, record_fact
from warroom.clocks.facts import FactsError
from warroom.clocks.models import Fact
from warroom.clocks.tests.conftest import AWARE, RECORDED

LATER = RECORDED + timedelta(hours=2)


def test_it_keeps_every_answer_and_the_newest_is_current(clock_case, alice):
    record_fact(clock_case, alice, "countries", ["GB", "DE", "FR"], now=LATER, note="FR too.")
    history = Fact.objects.filter(case=clock_case, name="countries")
    assert [(f.value, str(f.decided_by)) for f in history] == [
        (["DE", "FR", "GB"], "alice"),
        (["DE", "GB"], "dana"),
    ]
    current = current_answers(clock_case)["countries"]
    assert (current.decided_at, current.note) == (LATER, "FR too.")
    assert facts_for(clock_case).countries == ("DE", "FR", "GB")


def test_it_stores_times_as_facts_json_does(clock_case):
    assert current_answers(clock_case)["aware_at"].value == "2025-08-12T10:00:00Z"
    assert facts_for(clock_case).aware_at == AWARE


def test_it_writes_a_decision_on_the_timeline(clock_case, alice):
    record_fact(clock_case, alice, "countries", ["GB", "DE", "FR"], now=LATER, note="FR too.")
    event = clock_case.events.latest("recorded_at")
    assert (event.kind, event.actor, event.occurred_at) == (EventKind.DECISION, alice, LATER)
    assert event.text.startswith(
        "Clock fact recorded. Which countries do you serve (ISO codes, e.g. GB, DE, FR)?: "
        "DE, GB → DE, FR, GB. New obligation: EU NIS2 Art. 23: Early warning (National CSIRT "
        "or competent authority of France), due 2025-08-13 10:00 UTC."
    )
    assert event.text.endswith("Note: FR too.")


def test_the_same_answer_again_records_nothing(clock_case, alice):
    before = (Fact.objects.count(), clock_case.events.count())
    change = record_fact(clock_case, alice, "countries", ["de", "GB"], now=LATER)
    assert not change
    assert change.lines() == []
    assert (Fact.objects.count(), clock_case.events.count()) == before


def test_not_known_yet_withdraws_the_answer(clock_case, alice):
    change = record_fact(clock_case, alice, "aware_at", None, now=LATER, note="Not significant.")
    assert current_answers(clock_case)["aware_at"].value is None
    assert facts_for(clock_case).aware_at is None
    assert change.fact.endswith("2025-08-12 10:00 UTC → Not known yet")
    assert "EU NIS2 Art. 23: Early warning (National CSIRT or competent authority of Germany)" in (
        change.dropped
    )


def test_a_wrong_value_is_refused_naming_the_fact(clock_case, alice):
    with pytest.raises(FactsError, match=r"INC-2025-0001.*countries.*GB, not UK"):
        record_fact(clock_case, alice, "countries", ["UK"], now=LATER)
    with pytest.raises(FactsError, match="aware_at: a time needs a UTC offset"):
        record_fact(clock_case, alice, "aware_at", "2025-08-12T10:00:00", now=LATER)
    assert Fact.objects.filter(case=clock_case, name="countries").count() == 1


def test_an_unknown_fact_is_refused(clock_case, alice):
    with pytest.raises(ValueError, match="'aware' is not a fact"):
        record_fact(clock_case, alice, "aware", AWARE, now=LATER)
