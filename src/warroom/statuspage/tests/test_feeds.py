"""history.atom and history.rss, read back with feedparser as a feed reader would."""

from __future__ import annotations

from xml.etree import ElementTree

import feedparser  # type: ignore[import-untyped]
import pytest

from warroom.statuspage import feeds
from warroom.statuspage.choices import IncidentStatus
from warroom.statuspage.tests import site_data
from warroom.statuspage.tests.site_data import T0

ATOM = "http://www.w3.org/2005/Atom"


@pytest.fixture
def outage(db, settings):
    settings.STATUS_PAGE_URL = "https://status.example.net/"
    settings.STATUS_PAGE_NAME = "Example status"
    rows = site_data.catalog()
    return site_data.voice_outage(rows)


def atom_contents(data: bytes) -> list[str]:
    """The raw HTML of each entry's content (feedparser tidies it; readers get it raw)."""
    root = ElementTree.fromstring(data)  # noqa: S314 - our own output
    return [node.text or "" for node in root.iter(f"{{{ATOM}}}content")]


def parse(data: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def test_the_atom_feed_has_one_entry_per_incident_as_statuspage_writes_it(outage):
    parsed = parse(feeds.history_atom(T0))
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Example status - Incident History"
    assert parsed.feed.id == "tag:status.example.net,2005:/history"
    [entry] = parsed.entries
    assert entry.id == f"tag:status.example.net,2005:Incident/{outage.code}"
    assert entry.title == "Voice API unavailable"
    assert entry.link == f"https://status.example.net/incidents/{outage.code}.html"
    assert entry.published == "2025-08-12T09:14:03+00:00"
    assert entry.updated == "2025-08-12T11:14:03+00:00"


def test_the_content_lists_published_updates_newest_first(outage):
    data = feeds.history_atom(T0)
    [entry] = parse(data).entries
    assert entry.content[0].type == "text/html"
    assert atom_contents(data) == [
        "<p><small>Aug 12, 11:14 UTC</small><br><strong>Identified</strong> - "
        "We have taken the platform offline as a precaution.</p>"
        "<p><small>Aug 12, 09:14 UTC</small><br><strong>Investigating</strong> - "
        "We are aware of problems reaching the Voice API.</p>"
    ]
    assert "<strong>Identified</strong>" in entry.content[0].value


def test_drafts_and_unpublished_incidents_stay_out_of_both_feeds(outage):
    site_data.incident("Not yet approved", published=False)
    for data in (feeds.history_atom(T0), feeds.history_rss(T0)):
        assert b"DRAFT" not in data
        assert b"Not yet approved" not in data
        assert len(parse(data).entries) == 1


def test_entries_carry_components_impact_and_status_as_categories(outage):
    [entry] = parse(feeds.history_atom(T0)).entries
    terms = {(tag.term, tag.scheme) for tag in entry.tags}
    base = "https://status.example.net/"
    api = outage.components.get(name="Voice API")
    assert terms == {
        (api.code, base + "components"),
        ("critical", base + "impact"),
        ("identified", base + "status"),
    }


def test_the_rss_feed_carries_the_same_entries(outage):
    parsed = parse(feeds.history_rss(T0))
    assert parsed.version == "rss20"
    [entry] = parsed.entries
    assert entry.id == f"tag:status.example.net,2005:Incident/{outage.code}"
    assert entry.link == f"https://status.example.net/incidents/{outage.code}.html"
    assert "<strong>Identified</strong>" in entry.description
    assert {tag.term for tag in entry.tags} == {"Voice API", "Impact: critical", "Identified"}


def test_a_body_is_escaped_and_keeps_its_line_breaks(outage):
    site_data.update(outage, "Use <b>phone</b> & e-mail.\nWe are on it.", at=T0.replace(hour=12))
    data = feeds.history_atom(T0)
    parse(data)
    assert atom_contents(data)[0].startswith(
        "<p><small>Aug 12, 12:14 UTC</small><br><strong>Identified</strong> - "
        "Use &lt;b&gt;phone&lt;/b&gt; &amp; e-mail.<br>We are on it.</p>"
    )


def test_an_empty_history_is_a_valid_feed_that_does_not_change_between_renders(db):
    first = feeds.history_atom(T0)
    assert parse(first).entries == []
    assert feeds.history_atom(T0) == first
    assert parse(feeds.history_rss(T0)).entries == []


def test_a_resolved_incident_stays_in_the_history(outage):
    outage.status = IncidentStatus.RESOLVED
    outage.save()
    assert len(parse(feeds.history_rss(T0)).entries) == 1
