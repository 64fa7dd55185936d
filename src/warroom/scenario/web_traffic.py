"""The benign requests of one SharePoint front end on one day.

Traffic is made of *activities*, each a burst of requests within a few seconds from one client,
because that is what a browser does: a page view is an optional authentication handshake
(``401 2 5`` for the anonymous first try, ``401 1 2148074254`` for NTLM's challenge, then ``200``
under ``NWT\\user``; Kerberos clients skip the middle step), the page, three to a dozen scripts,
style sheets and images (mostly ``304`` from the browser cache) and a few CSOM or REST calls.
Office opens documents over WebDAV and FSSHTTP (OPTIONS, PROPFIND ``207``, HEAD, GET,
CellStorage POSTs). The search crawler, internet bots and the load balancer's health probe
(every 60 seconds at scale 1.0, from 10.20.1.2) add their own lines. Staff activities follow
`staff_rhythm`; probes, the crawler and bots are flat. Rates are per front end per weekday at
scale 1.0 and every one of them is multiplied by ``world.scale``, so volume is linear in it:
about 6,250 lines on a weekday and 2,300 on a weekend day at scale 1.0 (1.4 MB; a small
intranet), ten times that at scale 10.

Searches go to the search centre (``/search/Pages/results.aspx``) rather than to
``/_layouts/15/osssearchresults.aspx``, which warroom's "unexpected page under LAYOUTS" rule
does not list among SharePoint's own pages; no benign line touches ToolPane.aspx, spinstall or
a SignOut.aspx referer, so that those strings mean the attack.

Speed: lines are plain tuples (second of the day first), sorted an hour at a time, and only
then turned into `WebRequest`s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from operator import itemgetter
from random import Random
from typing import TypeVar

from warroom.scenario.model import Host, WebRequest, World
from warroom.scenario.web_catalogue import Catalogue
from warroom.scenario.web_common import FLAT, Client, count, offsets, staff_rhythm

__all__ = ["benign"]

# Activities per front end per weekday at scale 1.0 (staff ones follow office hours).
PAGE_VIEWS = 280  # ~11 lines each: handshake, page, assets, API calls
API_CALLS = 450  # CSOM/REST calls of pages left open: ~1.2 lines
SEARCHES = 35  # ~5 lines
DOCUMENTS = 110  # Office opening a document: ~7 lines
CRAWLS = 200  # flat, ~1.6 lines
BOT_VISITS = 40  # flat, ~1.5 lines
PROBE_INTERVAL = 60.0  # seconds between health probes at scale 1.0
LB_IP = "10.20.1.2"
CRAWLER_IP = "10.20.1.20"  # the farm's search server (not one of the modelled hosts)
CRAWLER_UA = "Mozilla/4.0 (compatible; MSIE 4.01; Windows NT; MS Search 6.0 Robot)"
DISCOVERY_UA = "Microsoft Office Protocol Discovery"
MINIREDIR_UA = "Microsoft-WebDAV-MiniRedir/10.0.19045"
NTLM_CHALLENGE = 2148074254  # the win32 status of NTLM's 401 1
# fmt: off
_TERMS = ("Netzplan", "VPN+Anleitung", "Urlaubsantrag", "Rufbereitschaft", "St%C3%B6rung",
          "Reisekosten", "Glasfaser+Ausbau", "Wartungsfenster", "Organigramm", "Passwort",
          "SLA", "Kantine", "MPLS", "Eskalationsmatrix", "5G")
# What bots ask for: (stem, status, substatus, win32).
_BOT_PATHS = (("/robots.txt", 404, 0, 2), ("/", 401, 2, 5), ("/favicon.ico", 404, 0, 2),
              ("/sitemap.xml", 404, 0, 2))
# fmt: on

# A line before it becomes a WebRequest: second of the day first, so that lines sort by time.
# (sec, method, stem, query, user, client ip, agent, referer, status, substatus, win32, taken)
Line = tuple[int, str, str, str | None, str | None, str, str | None, str | None, int, int, int, int]
_T = TypeVar("_T")


def benign(world: World, cat: Catalogue, host: Host, day: datetime) -> Iterator[WebRequest]:
    """The benign requests of HOST on DAY in time order, built and sorted an hour at a time."""
    traffic = _Traffic(cat, world.rng("iis", host.name, day.date().isoformat()))
    staff, scale = staff_rhythm(day), world.scale
    seconds, server_ip = offsets(), host.ip
    held: list[Line] = []
    for hour in range(24):
        traffic.hour(hour, staff, scale)
        lines = held + traffic.take()
        lines.sort(key=itemgetter(0))
        cut = _cut(lines, (hour + 1) * 3600)
        held = lines[cut:] if hour < 23 else []
        # fmt: off
        for ln in lines[:cut]:
            yield WebRequest(day + seconds[ln[0]], server_ip, ln[1], ln[2], ln[3], 443, ln[4],
                             ln[5], ln[6], ln[7], ln[8], ln[9], ln[10], ln[11])
        # fmt: on


def _cut(lines: list[Line], end: int) -> int:
    """The index of the first of the sorted LINES at or after second END."""
    cut = len(lines)
    while cut and lines[cut - 1][0] >= end:
        cut -= 1
    return cut


class _Traffic:
    """The benign activities of one front end on one day, as bursts of lines."""

    def __init__(self, cat: Catalogue, rng: Random) -> None:
        self.cat, self.rng, self.random = cat, rng, rng.random
        self.bits = rng.getrandbits
        self.lines: list[Line] = []
        self.next_probe = rng.random() * PROBE_INTERVAL

    def take(self) -> list[Line]:
        lines, self.lines = self.lines, []
        return lines

    def hour(self, hour: int, staff: tuple[float, ...], scale: float) -> None:
        """Add the activities that start in HOUR (UTC)."""
        start, rng = hour * 3600, self.rng
        plan: tuple[tuple[float, Callable[[int], None]], ...] = (
            (PAGE_VIEWS * staff[hour], self.page_view),
            (API_CALLS * staff[hour], self.api_call),
            (SEARCHES * staff[hour], self.search),
            (DOCUMENTS * staff[hour], self.document),
            (CRAWLS * FLAT[hour], self.crawl),
            (BOT_VISITS * FLAT[hour], self.bot),
        )
        for rate, activity in plan:
            for _ in range(count(rng, rate * scale)):
                activity(start + rng.randrange(3600))
        self.probes(start + 3600, scale)

    def pick(self, seq: Sequence[_T]) -> _T:
        return seq[int(self.random() * len(seq))]

    def taken(self, kind: str) -> int:
        return self.cat.timing[kind][self.bits(8)]

    def client(self) -> Client:
        pool = self.cat.home_clients if self.random() < 0.2 else self.cat.office_clients
        return pool[int(self.random() * len(pool))]

    def handshake(
        self,
        sec: int,
        method: str,
        stem: str,
        query: str | None,
        c: Client,
        agent: str,
        referer: str | None,
    ) -> None:
        """The anonymous try and, for NTLM clients, the challenge before an authenticated line."""
        auth, add = self.taken("auth"), self.lines.append
        add((sec, method, stem, query, None, c.ip, agent, referer, 401, 2, 5, auth))
        if c.remote or self.random() < 0.3:
            add(
                (sec, method, stem, query, None, c.ip, agent, referer, 401, 1, NTLM_CHALLENGE, auth)
            )

    def page_view(self, sec: int) -> None:
        """A page with the handshake, its assets and a few API calls."""
        c, random, cat = self.client(), self.random, self.cat
        stem, url = self.pick(cat.pages)
        referer = self.pick(cat.pages)[1] if random() < 0.6 else None
        if random() < 0.35:
            self.handshake(sec, "GET", stem, None, c, c.browser, referer)
        status, sub, win32 = _page_status(random())
        taken = self.taken("page")
        self.lines.append(
            (sec, "GET", stem, None, c.account, c.ip, c.browser, referer, status, sub, win32, taken)
        )
        if status != 200:
            return
        self.assets(sec, c, url)
        for _ in range(int(random() * 3)):
            self.api_call(sec + 1 + int(random() * 4), c, url)

    def assets(self, sec: int, c: Client, referer: str) -> None:
        random, assets, add = self.random, self.cat.assets, self.lines.append
        cached = random() < 0.8
        for _ in range(3 + int(random() * 10)):
            stem, query = assets[int(random() * len(assets))]
            status = 304 if cached and random() < 0.9 else 200
            at, taken = sec + int(random() * 2.5), self.taken("asset")
            add((at, "GET", stem, query, c.account, c.ip, c.browser, referer, status, 0, 0, taken))

    def api_call(self, sec: int, c: Client | None = None, referer: str | None = None) -> None:
        c = c or self.client()
        site = self.pick(self.cat.sites)
        referer = referer or f"{self.cat.origin}{site}/SitePages/Home.aspx"
        method, stem, query = _api(site, self.random())
        if self.random() < 0.05:
            self.handshake(sec, method, stem, query, c, c.browser, referer)
        status = 500 if self.random() < 0.004 else 200
        taken = self.taken("api")
        self.lines.append(
            (sec, method, stem, query, c.account, c.ip, c.browser, referer, status, 0, 0, taken)
        )

    def search(self, sec: int) -> None:
        """The search centre's results page, its query call and assets."""
        c, origin, add = self.client(), self.cat.origin, self.lines.append
        query, stem = f"k={self.pick(_TERMS)}", "/search/Pages/results.aspx"
        who, home = (c.account, c.ip, c.browser), f"{origin}/sites/intranet/SitePages/Home.aspx"
        add((sec, "GET", stem, query, *who, home, 200, 0, 0, self.taken("search")))
        results = f"{origin}{stem}?{query}"
        post = "/search/_api/search/postquery"
        add((sec + 1, "POST", post, None, *who, results, 200, 0, 0, self.taken("search")))
        self.assets(sec + 1, c, results)

    def document(self, sec: int) -> None:
        """Office opens a document: discovery, WebDAV, the download, then co-authoring posts."""
        c, random, add = self.client(), self.random, self.lines.append
        site = self.pick(self.cat.sites)
        doc, library = self.pick(self.cat.docs[site]), f"{site}/Shared Documents"
        self.handshake(sec, "OPTIONS", library, None, c, DISCOVERY_UA, None)
        me = (c.account, c.ip)
        office, dav = (*me, c.office, None), self.taken("dav")
        add((sec, "OPTIONS", library, None, *me, DISCOVERY_UA, None, 200, 0, 0, dav))
        add((sec, "HEAD", doc, None, *office, 200, 0, 0, dav))
        if random() < 0.4:
            add((sec + 1, "PROPFIND", library, None, *me, MINIREDIR_UA, None, 207, 0, 0, dav))
        win32 = 64 if random() < 0.01 else 0
        add((sec + 1, "GET", doc, None, *office, 200, 0, win32, self.taken("doc")))
        sites = f"{site}/_vti_bin/sites.asmx"
        add((sec + 2, "POST", sites, None, *office, 200, 0, 0, self.taken("api")))
        cells = f"{site}/_vti_bin/cellstorage.svc/CellStorageService"
        for n in range(int(random() * 5)):
            at = sec + 3 + 20 * n + int(random() * 20)
            add((at, "POST", cells, None, *office, 200, 0, 0, self.taken("api")))

    def crawl(self, sec: int) -> None:
        """The search crawler: SiteData calls and documents, 304 when unchanged."""
        cat, random, add = self.cat, self.random, self.lines.append
        site = self.pick(cat.sites)
        if random() < 0.5:
            method, stem, status = "POST", f"{site}/_vti_bin/sitedata.asmx", 200
        else:
            method, stem = "GET", self.pick(cat.docs[site])
            status = 304 if random() < 0.7 else 200
        crawler = (CRAWLER_IP, CRAWLER_UA, None)
        if random() < 0.2:
            for sub, win32 in ((2, 5), (1, NTLM_CHALLENGE)):
                add((sec, method, stem, None, None, *crawler, 401, sub, win32, self.taken("auth")))
        add((sec, method, stem, None, cat.account, *crawler, status, 0, 0, self.taken("api")))

    def bot(self, sec: int) -> None:
        ip, agent = self.pick(self.cat.bots)
        for n in range(1 + int(self.random() * 2)):
            stem, status, sub, win32 = self.pick(_BOT_PATHS)
            taken = self.taken("auth")
            self.lines.append(
                (sec + n, "GET", stem, None, None, ip, agent, None, status, sub, win32, taken)
            )

    def probes(self, end: int, scale: float) -> None:
        """The load balancer's health probe, every PROBE_INTERVAL / scale seconds, until END."""
        if scale <= 0:
            return
        interval, blank = PROBE_INTERVAL / scale, "/_layouts/15/images/blank.gif"
        while self.next_probe < end:
            sec, taken = int(self.next_probe), self.taken("probe")
            self.lines.append((sec, "GET", blank, None, None, LB_IP, None, None, 200, 0, 0, taken))
            self.next_probe += interval


def _page_status(roll: float) -> tuple[int, int, int]:
    if roll < 0.985:
        return 200, 0, 0
    if roll < 0.993:
        return 302, 0, 0
    if roll < 0.998:
        return 404, 0, 0
    return 500, 0, 0


def _api(site: str, roll: float) -> tuple[str, str, str | None]:
    """One CSOM or REST call of a page, by ROLL in [0, 1)."""
    if roll < 0.45:
        return "POST", f"{site}/_vti_bin/client.svc/ProcessQuery", None
    if roll < 0.65:
        items = f"{site}/_api/web/lists/getbytitle('Documents')/items"
        return "GET", items, "$select=Title,Modified,Editor/Title&$expand=Editor&$top=50"
    if roll < 0.8:
        return "GET", f"{site}/_api/web/currentuser", None
    if roll < 0.9:
        return "POST", f"{site}/_api/contextinfo", None
    return "GET", "/_api/SP.UserProfiles.PeopleManager/GetMyProperties", None
