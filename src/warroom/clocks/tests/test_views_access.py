"""Every clock route answers like the case: outsiders 404, observers read only, CSRF on posts.

The routes come from clocks/urls.py, so a new route is covered the day it is added (the
drafts' routes, included from draft_urls.py, have their own tests).
"""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse

from warroom.clocks.actions import record_submission
from warroom.clocks.choices import SubmissionMethod
from warroom.clocks.tests.conftest import RECORDED
from warroom.clocks.urls import urlpatterns

ROUTES = [p for p in urlpatterns if isinstance(p, URLPattern)]
CASE_ROUTES = [p for p in ROUTES if "ref" in p.pattern.converters]
WRITE_ROUTES = {
    "case-clocks",
    "case-clocks-recompute",
    "clock-submit",
    "clock-not-applicable",
    "clock-reopen",
}


@pytest.fixture
def submission(early_warning, dana):
    sent = RECORDED + timedelta(hours=1)
    made, _change = record_submission(
        early_warning,
        dana,
        submitted_at=sent,
        method=SubmissionMethod.PORTAL,
        file=SimpleUploadedFile("early-warning.pdf", b"%PDF-1.7"),
        now=sent,
    )
    return made


def _url(route, case, obligation, submission):
    if "ref" not in route.pattern.converters:
        return reverse(route.name)
    kwargs = {"ref": case.reference}
    if "pk" in route.pattern.converters:
        kwargs["pk"] = obligation.pk
    if "sid" in route.pattern.converters:
        kwargs["sid"] = submission.pk
    return reverse(route.name, kwargs=kwargs)


def test_it_covers_every_route():
    assert {r.name for r in ROUTES} - {r.name for r in CASE_ROUTES} == {"clock-dashboard"}
    assert {r.name for r in CASE_ROUTES} >= WRITE_ROUTES | {"clock-obligation"}


@pytest.mark.parametrize("route", CASE_ROUTES, ids=lambda route: route.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_outsiders_404(client, charlie, early_warning, submission, route, method):
    client.force_login(charlie)
    url = _url(route, early_warning.case, early_warning, submission)
    assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.parametrize("route", CASE_ROUTES, ids=lambda route: route.name)
def test_it_answers_404_for_a_case_that_does_not_exist(client, alice, route):
    client.force_login(alice)
    converters = route.pattern.converters
    kwargs = {"ref": "INC-2099-9999"} | {name: 1 for name in ("pk", "sid") if name in converters}
    assert client.get(reverse(route.name, kwargs=kwargs)).status_code == 404


def test_an_obligation_of_another_case_is_404(client, early_warning, charlie):
    from warroom.cases.actions import open_case
    from warroom.cases.choices import Severity

    other = open_case(
        charlie, title="Other", severity=Severity.SEV3, detected_at=RECORDED, now=RECORDED
    )
    client.force_login(charlie)
    url = reverse("clock-obligation", args=[other.reference, early_warning.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_anonymous_users_to_login(client, early_warning, submission, route, method):
    url = _url(route, early_warning.case, early_warning, submission)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("route", CASE_ROUTES, ids=lambda route: route.name)
def test_observers_read_every_page(client, observer, early_warning, submission, route):
    client.force_login(observer)
    url = _url(route, early_warning.case, early_warning, submission)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", sorted(WRITE_ROUTES))
def test_observers_cannot_post(client, observer, early_warning, submission, name):
    route = next(r for r in CASE_ROUTES if r.name == name)
    client.force_login(observer)
    url = _url(route, early_warning.case, early_warning, submission)
    data = {"fact": "countries", "value": "GB", "reason": "x", "method": "email"}
    before = (early_warning.case.events.count(), early_warning.submissions.count())
    assert client.post(url, data).status_code == 403
    early_warning.refresh_from_db()
    assert early_warning.status == "submitted"
    assert (early_warning.case.events.count(), early_warning.submissions.count()) == before
    assert early_warning.case.clock_facts.filter(name="countries").count() == 1


def test_observers_see_no_forms(client, observer, early_warning):
    client.force_login(observer)
    page = client.get(reverse("case-clocks", args=[early_warning.case.reference])).text
    assert "<form" not in page.split('id="content"')[1]
    detail = client.get(early_warning.get_absolute_url()).text
    assert "<form" not in detail.split('id="content"')[1]
    assert "Your role on this case is read only." in page


def test_every_form_carries_a_csrf_token(client, dana, early_warning):
    client.force_login(dana)
    for url in (
        reverse("case-clocks", args=[early_warning.case.reference]),
        early_warning.get_absolute_url(),
    ):
        content = client.get(url).text.split('id="content"')[1]
        forms = re.findall(r"<form method=\"post\".*?</form>", content, re.S)
        assert forms, url
        assert all('name="csrfmiddlewaretoken"' in form for form in forms), url


def test_a_post_without_the_csrf_token_is_refused(dana, early_warning):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dana)
    url = reverse("clock-not-applicable", args=[early_warning.case.reference, early_warning.pk])
    assert client.post(url, {"reason": "Forged."}).status_code == 403
    early_warning.refresh_from_db()
    assert early_warning.status == "open"
