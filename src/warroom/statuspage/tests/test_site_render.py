"""render_site: every path of the page, from the same templates and serializers as the app."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from warroom.catalog.choices import ComponentStatus
from warroom.statuspage import v2
from warroom.statuspage.choices import ReviewState
from warroom.statuspage.site import render_site, site_paths
from warroom.statuspage.tests import site_data
from warroom.statuspage.tests.site_data import T0

FIXED_PATHS = {
    "index.html",
    "history.html",
    "style.css",
    "api/v2/summary.json",
    "api/v2/status.json",
    "api/v2/components.json",
    "api/v2/incidents.json",
    "api/v2/incidents/unresolved.json",
    "api/v2/scheduled-maintenances.json",
    "api/v2/scheduled-maintenances/upcoming.json",
    "api/v2/scheduled-maintenances/active.json",
    "history.atom",
    "history.rss",
}


@pytest.fixture
def rows(db):
    rows = site_data.catalog()
    site_data.set_status(rows["api"], ComponentStatus.MAJOR_OUTAGE, T0)
    return rows


@pytest.fixture
def outage(rows):
    return site_data.voice_outage(rows)


def test_it_renders_every_path_of_the_page(rows, outage):
    site = render_site(T0)
    leaves = [rows[name].code for name in ("api", "sip", "portal")]
    assert set(site) == FIXED_PATHS | {f"incidents/{outage.code}.html"} | {
        f"components/{code}.html" for code in leaves
    }


def test_the_json_files_are_the_v2_documents(rows, outage):
    site = render_site(T0)
    assert json.loads(site["api/v2/summary.json"]) == v2.summary(T0)
    assert json.loads(site["api/v2/scheduled-maintenances/upcoming.json"]) == v2.upcoming(T0)


def test_internal_components_and_drafts_are_nowhere(rows, outage):
    hidden = site_data.incident("Ransom note received", published=False)
    site_data.update(hidden, "Not for the public", review=ReviewState.DRAFT)
    for path, body in render_site(T0).items():
        assert b"Identity service" not in body, path
        assert rows["identity"].code.encode() not in body, path
        assert b"DRAFT" not in body, path
        assert b"Ransom note" not in body, path
        assert hidden.code.encode() not in body, path


def test_the_page_shows_status_in_words_and_the_incident_with_its_updates(rows, outage):
    index = render_site(T0)["index.html"].decode()
    assert "Major Service Outage" in index
    assert "Voice API unavailable" in index
    assert "We have taken the platform offline as a precaution." in index
    assert '<span class="status-text status-major_outage">Major outage</span>' in index
    assert index.index("We have taken the platform") < index.index("We are aware of problems")


def test_the_page_has_no_script_and_only_relative_links(rows, outage):
    for path, body in render_site(T0).items():
        if path.endswith(".html"):
            html = body.decode()
            assert "<script" not in html
            assert 'lang="en"' in html
            assert 'name="viewport"' in html
            for link in re.findall(r'(?:href|src|action)="([^"]*)"', html):
                assert link.startswith(("./", "../", "#", "data:")), (path, link)


def test_uptime_bars_are_a_keyboard_reachable_list_with_a_name_for_each_day(rows, outage):
    # The Voice API went down at T0 (09:14:03 UTC); 554 minutes later it is 18:28:03.
    index = render_site(T0 + timedelta(minutes=554))["index.html"].decode()
    bars = re.search(
        r'<ol class="bars" aria-label="Uptime of Voice API[^"]*">(.*?)</ol>', index, re.S
    )
    assert bars is not None
    days = re.findall(
        r'<li tabindex="0" class="day (\w+)"><span class="vh tip">([^<]*)</span>', bars[1]
    )
    assert len(days) == 90
    assert days[-1] == ("critical", "12 Aug 2025: 50.0% uptime, major outage 554 min")
    assert days[0] == ("ok", "15 May 2025: 100.0% uptime, no downtime")


def test_a_component_shown_only_when_degraded_is_hidden_while_operational(rows):
    portal = rows["portal"]
    portal.only_show_if_degraded = True
    portal.save()
    assert b"Customer portal" not in render_site(T0)["index.html"]
    site_data.set_status(portal, ComponentStatus.DEGRADED_PERFORMANCE, T0)
    assert b"Customer portal" in render_site(T0)["index.html"]


def test_times_are_shown_in_utc_and_in_the_page_time_zone(rows, outage, settings):
    settings.STATUS_PAGE_TIME_ZONE = "Europe/Berlin"
    page = render_site(T0)[f"incidents/{outage.code}.html"].decode()
    assert '<time datetime="2025-08-12T11:14:03.000Z">12 Aug 2025, 11:14 UTC</time>' in page
    assert "(12 Aug 2025, 13:14 CEST)" in page
    assert "Times are shown in UTC and in Europe/Berlin." in page


def test_the_export_posts_subscriptions_to_the_configured_address(rows, settings):
    settings.STATUS_SUBSCRIBE_URL = "https://warroom.example.net/status/subscribe/"
    index = render_site(T0)["index.html"].decode()
    assert '<form method="post" action="https://warroom.example.net/status/subscribe/">' in index
    assert "form-action &#x27;self&#x27; https://warroom.example.net" in index


def test_the_export_without_a_subscribe_address_points_to_the_feeds(rows, settings):
    settings.STATUS_SUBSCRIBE_URL = ""
    index = render_site(T0)["index.html"].decode()
    assert "<form" not in index
    assert 'href="./history.atom"' in index
    assert 'type="application/atom+xml"' in index


def test_pages_that_link_to_others_are_written_last():
    paths = ["index.html", "api/v2/status.json", "history.html", "incidents/a.html"]
    assert site_paths(paths) == [
        "api/v2/status.json",
        "incidents/a.html",
        "history.html",
        "index.html",
    ]


def test_the_component_page_lists_status_changes_and_incidents(rows, outage):
    page = render_site(T0)[f"components/{rows['api'].code}.html"].decode()
    assert "<td>Operational</td><td>Major outage</td>" in page
    assert f'href="../incidents/{outage.code}.html"' in page


def test_a_published_postmortem_is_on_the_incident_page_and_a_draft_one_is_not(rows, outage):
    outage.postmortem_body = "Root cause: an unpatched SharePoint server."
    outage.save()
    page = f"incidents/{outage.code}.html"
    assert b"Root cause" not in render_site(T0)[page]
    outage.postmortem_published_at = T0
    outage.save()
    assert b"Root cause: an unpatched SharePoint server." in render_site(T0)[page]


def test_the_history_page_lists_incidents_of_the_last_90_days(rows, outage):
    old = site_data.incident("Long ago", at=T0.replace(year=2024))
    history = render_site(T0)["history.html"].decode()
    assert "Voice API unavailable" in history
    assert "Long ago" not in history
    # Its own page stays, so the links in old feeds and mails keep working.
    assert f"incidents/{old.code}.html" in render_site(T0)
