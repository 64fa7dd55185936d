"""Every route of a case answers a non-member 404, for GET and POST alike.

The routes come from cases/urls.py, so a new route is covered the day it is added. A route
with `pk` gets the id of a real object of the case, named by the first word of the route's
name; a new kind of object needs a line in `every_object`, and this test fails until then.
"""

import pytest
from django.urls import URLPattern, reverse

from warroom.cases.urls import urlpatterns

CASE_ROUTES = [
    p for p in urlpatterns if isinstance(p, URLPattern) and "ref" in p.pattern.converters
]
OTHER_ROUTES = [p for p in urlpatterns if isinstance(p, URLPattern) and p not in CASE_ROUTES]


@pytest.fixture
def every_object(case, bob, asset, evidence, task, action):
    member = case.memberships.get(user=bob)
    return {"asset": asset, "evidence": evidence, "task": task, "action": action, "member": member}


def _url(route, case, objects):
    kwargs = {"ref": case.reference}
    if "pk" in route.pattern.converters:
        kwargs["pk"] = objects[route.name.split("-")[0]].pk
    return reverse(route.name, kwargs=kwargs)


def test_it_covers_every_case_route():
    assert len(CASE_ROUTES) >= 16
    assert {route.name for route in OTHER_ROUTES} == {"case-list", "case-new"}


@pytest.mark.parametrize("route", CASE_ROUTES, ids=lambda route: route.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_outsiders_404(client, case, charlie, every_object, route, method):
    client.force_login(charlie)
    url = _url(route, case, every_object)
    response = getattr(client, method)(url)
    assert response.status_code == 404, url


@pytest.mark.parametrize("route", CASE_ROUTES, ids=lambda route: route.name)
def test_it_answers_outsiders_404_for_a_case_that_does_not_exist(client, charlie, route):
    client.force_login(charlie)
    kwargs = {"ref": "INC-2099-9999"} | ({"pk": 1} if "pk" in route.pattern.converters else {})
    assert client.get(reverse(route.name, kwargs=kwargs)).status_code == 404


@pytest.mark.parametrize("route", CASE_ROUTES + OTHER_ROUTES, ids=lambda route: route.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_sends_anonymous_users_to_login(client, case, every_object, route, method):
    url = _url(route, case, every_object) if route in CASE_ROUTES else reverse(route.name)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
