"""`demo.seed`: the Colt-like answers and filings, and the clocks that follow from them."""

from datetime import UTC, datetime

import pytest

from warroom.cases.choices import EventKind
from warroom.clocks import demo
from warroom.clocks.actions import current_answers, facts_for
from warroom.clocks.choices import ObligationStatus
from warroom.clocks.models import Obligation
from warroom.jobs.models import Job

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EU = ("DE", "FR", "NL", "ES", "IT")


@pytest.fixture
def seeded(case, alice):
    return demo.seed(case, alice, now=NOW)


def test_it_records_every_answer_by_the_actor(case, seeded):
    answers = current_answers(case)
    assert set(answers) == {name for name, _value, _note in demo.ANSWERS}
    assert {str(fact.decided_by) for fact in answers.values()} == {"alice"}
    facts = facts_for(case)
    assert facts.aware_at == datetime(2025, 8, 12, 10, 0, tzinfo=UTC)
    assert facts.entity == {"telecom_provider", "essential_entity"}
    assert facts.personal_data_breach_at == datetime(2025, 8, 21, 9, 0, tzinfo=UTC)


def test_the_nis2_steps_were_filed_in_every_eu_state_served(case, seeded):
    for country in EU:
        early = Obligation.objects.get(case=case, key=f"eu_nis2.early_warning:{country}")
        assert early.status == ObligationStatus.SUBMITTED
        assert early.submissions.get().reference == f"EW-2025-0812-{country}"
        final = Obligation.objects.get(case=case, key=f"eu_nis2.final_report:{country}")
        assert final.starts_at == datetime(2025, 8, 14, 16, 0, tzinfo=UTC)
        assert final.due_at == datetime(2025, 9, 14, 16, 0, tzinfo=UTC)
    assert not Obligation.objects.filter(case=case, key="eu_nis2.early_warning:GB").exists()


def test_the_personal_data_clocks_start_on_21_august(case, seeded):
    gdpr = Obligation.objects.filter(case=case, regime__in=["eu_gdpr", "uk_gdpr"])
    assert gdpr.exists()
    assert {o.starts_at for o in gdpr if o.starts_at} == {datetime(2025, 8, 21, 9, 0, tzinfo=UTC)}


def test_it_summarises_and_queues_no_reminder_for_long_past_deadlines(case, seeded):
    total = Obligation.objects.filter(case=case).count()
    still_open = Obligation.objects.filter(case=case, status=ObligationStatus.OPEN).count()
    assert (
        seeded
        == f"{len(demo.ANSWERS)} questionnaire answers, {total} obligations ({still_open} open)"
    )
    assert not Job.objects.filter(kind="clocks.remind", run_at__gt=NOW).exists()
    assert not Job.objects.filter(kind="clocks.remind").exists()


def test_the_timeline_tells_the_story(case, seeded):
    decisions = case.events.filter(kind=EventKind.DECISION, text__startswith="Clock fact")
    assert decisions.count() == len(demo.ANSWERS)
    assert case.events.filter(kind=EventKind.COMMUNICATION).count() == 2 * len(EU)
