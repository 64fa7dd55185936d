"""`history.atom` (Atom 1.0) and `history.rss` (RSS 2.0): one entry per published incident.

As Statuspage writes them: the entry's id is `tag:<host>,2005:Incident/<code>`, its content
every published update newest first, each as
`<p><small>Aug 12, 09:14 UTC</small><br><strong>Identified</strong> - body</p>`. Readers that
want more than that HTML get categories: one per affected component (its code, with its name
as label), the impact and the status, each with a scheme naming what it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.html import escape

from warroom.statuspage import v2
from warroom.statuspage.choices import STATUS_CHOICES
from warroom.statuspage.models import IncidentUpdate, PublicIncident

__all__ = ["history_atom", "history_rss"]

FEED_LIMIT = 50
STATUS_LABELS = dict(STATUS_CHOICES)


@dataclass(frozen=True)
class Term:
    """A category of an entry: TERM in SCHEME, shown as LABEL."""

    term: str
    label: str
    scheme: str


class _Terms:
    """Writes categories with a scheme and label (Django's feeds write only the term)."""

    def latest_post_date(self) -> datetime:
        # Django falls back to the current time for a feed without entries, which would change
        # the file's bytes (and its ETag) on every render; the page's last change does not.
        latest = SyndicationFeed.latest_post_date(self)  # type: ignore[arg-type]
        items: list[dict[str, Any]] = self.items  # type: ignore[attr-defined]
        if items:
            return latest
        feed: dict[str, Any] = self.feed  # type: ignore[attr-defined]
        return feed["quiet_since"]  # type: ignore[no-any-return]


class HistoryAtom(_Terms, Atom1Feed):
    """Atom with `content type="html"` (Statuspage's element) and categories with schemes."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        # The updates go in `content`, as Statuspage's feed has them, not in a `summary` too.
        super().add_item_elements(handler, {**item, "description": None})
        handler.addQuickElement("content", item["content"], {"type": "html"})
        for term in item["terms"]:
            attrs = {"term": term.term, "label": term.label, "scheme": term.scheme}
            handler.addQuickElement("category", "", attrs)


class HistoryRss(_Terms, Rss201rev2Feed):
    """RSS 2.0 with categories carrying their scheme as `domain`."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        for term in item["terms"]:
            handler.addQuickElement("category", term.label, {"domain": term.scheme})


def _base() -> str:
    return settings.STATUS_PAGE_URL.rstrip("/") + "/"


def _host() -> str:
    return urlsplit(settings.STATUS_PAGE_URL).hostname or "localhost"


def _feed(cls: type[SyndicationFeed], name: str) -> SyndicationFeed:
    revision_time = v2.page_object()["updated_at"]
    quiet_since = (
        datetime.fromisoformat(revision_time) if revision_time else datetime(2005, 1, 1, tzinfo=UTC)
    )
    return cls(
        title=f"{settings.STATUS_PAGE_NAME} - Incident History",
        link=_base(),
        description=f"Statuspage-style incident history of {settings.STATUS_PAGE_NAME}",
        language="en",
        feed_url=_base() + name,
        feed_guid=f"tag:{_host()},2005:/history",
        quiet_since=quiet_since,
    )


def update_html(update: IncidentUpdate) -> str:
    """One update as Statuspage's feeds show it."""
    when = (v2.shown_at(update) or update.updated_at).astimezone(UTC)
    stamp = f"{when:%b} {when.day}, {when:%H:%M} UTC"
    label = escape(STATUS_LABELS.get(update.status, update.status))
    body = escape(update.body).replace("\n", "<br>")
    return f"<p><small>{stamp}</small><br><strong>{label}</strong> - {body}</p>"


def _terms(incident: PublicIncident, impact: str) -> Iterator[Term]:
    for component in v2.components_of(incident):
        yield Term(component.code, component.name, _base() + "components")
    yield Term(impact, f"Impact: {impact}", _base() + "impact")
    yield Term(
        incident.status, STATUS_LABELS.get(incident.status, incident.status), _base() + "status"
    )


def _add_entry(feed: SyndicationFeed, incident: PublicIncident) -> None:
    updates = v2.updates_of(incident)
    impact = v2.impact_of(incident)
    link = f"{_base()}incidents/{incident.code}.html"
    html = "".join(update_html(update) for update in updates)
    feed.add_item(
        title=incident.name,
        link=link,
        description=html,
        pubdate=incident.published_at or incident.created_at,
        updateddate=max([incident.updated_at, *[u.updated_at for u in updates]]),
        unique_id=f"tag:{_host()},2005:Incident/{incident.code}",
        unique_id_is_permalink=False,
        content=html,
        terms=list(_terms(incident, impact)),
    )


def _render(cls: type[SyndicationFeed], name: str) -> bytes:
    feed = _feed(cls, name)
    for incident in v2.published_incidents()[:FEED_LIMIT]:
        _add_entry(feed, incident)
    return feed.writeString("utf-8").encode("utf-8")


def history_atom(now: datetime) -> bytes:
    """The Atom feed of the 50 most recent published incidents and maintenances."""
    return _render(HistoryAtom, "history.atom")


def history_rss(now: datetime) -> bytes:
    """The same history as RSS 2.0."""
    return _render(HistoryRss, "history.rss")
