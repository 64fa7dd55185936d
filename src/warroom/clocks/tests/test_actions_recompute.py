"""`recompute`: obligations follow the facts, and the case says what changed."""

from datetime import UTC, datetime, timedelta

from warroom.cases.choices import EventKind
from warroom.clocks.actions import DROPPED, mark_not_applicable, recompute, record_fact
from warroom.clocks.choices import ObligationStatus
from warroom.clocks.models import Obligation
from warroom.clocks.tests.conftest import (
    AWARE,
    EARLY_WARNING_DE,
    NOTIFICATION_DE,
    RECORDED,
)

LATER = RECORDED + timedelta(hours=2)
EARLIER = AWARE - timedelta(hours=6)
DE_EARLY = "EU NIS2 Art. 23: Early warning (National CSIRT or competent authority of Germany)"


def test_it_creates_the_obligations_the_facts_start(clock_case):
    keys = set(Obligation.objects.filter(case=clock_case).values_list("key", flat=True))
    assert {EARLY_WARNING_DE, NOTIFICATION_DE} <= keys
    early = Obligation.objects.get(case=clock_case, key=EARLY_WARNING_DE)
    assert (early.starts_at, early.due_at) == (AWARE, AWARE + timedelta(hours=24))
    assert (early.regime, early.regime_version, early.step) == (
        "eu_nis2",
        "2024-10-18",
        "early_warning",
    )
    assert early.status == ObligationStatus.OPEN
    assert "Unconfirmed:" in early.notes


def test_deadlines_move_when_awareness_changes(clock_case, alice):
    change = record_fact(clock_case, alice, "aware_at", EARLIER, now=LATER)
    early = Obligation.objects.get(case=clock_case, key=EARLY_WARNING_DE)
    assert early.due_at == EARLIER + timedelta(hours=24)
    moved = {m.name: (m.old, m.new) for m in change.moved}
    assert moved[DE_EARLY] == (AWARE + timedelta(hours=24), EARLIER + timedelta(hours=24))
    assert not change.added
    assert not change.dropped
    assert (
        f"Deadline moved: {DE_EARLY} from 2025-08-13 10:00 UTC to 2025-08-13 04:00 UTC."
        in change.lines()
    )


def test_an_obligation_no_longer_created_becomes_not_applicable(clock_case, alice):
    change = record_fact(clock_case, alice, "countries", ["GB"], now=LATER)
    early = Obligation.objects.get(case=clock_case, key=EARLY_WARNING_DE)
    assert early.status == ObligationStatus.NOT_APPLICABLE
    assert early.reason == (
        DROPPED + "Which countries do you serve (ISO codes, e.g. GB, DE, FR)?: DE, GB → GB."
    )
    assert DE_EARLY in change.dropped
    assert f"No longer applies: {DE_EARLY}." in change.lines()


def test_it_comes_back_when_the_facts_create_it_again(clock_case, alice):
    record_fact(clock_case, alice, "countries", ["GB"], now=LATER)
    change = record_fact(clock_case, alice, "countries", ["GB", "DE"], now=LATER)
    early = Obligation.objects.get(case=clock_case, key=EARLY_WARNING_DE)
    assert (early.status, early.reason) == (ObligationStatus.OPEN, "")
    assert f"{DE_EARLY}, due 2025-08-13 10:00 UTC (applies again)" in change.added


def test_a_persons_not_applicable_stands_when_the_facts_change(early_warning, alice):
    mark_not_applicable(early_warning, alice, reason="Not established in DE.", now=LATER)
    record_fact(early_warning.case, alice, "aware_at", EARLIER, now=LATER)
    early_warning.refresh_from_db()
    assert early_warning.status == ObligationStatus.NOT_APPLICABLE
    assert early_warning.reason == "Not established in DE."
    assert early_warning.due_at == EARLIER + timedelta(hours=24)


def test_recompute_writes_what_changed_on_the_timeline(clock_case, alice):
    Obligation.objects.filter(case=clock_case, key=EARLY_WARNING_DE).update(
        due_at=datetime(2025, 8, 20, tzinfo=UTC)
    )
    change = recompute(clock_case, now=LATER, actor=alice)
    assert [m.name for m in change.moved] == [DE_EARLY]
    event = clock_case.events.latest("recorded_at")
    assert event.kind == EventKind.DECISION
    assert event.text == (
        f"Regulatory clocks recomputed. Deadline moved: {DE_EARLY} from 2025-08-20 00:00 UTC "
        "to 2025-08-13 10:00 UTC."
    )


def test_recompute_with_nothing_to_change_writes_nothing(clock_case, alice):
    before = clock_case.events.count()
    assert not recompute(clock_case, now=LATER, actor=alice)
    assert clock_case.events.count() == before


def test_a_case_with_no_answers_has_no_obligations(case):
    assert not recompute(case, now=RECORDED)
    assert not Obligation.objects.filter(case=case).exists()
