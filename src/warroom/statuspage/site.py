"""The whole public page as files, and the per-process cache that serves it.

`render_site(now)` maps every public path ("index.html", "api/v2/summary.json",
"history.atom", ...) to its bytes. The live app (`views.py`, `middleware.py`) serves them from
`SITE`, the export (`export.py`) writes them to disk: one renderer, so the two never differ
but for the subscribe form, which the live page posts to this app and the export posts to
STATUS_SUBSCRIBE_URL (or replaces with a pointer to the feeds).

`SiteCache` keeps the rendered site with the `PageRevision` number it was rendered at. It
looks at the number at most every STATUS_CACHE_SECONDS and renders again when it has moved,
when `invalidate()` was called, or when the render is a minute old (maintenance windows and
uptime days move with the clock, not only with revisions). STATUS_CACHE_SECONDS = 0 turns the
cache off: every request renders afresh (tests use that).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from warroom.jobs.queue import enqueue
from warroom.statuspage import feeds, site_pages, v2
from warroom.statuspage.models import PageRevision, PublicIncident

__all__ = [
    "SITE",
    "SiteCache",
    "SiteFile",
    "invalidate",
    "page_csp",
    "render_site",
    "site_paths",
]

TEMPLATES = "statuspage/public/"
MAX_RENDER_AGE = 60.0
GZIP_MIN = 1024  # bytes; smaller files go as they are
JSON_DOCUMENTS: dict[str, Callable[[datetime], dict[str, Any]]] = {
    "api/v2/summary.json": v2.summary,
    "api/v2/status.json": v2.status,
    "api/v2/components.json": v2.components,
    "api/v2/incidents.json": v2.incidents,
    "api/v2/incidents/unresolved.json": v2.unresolved,
    "api/v2/scheduled-maintenances.json": v2.maintenances,
    "api/v2/scheduled-maintenances/upcoming.json": v2.upcoming,
    "api/v2/scheduled-maintenances/active.json": v2.active,
}
FEEDS: dict[str, Callable[[datetime], bytes]] = {
    "history.atom": feeds.history_atom,
    "history.rss": feeds.history_rss,
}
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "json": "application/json",
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "css": "text/css",
}


@dataclass(frozen=True)
class Subscribe:
    """The subscribe block: where its form posts (None: no form), and the choices offered."""

    action: str | None
    components: list[tuple[str, str]]


def subscribe_action(root: str, *, live: bool) -> str | None:
    """Where a page's subscribe form posts, from a page ROOT away from the top; None: no form.

    The live page posts to this app's subscribe route, by a relative link; the export to
    STATUS_SUBSCRIBE_URL, when one is set.
    """
    if not live:
        return settings.STATUS_SUBSCRIBE_URL or None
    try:
        target, top = reverse("status-subscribe"), reverse("status-index")
    except NoReverseMatch:
        return None
    return root + target.removeprefix(top) if target.startswith(top) else target


def page_csp() -> str:
    """The page's Content-Security-Policy: its own stylesheet, forms only to subscribe."""
    forms = ["'self'"]
    if settings.STATUS_SUBSCRIBE_URL:
        parts = urlsplit(settings.STATUS_SUBSCRIBE_URL)
        forms.append(f"{parts.scheme}://{parts.netloc}")
    return (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        f"form-action {' '.join(forms)}; frame-ancestors 'none'; base-uri 'none'"
    )


def meta_csp() -> str:
    """The policy a page carries in a meta tag too, for static hosts that send no headers.

    `frame-ancestors` has no effect in a meta tag, so it is left out there.
    """
    return "; ".join(p for p in page_csp().split("; ") if not p.startswith("frame-ancestors"))


def last_change() -> datetime | None:
    """When the page last changed: the revision's time, else the latest component change.

    Shown on every page instead of the render time, so that pages keep their bytes (and their
    ETags) from one render to the next until something on them changes.
    """
    updated = v2.page_object()["updated_at"]
    return datetime.fromisoformat(updated) if updated else None


