"""`mark_not_applicable` and `reopen`: a person's decision about one obligation."""

from datetime import timedelta

import pytest

from warroom.cases.choices import EventKind
from warroom.clocks.actions import mark_not_applicable, reopen
from warroom.clocks.choices import ObligationStatus
from warroom.clocks.tests.conftest import RECORDED

NOW = RECORDED + timedelta(hours=1)
DE_EARLY = "EU NIS2 Art. 23: Early warning (National CSIRT or competent authority of Germany)"


def test_it_marks_the_obligation_with_the_reason(early_warning, dana):
    mark_not_applicable(early_warning, dana, reason="No services sold in Germany.", now=NOW)
    early_warning.refresh_from_db()
    assert early_warning.status == ObligationStatus.NOT_APPLICABLE
    assert early_warning.reason == "No services sold in Germany."
    event = early_warning.case.events.latest("recorded_at")
    assert (event.kind, event.actor) == (EventKind.DECISION, dana)
    assert event.text == f"{DE_EARLY} marked not applicable: No services sold in Germany."


def test_a_reason_is_required(early_warning, dana):
    with pytest.raises(ValueError, match="a reason is required"):
        mark_not_applicable(early_warning, dana, reason="  ", now=NOW)
    early_warning.refresh_from_db()
    assert early_warning.status == ObligationStatus.OPEN


def test_reopen_makes_it_open_again(early_warning, dana, alice):
    mark_not_applicable(early_warning, dana, reason="Wrong call.", now=NOW)
    reopen(early_warning, alice, now=NOW + timedelta(minutes=5))
    early_warning.refresh_from_db()
    assert (early_warning.status, early_warning.reason) == (ObligationStatus.OPEN, "")
    event = early_warning.case.events.latest("recorded_at")
    assert (event.actor, event.text) == (alice, f"{DE_EARLY} reopened (was not applicable).")
