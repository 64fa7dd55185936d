"""The Markdown export: the step, then every field's label and text in the regulator's order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from warroom.clocks import drafts, export
from warroom.clocks.choices import ObligationStatus
from warroom.clocks.tests.test_drafts_support import (
    FIELDS,
    LABELS,
    draft_url,
    make_obligation,
    use_test_step,
)

NOW = datetime(2025, 8, 12, 18, 0, tzinfo=UTC)


@pytest.fixture
def obligation(case, monkeypatch):
    use_test_step(monkeypatch)
    return make_obligation(case)


def _markdown(obligation, texts, draft=None):
    return export.markdown(export.document(obligation, FIELDS, texts, draft=draft, now=NOW))


def test_every_label_is_a_heading_in_the_regulators_order(obligation):
    text = _markdown(obligation, {})
    positions = [text.index(f"\n## {label}\n") for label in LABELS]
    assert positions == sorted(positions)


def test_each_text_follows_its_label_and_empty_ones_say_so(obligation):
    text = _markdown(obligation, {"nature": "Webshell on SharePoint.\n\nSecond paragraph."})
    assert "## Nature of the incident\n\nWebshell on SharePoint.\n\nSecond paragraph.\n" in text
    assert "## Cross-border impact\n\n_(not yet written)_\n" in text


def test_the_head_says_regime_step_recipient_basis_due_and_status(obligation):
    text = _markdown(obligation, {})
    assert text.startswith("# NIS2 early warning: CSIRT of DE (BSI)\n")
    for row in (
        "| Case | INC-2025-0001 SharePoint servers breached |",
        "| Regime | eu_nis2 (version of 2024-10-18) |",
        "| Step | NIS2 early warning |",
        "| Recipient | CSIRT of DE (BSI) |",
        "| Legal basis | NIS2 Art. 23(4)(a) |",
        "| Due at | 2025-08-13 06:30 UTC (12 h 30 min left) |",
        "| Status | Pending |",
        "| Draft | pre-filled from the case, not saved yet |",
    ):
        assert row in text


def test_unconfirmed_notes_stand_out(obligation):
    assert "- **Unconfirmed: the national portal's field list.**" in _markdown(obligation, {})


def test_a_step_with_no_fixed_time_says_so(case, monkeypatch):
    use_test_step(monkeypatch)
    obligation = make_obligation(case, key="uk_ofcom.s105k", due_at=None)
    assert "| Due at | no fixed time set by law |" in _markdown(obligation, {})


def test_a_submitted_step_shows_no_time_left(obligation):
    # It used to read "Due at | 2025-08-13 06:30 UTC (overdue by ...)" after it was sent.
    obligation.status = ObligationStatus.SUBMITTED
    text = _markdown(obligation, {})
    assert "| Due at | 2025-08-13 06:30 UTC |" in text
    assert "| Status | Submitted |" in text


def test_a_pipe_in_the_head_does_not_break_the_table(obligation):
    obligation.recipient = "Ofcom | NCSC"
    assert "| Recipient | Ofcom \\| NCSC |" in _markdown(obligation, {})


def test_the_footer_has_the_reference_the_time_and_the_version(obligation, bob):
    draft = drafts.save_draft(obligation, bob, {"nature": "x"}, version=0, now=NOW)
    text = _markdown(obligation, draft.fields, draft)
    assert text.rstrip().endswith(
        "INC-2025-0001 · exported 2025-08-12 18:00 UTC by warroom · "
        "draft version 1, saved 2025-08-12 18:00 UTC"
    )


def test_the_filename_is_reference_regime_step_country(obligation):
    assert export.filename(obligation, "md") == "INC-2025-0001-eu_nis2-early_warning-DE.md"


def test_the_download_is_the_saved_draft_as_an_attachment(client, observer, bob, obligation):
    drafts.save_draft(
        obligation, bob, {"nature": "Saved words — für €"}, version=0, now=timezone.now()
    )
    client.force_login(observer)
    response = client.get(draft_url(obligation, "clock-draft-md"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="INC-2025-0001-eu_nis2-early_warning-DE.md"'
    )
    body = response.content.decode()
    assert "Saved words — für €" in body
    assert [body.index(f"## {label}") for label in LABELS] == sorted(
        body.index(f"## {label}") for label in LABELS
    )


def test_before_any_save_the_download_is_the_pre_filled_text(client, alice, obligation):
    client.force_login(alice)
    body = client.get(draft_url(obligation, "clock-draft-md")).content.decode()
    assert "## Nature of the incident\n\nSharePoint servers breached" in body
