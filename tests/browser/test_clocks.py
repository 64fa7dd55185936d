"""Regulatory clocks in a real Chromium: answer the questionnaire, see the clocks, draft, export.

The legal member of a case answers the applicability questions one at a time, as the facts
become known; the NIS2 clocks for each country appear with their deadlines, the draft of the
German early warning is pre-filled from the case, saved, and downloaded as Markdown and PDF.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSWORD
from django.contrib.auth.models import User

from warroom.accounts.models import Membership, Role
from warroom.cases.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def legal(case: Incident) -> User:
    """The case's data-protection officer: a member with the legal role."""
    user = User.objects.create_user("dana", "dana@example.com", PASSWORD)
    Membership.objects.create(case=case, user=user, role=Role.LEGAL)
    return user


def _sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _answer(page: Any, fact: str, fill: Any, note: str) -> None:
    question = page.locator(f"#fact-{fact}")
    fill(question)
    question.get_by_label(re.compile("^Note")).fill(note)
    question.get_by_role("button", name="Record the answer").click()
    page.wait_for_load_state()


def test_the_questionnaire_starts_the_clocks_and_the_draft_exports(
    page: Any, case: Incident, legal: User
) -> None:
    _sign_in(page, "dana")
    page.goto(case.get_absolute_url())
    page.locator("#clocks").get_by_role("link", name="Questionnaire and clocks").click()
    page.get_by_role("heading", name="Applicability questionnaire").wait_for()

    _answer(
        page,
        "aware_at",
        lambda q: q.get_by_label(re.compile("^When did you become aware")).fill("2025-08-12T10:00"),
        "Service interruptions from about 11:00 BST.",
    )
    _answer(
        page,
        "entity",
        lambda q: (
            q.get_by_label("Telecom provider").check(),
            q.get_by_label("Essential entity").check(),
        ),
        "Public electronic communications provider.",
    )
    _answer(
        page,
        "countries",
        lambda q: q.get_by_label(re.compile("^Which countries")).fill("GB, DE"),
        "From the service catalog.",
    )
    # The page says what changed, and the NIS2 clocks for Germany run.
    page.get_by_text(re.compile("Early warning", re.I)).first.wait_for()
    obligations = page.locator("table").first
    row = (
        obligations.get_by_role("row")
        .filter(has_text="authority of Germany")
        .filter(has_text="Early warning")
    )
    assert "2025-08-13 10:00\xa0UTC" in row.inner_text()

    row.get_by_role("link").first.click()
    page.get_by_role("link", name=re.compile("draft", re.I)).first.click()
    page.get_by_role("heading", name=re.compile("^Draft")).wait_for()
    cross_border = page.get_by_role("textbox", name="Possible cross-border impact")
    assert "DE" in cross_border.input_value()  # pre-filled from the countries answer
    cross_border.fill("Services in Germany and the United Kingdom — both affected.")
    page.get_by_role("button", name=re.compile("Save")).click()
    page.get_by_text(re.compile("version 1", re.I)).first.wait_for()

    with page.expect_download() as markdown:
        page.get_by_role("link", name="Download Markdown").click()
    text = Path(markdown.value.path()).read_text(encoding="utf-8")
    assert "Services in Germany and the United Kingdom — both affected." in text
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download PDF").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")
    assert markdown.value.suggested_filename.endswith("-eu_nis2-early_warning-DE.md")


def test_the_clock_pages_pass_axe_core(page: Any, case: Incident, legal: User) -> None:
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    from warroom.clocks.demo import seed

    seed(case, legal, now=case.detected_at)
    _sign_in(page, "dana")
    obligation = case.obligations.filter(key="eu_nis2.early_warning:DE").get()
    for path in (
        "/clocks/",
        f"/clocks/case/{case.reference}/",
        obligation.get_absolute_url(),
        f"{obligation.get_absolute_url()}draft/",
    ):
        page.goto(path)
        results = Axe().run(page)
        assert results.response["url"].endswith(path)
        assert results.violations_count == 0, results.generate_report()
