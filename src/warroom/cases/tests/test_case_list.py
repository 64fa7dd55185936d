from datetime import UTC, datetime

from django.contrib.staticfiles import finders
from django.db import connection
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from warroom.cases.actions import change_phase, open_case
from warroom.cases.choices import Phase, Severity

URL = reverse("case-list")
WHEN = datetime(2025, 8, 20, tzinfo=UTC)


def _open(user, title, severity=Severity.SEV3):
    return open_case(user, title=title, severity=severity, detected_at=WHEN, now=WHEN)


def test_it_lists_the_cases_i_am_a_member_of(client, case, bob):
    client.force_login(bob)
    response = client.get(URL)
    assert response.status_code == 200
    assert case.reference in response.text


def test_it_hides_cases_of_others(client, case, charlie):
    client.force_login(charlie)
    response = client.get(URL)
    assert case.reference not in response.text
    assert "not a member of any case" in response.text


def test_it_filters_by_phase(client, case, alice):
    triaged = _open(alice, "Phishing wave")
    change_phase(triaged, Phase.TRIAGE, alice, now=WHEN)
    client.force_login(alice)
    response = client.get(URL, {"phase": "triage"})
    assert triaged.reference in response.text
    assert case.reference not in response.text


def test_it_filters_by_severity(client, case, alice):
    minor = _open(alice, "Laptop lost", Severity.SEV4)
    client.force_login(alice)
    response = client.get(URL, {"severity": "SEV1"})
    assert case.reference in response.text
    assert minor.reference not in response.text


def test_it_names_an_unknown_filter_value(client, case, alice):
    client.force_login(alice)
    response = client.get(URL, {"phase": "panic"})
    assert response.status_code == 400
    assert "phase" in response.text
    assert "panic" in response.text


def test_it_keeps_a_query_budget(client, case, alice):
    client.force_login(alice)
    with CaptureQueriesContext(connection) as one_case:
        client.get(URL)
    for number in range(25):
        _open(alice, f"Case {number}")
    with CaptureQueriesContext(connection) as many_cases:
        response = client.get(URL)
    assert response.text.count("INC-2025-") >= 26
    assert len(many_cases) == len(one_case) <= 3


def test_it_sends_anonymous_users_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_links_a_stylesheet_that_exists(client, alice):
    client.force_login(alice)
    response = client.get(URL)
    assert static("warroom/warroom.css") in response.text
    assert finders.find("warroom/warroom.css")