def page_context(
    root: str,
    *,
    live: bool,
    updated: datetime | None,
    choices: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """What every page's template needs: the page's name, ROOT, time zone, CSP, subscribing.

    LIVE: served by this app, not exported. UPDATED is when the page last changed
    (`last_change()`), shown in the footer; None shows nothing. CHOICES are the components
    one may subscribe to.
    """
    zone = settings.STATUS_PAGE_TIME_ZONE
    return {
        "page_name": settings.STATUS_PAGE_NAME,
        "root": root,
        "time_zone": zone,
        "time_zone_shown": zone not in site_pages.UTC_NAMES,
        "updated": site_pages.moment(updated),
        "meta_csp": meta_csp(),
        "subscribe": Subscribe(subscribe_action(root, live=live), choices or []),
    }


class _Renderer:
    """Renders the HTML pages of one site from rows read once."""

    def __init__(self, now: datetime, *, live: bool) -> None:
        self.now = now
        self.live = live
        self.rows, self.uptimes = site_pages.public_components(now)
        self.components = site_pages.component_views(self.rows, self.uptimes)
        self.incidents = list(v2.published_incidents())
        self.status = v2.status_object()
        self.updated = last_change()

    def context(self, root: str, **extra: Any) -> dict[str, Any]:
        choices = [(row.code, row.name) for row in self.rows if not row.is_group]
        base = page_context(root, live=self.live, updated=self.updated, choices=choices)
        return base | {"status": self.status, **extra}

    def page(self, template: str, root: str, **extra: Any) -> bytes:
        html = render_to_string(TEMPLATES + template, self.context(root, **extra))
        return html.encode("utf-8")

    def views(self, rows: list[PublicIncident]) -> list[site_pages.IncidentView]:
        return [site_pages.incident_view(row) for row in rows]

    def index(self) -> bytes:
        return self.page(
            "index.html",
            "./",
            components=self.components,
            incidents=self.views(list(v2.unresolved_incidents())),
            active_maintenances=self.views(list(v2.active_maintenances())),
            upcoming=self.views(list(v2.upcoming_maintenances(self.now))),
        )

    def pages(self) -> dict[str, bytes]:
        files = {
            "index.html": self.index(),
            "history.html": self.page("history.html", "./", incidents=site_pages.history(self.now)),
        }
        for incident in self.incidents:
            view = site_pages.incident_view(incident)
            files[f"incidents/{incident.code}.html"] = self.page(
                "incident.html", "../", incident=view
            )
        for row in self.rows:
            if not row.is_group:
                files[f"components/{row.code}.html"] = self.component_page(row)
        return files

    def component_page(self, row: Any) -> bytes:
        [view] = site_pages.component_views([row], self.uptimes)
        return self.page(
            "component.html",
            "../",
            c=view,
            changes=site_pages.status_changes(row, self.now),
            incidents=site_pages.incidents_touching(row, self.incidents),
        )


def _json(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def stylesheet() -> bytes:
    """The page's one stylesheet (kept with the templates, so it ships in the package)."""
    return render_to_string(TEMPLATES + "style.css").encode("utf-8")


def render_site(now: datetime, *, live: bool = False) -> dict[str, bytes]:
    """Every file of the public page at NOW, by its path relative to the page's top.

    LIVE renders the subscribe form for this app; without it, for the static export.
    """
    site = {"style.css": stylesheet()}
    site.update({path: _json(document(now)) for path, document in JSON_DOCUMENTS.items()})
    site.update({path: feed(now) for path, feed in FEEDS.items()})
    site.update(_Renderer(now, live=live).pages())
    return site


# Pages that link to many others are written last, so their links find the files in place.
WRITTEN_LAST = ("history.html", "index.html")


def site_paths(paths: Iterable[str]) -> list[str]:
    """PATHS in the order to write them: everything else first, then history, then index."""
    return sorted(paths, key=lambda p: (WRITTEN_LAST.index(p) + 1 if p in WRITTEN_LAST else 0, p))


@dataclass(frozen=True)
class SiteFile:
    """One file of the rendered site, with what its response needs.

    GZIPPED is the body compressed once at render time (None when that would not pay), sent
    to clients that accept gzip under its own ETag: the page's HTML shrinks about tenfold.
    """

    path: str
    body: bytes
    content_type: str
    etag: str
    gzipped: bytes | None = None

    @property
    def gzip_etag(self) -> str:
        return self.etag[:-1] + '-gz"'

    @property
    def is_open_data(self) -> bool:
        """JSON and feeds: CORS-open, as Statuspage's API is."""
        return not self.content_type.startswith(("text/html", "text/css"))


@dataclass(frozen=True)
class RenderedSite:
    revision: int
    rendered: float
    files: dict[str, SiteFile]


def site_file(path: str, body: bytes, revision: int) -> SiteFile:
    """PATH's BODY ready to serve: its content type, ETag and compressed form."""
    digest = hashlib.blake2b(path.encode() + b"\0" + body, digest_size=10).hexdigest()
    kind = path.rsplit(".", 1)[-1]
    # mtime=0 keeps the compressed bytes the same for the same body, render after render.
    packed = gzip.compress(body, compresslevel=6, mtime=0) if len(body) > GZIP_MIN else None
    worth_it = packed is not None and len(packed) < len(body) * 0.9
    return SiteFile(
        path, body, CONTENT_TYPES[kind], f'"{revision}-{digest}"', packed if worth_it else None
    )


class SiteCache:
    """The rendered live site of this process, re-rendered when the page revision moves."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock  # seconds, only ever compared with each other
        self._lock = threading.Lock()
        self._site: RenderedSite | None = None
        self._checked = float("-inf")
        self._stale = False

    def invalidate(self) -> None:
        """Render again on the next request (after a change this process committed)."""
        self._stale = True

    def get(self, path: str) -> SiteFile | None:
        """The file at PATH ("index.html", "api/v2/summary.json", ...), or None."""
        return self.current().files.get(path)

    def current(self) -> RenderedSite:
        """The rendered site, checking the revision when STATUS_CACHE_SECONDS have passed."""
        site, clock = self._site, self._clock()
        if settings.STATUS_CACHE_SECONDS <= 0:
            return self._render(PageRevision.current(), clock)
        fresh = clock - self._checked < settings.STATUS_CACHE_SECONDS
        if (
            site is not None
            and fresh
            and not self._stale
            and clock - site.rendered < MAX_RENDER_AGE
        ):
            return site
        return self._refresh(clock)

    def _refresh(self, clock: float) -> RenderedSite:
        # One thread renders; the others keep serving the previous render meanwhile.
        if not self._lock.acquire(blocking=self._site is None):
            assert self._site is not None
            return self._site
        try:
            revision, site = PageRevision.current(), self._site
            self._checked = clock
            if (
                site is None
                or self._stale
                or site.revision != revision
                or clock - site.rendered >= MAX_RENDER_AGE
            ):
                self._stale = False
                site = self._site = self._render(revision, clock)
            return site
        finally:
            self._lock.release()

    def _render(self, revision: int, clock: float) -> RenderedSite:
        files = render_site(timezone.now(), live=True)
        return RenderedSite(
            revision, clock, {path: site_file(path, body, revision) for path, body in files.items()}
        )


SITE = SiteCache()


def invalidate() -> None:
    """Make this process's cache render again on the next request."""
    SITE.invalidate()


def page_changed(now: datetime) -> int:
    """The public page changed in the current transaction; returns the new revision.

    Bumps the revision (other processes render again within STATUS_CACHE_SECONDS), makes this
    process render again once the change commits, and queues a push of the export where
    targets are configured (a burst of changes costs one push per target: `publish_job`).
    """
    revision = PageRevision.bump(now)
    transaction.on_commit(invalidate)
    if settings.STATUS_TARGETS:
        enqueue("statuspage.publish", {"revision": revision}, now=now)
    return revision
