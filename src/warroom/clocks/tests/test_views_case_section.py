"""The case page's section: `case_clock_context` and `clocks/_case_clocks.html`."""

from datetime import timedelta

from django.template.loader import render_to_string

from warroom.accounts.models import Role
from warroom.clocks.actions import mark_not_applicable
from warroom.clocks.rows import case_clock_context
from warroom.clocks.tests.conftest import AWARE, RECORDED

NOW = AWARE + timedelta(hours=30)


def _section(case, now=NOW):
    context = {"case": case, "role": Role.RESPONDER, **case_clock_context(case, now)}
    return render_to_string("clocks/_case_clocks.html", context)


def test_it_counts_open_and_overdue_clocks(clock_case):
    context = case_clock_context(clock_case, NOW)
    assert context["clock_open"] == clock_case.obligations.filter(status="open").count()
    assert context["clock_overdue"] == 1  # the early warning to DE
    assert context["clock_url"] == "/clocks/case/INC-2025-0001/"


def test_open_clocks_come_first_by_deadline(clock_case, early_warning, dana):
    mark_not_applicable(early_warning, dana, reason="Not in DE.", now=RECORDED)
    rows = case_clock_context(clock_case, NOW)["clock_rows"]
    states = [row.obligation.status for row in rows]
    assert states == sorted(states, key=["open", "submitted", "not_applicable"].index)
    assert rows[-1].obligation == early_warning
    due = [row.obligation.due_at for row in rows if row.obligation.status == "open"]
    assert due == sorted(due, key=lambda d: (d is None, d or NOW))


def test_the_section_renders_the_table(clock_case):
    html = _section(clock_case)
    assert '<section id="clocks" aria-labelledby="clocks-h">' in html
    assert '<h2 id="clocks-h">Regulatory clocks</h2>' in html
    assert "<strong>1 overdue</strong>" in html.replace('<strong class="error">', "<strong>")
    assert '<th scope="row"><a href="/clocks/case/INC-2025-0001/' in html
    assert 'href="/clocks/case/INC-2025-0001/">Questionnaire and clocks</a>' in html


def test_with_no_clocks_it_points_to_the_questionnaire(case):
    html = _section(case)
    assert "No regulatory clock has started." in html
    assert "Answer the applicability questionnaire" in html


def test_tables_sum_up_proposed_and_unconfirmed_rules(clock_case):
    from warroom.clocks.models import Obligation
    from warroom.clocks.rows import clock_rows

    circia = Obligation(
        case=clock_case,
        key="us_circia.ransom_payment",
        due_at=NOW,
        notes="Proposed rule (CISA NPRM, 2024): not in force.\nUnconfirmed: payments by others.",
    )
    plain = Obligation(case=clock_case, key="x.y", notes="Within 24 hours.")
    caution, none = (row.caution for row in clock_rows([circia, plain], NOW))
    assert caution == "proposed rule, not in force; 1 unconfirmed point"
    assert none == ""


def test_the_section_costs_one_query_however_many_clocks(clock_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from warroom.cases.models import Incident

    assert clock_case.obligations.count() > 2
    case = Incident.objects.get(pk=clock_case.pk)
    with CaptureQueriesContext(connection) as queries:
        _section(case)
    # Before, each row's link read its case again: one query per obligation.
    assert len(queries) == 1
