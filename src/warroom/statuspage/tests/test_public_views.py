"""The live page under /status/: every file of the site, with its headers, ETag and 304."""

from __future__ import annotations

import gzip
import json

import pytest
from django.urls import reverse

from warroom.statuspage.tests import site_data

TYPES = {
    "/status/": "text/html; charset=utf-8",
    "/status/index.html": "text/html; charset=utf-8",
    "/status/history.html": "text/html; charset=utf-8",
    "/status/style.css": "text/css",
    "/status/api/v2/summary.json": "application/json",
    "/status/api/v2/scheduled-maintenances/active.json": "application/json",
    "/status/history.atom": "application/atom+xml",
    "/status/history.rss": "application/rss+xml",
}


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.STATUS_CACHE_SECONDS = 0


@pytest.fixture
def outage(db):
    return site_data.voice_outage(site_data.catalog())


def test_the_routes_have_their_contract_names():
    assert reverse("status-index") == "/status/"
    assert reverse("status-file", args=["api/v2/summary.json"]) == "/status/api/v2/summary.json"
    assert reverse("status-customer", args=["abc"]) == "/status/c/abc/"


@pytest.mark.parametrize(("url", "content_type"), sorted(TYPES.items()))
def test_every_file_is_served_with_its_content_type(client, outage, url, content_type):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "public, max-age=30"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_the_incident_page_is_served_at_its_code(client, outage):
    response = client.get(f"/status/incidents/{outage.code}.html")
    assert response.status_code == 200
    assert b"We are aware of problems reaching the Voice API." in response.content


def test_json_and_feeds_are_open_to_other_origins_and_pages_are_not(client, outage):
    assert client.get("/status/api/v2/status.json")["Access-Control-Allow-Origin"] == "*"
    assert client.get("/status/history.atom")["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/status/")


def test_summary_json_is_statuspage_shaped(client, outage):
    doc = json.loads(client.get("/status/api/v2/summary.json").content)
    assert doc["status"] == {"indicator": "critical", "description": "Major Service Outage"}
    assert [i["name"] for i in doc["incidents"]] == ["Voice API unavailable"]


@pytest.mark.parametrize(
    "url",
    ["/status/nothing.html", "/status/incidents/unknown.html", "/status/api/v2/other.json"],
)
def test_an_unknown_path_is_404(client, outage, url):
    assert client.get(url).status_code == 404


def test_a_draft_incident_has_no_page(client, outage):
    draft = site_data.incident("Draft", published=False)
    assert client.get(f"/status/incidents/{draft.code}.html").status_code == 404


def test_an_unchanged_file_is_answered_304(client, outage):
    first = client.get("/status/api/v2/summary.json")
    etag = first["ETag"]
    again = client.get("/status/api/v2/summary.json", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    other = client.get("/status/api/v2/summary.json", headers={"if-none-match": '"0-other"'})
    assert other.status_code == 200


def test_head_answers_headers_without_the_body(client, outage):
    full = client.get("/status/api/v2/status.json")
    head = client.head("/status/api/v2/status.json")
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(full.content))
    assert head["ETag"] == full["ETag"]


def test_clients_that_accept_gzip_get_the_page_compressed(client, outage):
    plain = client.get("/status/")
    packed = client.get("/status/", headers={"accept-encoding": "br, gzip;q=0.8"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) * 5 < len(plain.content)
    assert packed["Vary"].startswith("Accept-Encoding")
    assert plain["Vary"].startswith("Accept-Encoding")
    assert packed["ETag"] != plain["ETag"]
    again = client.get(
        "/status/", headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]}
    )
    assert again.status_code == 304


def test_gzip_refused_with_q_zero_is_not_sent(client, outage):
    response = client.get("/status/", headers={"accept-encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in response


def test_only_safe_methods_are_allowed(client, outage):
    assert client.post("/status/api/v2/status.json").status_code == 405
    assert client.post("/status/").status_code == 405
