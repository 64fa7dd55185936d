"""The PDF export: the same content as the Markdown, and Unicode text that survives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.clocks import export
from warroom.clocks.tests.test_drafts_support import (
    FIELDS,
    LABELS,
    draft_url,
    make_obligation,
    pdf_text,
    use_test_step,
)

NOW = datetime(2025, 8, 12, 18, 0, tzinfo=UTC)
UNICODE = "Grüße aus Köln — 5 000 € Schaden → Eskalation"


@pytest.fixture
def obligation(case, monkeypatch):
    use_test_step(monkeypatch)
    return make_obligation(case)


@pytest.fixture
def without_unicode_font(monkeypatch, settings):
    """A machine with no TrueType font anywhere warroom looks."""
    settings.CLOCK_PDF_FONT = ""
    monkeypatch.setattr(export, "FONT_FILES", ())


def _pdf(obligation, texts):
    return export.pdf(export.document(obligation, FIELDS, texts, draft=None, now=NOW), now=NOW)


def test_it_is_a_pdf(obligation):
    assert _pdf(obligation, {}).startswith(b"%PDF-")


def test_it_has_every_label_in_the_regulators_order(obligation):
    text = pdf_text(_pdf(obligation, {"nature": "Webshell on SharePoint."}))
    positions = [text.index(label) for label in LABELS]
    assert positions == sorted(positions)
    assert "Webshell on SharePoint." in text
    assert text.count(export.NOT_WRITTEN) == len(FIELDS) - 1


def test_it_has_the_head_and_the_footer(obligation):
    text = pdf_text(_pdf(obligation, {}))
    for part in (
        "NIS2 early warning: CSIRT of DE (BSI)",
        "NIS2 Art. 23(4)(a)",
        "2025-08-13 06:30 UTC",
    ):
        assert part in text
    assert "Unconfirmed: the national portal's field list." in text
    assert "INC-2025-0001 · exported 2025-08-12 18:00 UTC by warroom" in text


def test_unicode_text_survives_with_a_unicode_font(obligation, settings):
    font = export.find_font()
    text = pdf_text(_pdf(obligation, {"nature": UNICODE}))
    if font is not None:
        assert UNICODE in text
        assert "Portal reference — für Behörden (€ → ✓)" in text
        assert "were replaced" not in text
    else:  # this machine has none: the fallback below is what a reader gets
        assert "Grüße aus Köln — 5 000 € Schaden -> Eskalation" in text


def test_without_a_unicode_font_it_transliterates_and_says_so(obligation, without_unicode_font):
    assert export.find_font() is None
    text = pdf_text(_pdf(obligation, {"nature": UNICODE + " Łódź 漢"}))
    # Windows-1252 has the umlauts, the dash and the euro sign; the rest is spelled out.
    assert "Grüße aus Köln — 5 000 € Schaden -> Eskalation Lódz ?" in text
    assert "Portal reference — für Behörden (€ -> [x])" in text
    assert "Characters this PDF's font cannot show were replaced (6)" in text
    assert "the Markdown export has the exact text" in text


def test_the_configured_font_is_used(obligation, settings):
    font = export.find_font()
    settings.CLOCK_PDF_FONT = str(font) if font else "/nonexistent/font.ttf"
    assert export.find_font() == font


def test_a_configured_font_that_is_missing_is_reported(obligation, settings, caplog):
    settings.CLOCK_PDF_FONT = "/nonexistent/font.ttf"
    export.find_font()
    assert "CLOCK_PDF_FONT=/nonexistent/font.ttf is not a file" in caplog.text


def test_the_download_is_an_attachment(client, observer, obligation):
    client.force_login(observer)
    response = client.get(draft_url(obligation, "clock-draft-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="INC-2025-0001-eu_nis2-early_warning-DE.pdf"'
    )
    assert "Nature of the incident" in pdf_text(response.content)


def test_a_long_text_wraps_and_keeps_every_word(obligation):
    words = [f"word{n}" for n in range(120)] + ["https://example.com/" + "x" * 150]
    text = pdf_text(_pdf(obligation, {"nature": " ".join(words)}))
    assert " ".join(words[:120]) in text
    assert "x" * 50 in text  # a string longer than a line is broken, not dropped
