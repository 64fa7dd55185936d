"""The fast path answers exactly what the view would, and leaves every other request alone."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from warroom.statuspage import views
from warroom.statuspage.middleware import StatusPageMiddleware
from warroom.statuspage.site import SITE
from warroom.statuspage.tests import site_data

FAST_PATH = "warroom.statuspage.middleware.StatusPageMiddleware"
PATHS = [
    "",
    "index.html",
    "history.html",
    "style.css",
    "api/v2/summary.json",
    "api/v2/incidents/unresolved.json",
    "history.atom",
    "history.rss",
]


@pytest.fixture(autouse=True)
def _cached(settings):
    # One render serves both answers, so they can be compared byte for byte.
    settings.STATUS_CACHE_SECONDS = 3600
    SITE.invalidate()


@pytest.fixture
def outage(db):
    return site_data.voice_outage(site_data.catalog())


def never_called(request: HttpRequest) -> HttpResponse:
    raise AssertionError("the fast path let a site file through")


def raw(response: HttpResponse) -> bytes:
    """The response as it goes on the wire: status, headers, body."""
    return response.serialize()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["get", "head"])
def test_it_answers_byte_for_byte_what_the_view_answers(outage, path, method):
    factory = RequestFactory()
    request = getattr(factory, method)(f"/status/{path}")
    fast = StatusPageMiddleware(never_called)(request)
    slow = views.status_file(getattr(factory, method)(f"/status/{path}"), path or "index.html")
    assert raw(fast) == raw(slow)


def test_a_conditional_request_gets_the_same_304(outage):
    factory = RequestFactory()
    etag = views.status_file(factory.get("/"), "api/v2/summary.json")["ETag"]
    fast = StatusPageMiddleware(never_called)(
        factory.get("/status/api/v2/summary.json", headers={"if-none-match": etag})
    )
    slow = views.status_file(
        factory.get("/status/api/v2/summary.json", headers={"if-none-match": etag}),
        "api/v2/summary.json",
    )
    assert fast.status_code == 304
    assert raw(fast) == raw(slow)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/status/subscribe/"),
        ("get", "/status/c/some-token/"),
        ("get", "/status/unknown.html"),
        ("post", "/status/api/v2/summary.json"),
        ("get", "/cases/"),
    ],
)
def test_other_requests_go_on_to_the_app(outage, method, path):
    passed: list[str] = []

    def app(request: HttpRequest) -> HttpResponse:
        passed.append(request.path)
        return HttpResponse("app")

    StatusPageMiddleware(app)(getattr(RequestFactory(), method)(path))
    assert passed == [path]


def test_through_the_whole_stack_the_body_and_page_headers_match(outage, settings):
    assert settings.MIDDLEWARE[1] == FAST_PATH  # installed, right after SecurityMiddleware
    fast = Client().get("/status/api/v2/summary.json")
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != FAST_PATH]
    without = Client().get("/status/api/v2/summary.json")  # a new client loads the stack
    assert without["Vary"] == "Accept-Encoding, Cookie"  # the session middleware looked
    assert fast.content == without.content
    for header in ("Content-Type", "ETag", "Content-Security-Policy", "Cache-Control"):
        assert fast[header] == without[header]
    # Sessions never ran: no cookie, no Vary: Cookie on the public file.
    assert fast["Vary"] == "Accept-Encoding"
    assert not fast.cookies


def test_a_host_outside_allowed_hosts_is_refused(outage, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE[:1], FAST_PATH, *settings.MIDDLEWARE[1:]]
    response = Client().get("/status/api/v2/summary.json", headers={"host": "evil.example"})
    assert response.status_code == 400
