"""The questionnaire page: each answer with who decided it and when; one change at a time."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from warroom.clocks.actions import record_fact
from warroom.clocks.facts import FACT_LABELS, FACT_NAMES
from warroom.clocks.models import Fact
from warroom.clocks.tests.conftest import AWARE, RECORDED

NOW = RECORDED + timedelta(hours=3)
DE_EARLY = "EU NIS2 Art. 23: Early warning (National CSIRT or competent authority of Germany)"


def _url(case):
    return reverse("case-clocks", args=[case.reference])


@pytest.fixture
def page(client, dana, clock_case):
    client.force_login(dana)
    with time_machine.travel(NOW, tick=False):
        return client.get(_url(clock_case)).text


def _question(page, name):
    return page.split(f'<li id="fact-{name}">')[1].split("</li>\n")[0]


def test_it_asks_every_question_in_order(page):
    positions = [page.index(f'<li id="fact-{name}">') for name in FACT_NAMES]
    assert positions == sorted(positions)
    for name in FACT_NAMES:
        assert f"<h3>{FACT_LABELS[name]}</h3>" in page.replace("&#x27;", "'")


def test_it_shows_the_answer_who_decided_it_and_when(page):
    aware = _question(page, "aware_at")
    assert "<strong>2025-08-12 10:00 UTC</strong>" in aware
    assert "<dd>dana, <time" in aware
    assert '<time datetime="2025-08-12T11:00:00+00:00">' in aware
    assert "Portal down at 11:00 BST." in aware
    assert "<strong>Telecom provider, Essential entity</strong>" in _question(page, "entity")
    assert "<strong>DE, GB</strong>" in _question(page, "countries")
    assert "<strong>Not known yet</strong>" in _question(page, "ransom_paid_at")


def test_each_question_has_its_own_labelled_form(page):
    countries = _question(page, "countries")
    assert 'action="/clocks/case/INC-2025-0001/#fact-countries"' in countries
    assert '<input type="hidden" name="fact" value="countries"' in countries
    assert '<label for="fact-countries-value" class="visually-hidden">' in countries
    assert 'value="DE, GB"' in countries
    assert '<label for="fact-countries-note">Note<span class="visually-hidden"> on the' in countries
    aware = _question(page, "aware_at")
    assert 'type="datetime-local"' in aware
    assert 'value="2025-08-12T10:00"' in aware
    entity = _question(page, "entity")
    assert "<fieldset>" in entity
    assert 'value="telecom_provider"' in entity
    assert "checked" in entity


def test_it_lists_the_obligations_with_their_state_and_unconfirmed_notes(page):
    table = page.split('id="obligations-h"')[1].split('id="questionnaire-h"')[0]
    assert DE_EARLY.split(" (")[0] in table
    assert "National CSIRT or competent authority of Germany" in table
    assert '<span class="badge warn">Caution</span> <span>2 unconfirmed points</span>' in table
    assert "1 d 7 h left" not in table  # the clock is read at NOW, 3 h after recording
    assert "<td>20 h left</td>" in table
    assert '<th scope="col">Time left</th>' in table


def test_an_earlier_answer_shows_in_the_history(client, dana, clock_case, alice):
    record_fact(clock_case, alice, "countries", ["GB", "DE", "FR"], now=NOW, note="And FR.")
    client.force_login(dana)
    countries = _question(client.get(_url(clock_case)).text, "countries")
    assert "<summary>Earlier answers (1)</summary>" in countries
    assert "<td>dana</td><td>DE, GB</td>" in countries
    assert "<strong>DE, FR, GB</strong>" in countries


def test_changing_an_answer_says_what_changed(client, dana, clock_case):
    client.force_login(dana)
    data = {"fact": "aware_at", "value": "2025-08-12T08:00", "note": "Logs show 09:00 BST."}
    response = client.post(_url(clock_case), data, follow=True)
    assert response.redirect_chain == [(_url(clock_case) + "#fact-aware_at", 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert messages[0].startswith("When did you become aware of the incident")
    assert messages[0].endswith("2025-08-12 10:00 UTC → 2025-08-12 08:00 UTC.")
    assert (
        f"Deadline moved: {DE_EARLY} from 2025-08-13 10:00 UTC to 2025-08-13 08:00 UTC." in messages
    )
    fact = Fact.objects.filter(case=clock_case, name="aware_at")[0]
    assert (fact.value, fact.note, str(fact.decided_by)) == (
        "2025-08-12T08:00:00Z",
        "Logs show 09:00 BST.",
        "dana",
    )
    assert "Deadline moved" in response.text


def test_dropping_a_country_says_what_no_longer_applies(client, dana, clock_case):
    client.force_login(dana)
    response = client.post(_url(clock_case), {"fact": "countries", "value": "gb"}, follow=True)
    assert f"No longer applies: {DE_EARLY}." in [str(m) for m in response.context["messages"]]


def test_yes_no_and_not_known(client, dana, clock_case):
    client.force_login(dana)
    client.post(_url(clock_case), {"fact": "financial_entity_customers", "value": "yes"})
    client.post(_url(clock_case), {"fact": "financial_entity_customers", "value": ""})
    values = Fact.objects.filter(case=clock_case, name="financial_entity_customers")
    assert [f.value for f in values] == [None, True]


def test_the_same_answer_again_says_nothing_changed(client, dana, clock_case):
    client.force_login(dana)
    response = client.post(_url(clock_case), {"fact": "countries", "value": "GB DE"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Nothing changed: that answer was already recorded."
    ]


def test_a_wrong_answer_shows_the_form_again_with_the_error(client, dana, clock_case):
    client.force_login(dana)
    response = client.post(_url(clock_case), {"fact": "countries", "value": "GB, DEU"})
    assert response.status_code == 400
    assert "Not a two-letter country code: DEU" in _question(response.text, "countries")
    response = client.post(_url(clock_case), {"fact": "countries", "value": "UK"})
    assert response.status_code == 400
    assert "the ISO code of the United Kingdom is GB, not UK" in response.text
    assert Fact.objects.filter(case=clock_case, name="countries").count() == 1


def test_a_question_that_does_not_exist_is_a_bad_request(client, dana, clock_case):
    client.force_login(dana)
    response = client.post(_url(clock_case), {"fact": "is_down", "value": "yes"})
    assert response.status_code == 400
    assert "&#x27;is_down&#x27; is not a question" in response.text


def test_recompute_says_when_nothing_changed(client, dana, clock_case):
    client.force_login(dana)
    url = reverse("case-clocks-recompute", args=[clock_case.reference])
    response = client.post(url, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Recomputed: no obligation or deadline changed."
    ]


def test_a_case_with_no_answers_says_where_to_start(client, alice, case):
    client.force_login(alice)
    text = client.get(_url(case)).text
    assert "No obligations yet: answer the questionnaire" in text


def test_the_page_is_the_same_without_javascript(page):
    assert "hx-" not in page.split('id="content"')[1]
    assert AWARE.year == 2025
