"""SiteCache: one render per page revision, a check at most every STATUS_CACHE_SECONDS."""

from __future__ import annotations

import pytest

from warroom.statuspage import site as site_module
from warroom.statuspage.models import PageRevision
from warroom.statuspage.site import MAX_RENDER_AGE, SiteCache
from warroom.statuspage.tests import site_data


class Clock:
    """Stands in for time.monotonic inside the cache."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def renders(monkeypatch):
    """Counts the cache's renders."""
    count = {"n": 0}
    real = site_module.render_site

    def counting(*args, **kwargs):
        count["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(site_module, "render_site", counting)
    return count


@pytest.fixture
def rows(db):
    return site_data.catalog()


@pytest.fixture
def cache(rows, settings, clock):
    settings.STATUS_CACHE_SECONDS = 5
    return SiteCache(clock)


def summary(cache: SiteCache) -> bytes:
    site_file = cache.get("api/v2/summary.json")
    assert site_file is not None
    return site_file.body


def test_it_renders_once_while_the_revision_stays(cache, clock, renders):
    cache.get("index.html")
    clock.now += 4
    cache.get("api/v2/summary.json")
    clock.now += 4  # a check: the revision has not moved
    cache.get("history.atom")
    assert renders["n"] == 1


def test_a_published_change_shows_at_the_next_check(rows, cache, clock, renders):
    assert b"Voice API unavailable" not in summary(cache)
    site_data.voice_outage(rows)
    PageRevision.bump()
    clock.now += 1
    assert b"Voice API unavailable" not in summary(cache)  # not checked yet
    clock.now += 5
    assert b"Voice API unavailable" in summary(cache)
    assert renders["n"] == 2


def test_invalidate_renders_at_the_next_request(rows, cache, clock, renders):
    summary(cache)
    site_data.voice_outage(rows)
    cache.invalidate()
    assert b"Voice API unavailable" in summary(cache)
    assert renders["n"] == 2


def test_it_renders_again_after_a_minute_even_without_a_change(cache, clock, renders):
    cache.get("index.html")
    clock.now += MAX_RENDER_AGE
    cache.get("index.html")
    assert renders["n"] == 2


def test_the_etag_names_the_revision_and_changes_with_the_file(rows, cache, clock):
    before = cache.get("api/v2/summary.json")
    site_data.voice_outage(rows)
    PageRevision.bump()
    cache.invalidate()
    after = cache.get("api/v2/summary.json")
    assert before is not None
    assert after is not None
    assert before.etag.startswith('"0-')
    assert after.etag.startswith('"1-')
    assert before.etag != after.etag


def test_zero_seconds_turns_the_cache_off(rows, cache, clock, renders, settings):
    settings.STATUS_CACHE_SECONDS = 0
    summary(cache)
    site_data.voice_outage(rows)
    assert b"Voice API unavailable" in summary(cache)
    assert renders["n"] == 2


def test_an_unknown_path_is_none(cache, clock):
    assert cache.get("secrets.txt") is None


def test_publishing_an_update_shows_on_the_live_page_at_the_next_check(
    client, approved, dana, clock, settings, monkeypatch
):
    from warroom.statuspage import middleware, views
    from warroom.statuspage.actions import publish_update
    from warroom.statuspage.tests.conftest import NOW

    settings.STATUS_CACHE_SECONDS = 5
    live = SiteCache(clock)
    monkeypatch.setattr(views, "SITE", live)
    monkeypatch.setattr(middleware, "SITE", live)
    before = client.get("/status/api/v2/incidents/unresolved.json")
    assert b"We are aware of an issue" not in before.content
    publish_update(approved, dana, now=NOW)
    clock.now += 5
    after = client.get("/status/api/v2/incidents/unresolved.json")
    assert b"We are aware of an issue affecting Customer portal and Voice API." in after.content
    assert after["ETag"] != before["ETag"]
