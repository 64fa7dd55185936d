"""Drafts of the real regime data: every step's fields, and a case's own obligations."""

from __future__ import annotations

import pytest
from conftest import DETECTED
from django.urls import reverse

from warroom.clocks import drafts, export
from warroom.clocks.regimes import all_regimes
from warroom.clocks.tests.test_drafts_support import make_obligation

STEPS = [
    pytest.param(regime, step, id=f"{regime.id}-{regime.version}-{step.id}")
    for regime in all_regimes()
    for step in regime.steps
]


@pytest.mark.parametrize(("regime", "step"), STEPS)
def test_every_step_drafts_its_fields_in_order(case, regime, step):
    obligation = make_obligation(
        case, regime=regime.id, regime_version=regime.version, step=step.id, title=step.title
    )
    ids = [field.id for field in step.contents]
    assert list(drafts.prefill(obligation)) == ids
    doc = export.document(obligation, step.contents, {}, draft=None, now=DETECTED)
    text = export.markdown(doc)
    positions = [text.index(f"\n## {field.label}\n") for field in step.contents]
    assert positions == sorted(positions)


def test_a_step_the_data_no_longer_has_is_a_clear_404(client, alice, case):
    obligation = make_obligation(case, step="no_such_step")
    with pytest.raises(drafts.UnknownStep, match="eu_nis2 version 2024-10-18 has no step"):
        drafts.prefill(obligation)
    client.force_login(alice)
    url = reverse("clock-draft", args=[case.reference, obligation.pk])
    assert client.get(url).status_code == 404


def test_the_draft_of_a_computed_obligation_uses_the_cases_facts(client, alice, early_warning):
    client.force_login(alice)
    page = client.get(reverse("clock-draft", args=[early_warning.case.reference, early_warning.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Services in 2 countries may be affected: DE, GB." in text
    labels = [field.label for field in drafts.content_fields(early_warning)]
    positions = [text.index(f">{label}</label>") for label in labels]
    assert positions == sorted(positions)
