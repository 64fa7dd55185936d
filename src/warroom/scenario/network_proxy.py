"""The proxy's benign requests of one day, and how a request becomes a row.

``proxy/proxy01_YYYY-MM-DD.csv`` is a TLS-inspecting transparent proxy, one row per HTTP
request: it keeps the client's address, so that a session in the firewall log and the requests
in the proxy log show the same source.

Benign requests per weekday at scale 1.0, linear in ``world.scale``: staff web browsing
(3,200), Windows Update and certificate revocation checks of every machine (400, flat) and a
few blocked sites (30). Staff requests follow `staff_rhythm`: about 3,600 rows on a weekday,
800 on a weekend day.
"""

from __future__ import annotations

from datetime import datetime

from warroom.scenario.model import World
from warroom.scenario.network_rows import Hours, Pair, Plan, lognormal
from warroom.scenario.web_common import FLAT, Client

__all__ = ["Proxy", "request"]

# Requests per weekday at scale 1.0.
BROWSING = 3200
SOFTWARE = 400
BLOCKED = 30

_FONT = "/s/roboto/v30/KFOmCnqEu92Fr1Mu4mxK.woff2"
# (host, category, paths): what staff browse.
_SITES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("www.google.com", "Search Engines", ("/search?q=mpls+te+frr", "/search?q=bgp+no-export", "/")),
    ("www.bing.com", "Search Engines", ("/search?q=sharepoint+2019+cu", "/")),
    ("www.heise.de", "News", ("/", "/news/", "/security/")),
    ("www.tagesschau.de", "News", ("/", "/wirtschaft/", "/inland/")),
    ("www.spiegel.de", "News", ("/", "/netzwelt/")),
    ("learn.microsoft.com", "Computer and Internet Info", ("/en-us/sharepoint/", "/de-de/")),
    ("github.com", "Computer and Internet Info", ("/", "/notifications", "/search?q=netbox")),
    ("stackoverflow.com", "Computer and Internet Info", ("/questions", "/search?q=powershell")),
    ("www.cisco.com", "Computer and Internet Info", ("/c/en/us/support/index.html", "/")),
    ("www.juniper.net", "Computer and Internet Info", ("/documentation/", "/")),
    ("www.linkedin.com", "Social Networking", ("/feed/", "/messaging/")),
    ("www.bundesnetzagentur.de", "Government", ("/DE/Home/home_node.html",)),
    ("www.dhl.de", "Shipping", ("/de/privatkunden.html",)),
    ("www.bahn.de", "Travel", ("/", "/buchung/fahrplan/suche")),
    ("fonts.gstatic.com", "Content Delivery Networks", (_FONT,)),
    ("cdn.jsdelivr.net", "Content Delivery Networks", ("/npm/bootstrap@5.3.3/dist/css/b.min.css",)),
    ("www.youtube.com", "Streaming Media", ("/", "/results?search_query=glasfaser+spleissen")),
    ("www.amazon.de", "Shopping", ("/", "/s?k=sfp+modul")),
    ("www.wetter.com", "News", ("/deutschland/frankfurt/DE0002989.html",)),
)
_CRYPTOAPI = "Microsoft-CryptoAPI/10.0"
_WUA = "Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.71"
# (host, category, path, agent, typical size of the answer): what machines fetch by themselves.
# fmt: off
_SOFTWARE = (
    ("ctldl.windowsupdate.com", "Software Updates", "/msdownload/update/v3/static/trustedr/en/"
     "authrootstl.cab", _CRYPTOAPI, 92_000),
    ("ocsp.digicert.com", "Computer and Internet Info", "/MFEwTzBNMEswSTAJBgUrDgMCGgUABBQ",
     _CRYPTOAPI, 1_800),
    ("download.windowsupdate.com", "Software Updates", "/c/msdownload/update/software/defu/2025/"
     "08/am_delta.exe", "Microsoft-Delivery-Optimization/10.0", 4_500_000),
    ("fe2cr.update.microsoft.com", "Software Updates", "/v6/ClientWebService/client.asmx", _WUA,
     26_000),
    ("definitionupdates.microsoft.com", "Software Updates", "/download/DefinitionUpdates/"
     "versionedsignatures/am/1.435.120.0/x64/mpam-fe.exe", "MpCommunication", 135_000_000),
    ("crl.microsoft.com", "Computer and Internet Info", "/pki/crl/products/"
     "MicRooCerAut2011_2011_03_22.crl", _CRYPTOAPI, 1_100),
)
# fmt: on
_BLOCKED_SITES = (
    ("www.bet365.com", "Gambling"),
    ("thepiratebay.org", "Peer-to-Peer"),
    ("mega.nz", "Online Storage and Backup"),
    ("free-vpn-proxy.net", "Proxy Avoidance"),
)


def request(
    client: str, user: str, method: str, host: str, path: str, status: int, received: int,
    sent: int, agent: str, category: str, action: str = "allowed",
) -> tuple[Pair, ...]:  # fmt: skip
    """The pairs of a proxy row after its time."""
    who = (("c-ip", client), ("cs-username", user), ("cs-method", method), ("cs-host", host))
    what = (("c-uri", f"https://{host}{path}"), ("sc-status", str(status)))
    size = (("sc-bytes", str(received)), ("cs-bytes", str(sent)))
    return (*who, *what, *size, ("c-useragent", agent), ("category", category), ("action", action))


class Proxy(Hours):
    """The benign requests of one day through the proxy."""

    def __init__(self, world: World, day: datetime) -> None:
        super().__init__(world, world.rng("proxy", day.date().isoformat()), day)
        pools = world.rng("proxy", "pools")
        self.page = lognormal(pools, 38000, 1.5)
        self.upload = lognormal(pools, 900, 0.5)
        self.spread = [n / 1000 for n in lognormal(pools, 1000, 0.3)]
        self.machines = [h.ip for h in world.hosts]

    def plan(self, hour: int) -> Plan:
        return (
            (BROWSING * self.staff[hour], self.browse),
            (SOFTWARE * FLAT[hour], self.software),
            (BLOCKED * self.staff[hour], self.blocked),
        )

    def browse(self, sec: int) -> None:
        c: Client = self.pick(self.clients)
        host, cat, paths = self.pick(_SITES)
        method = "POST" if self.random() < 0.07 else "GET"
        path, sent = self.pick(paths), self.upload[self.bits(8)]
        status, received = _status(self.random()), self.page[self.bits(8)]
        row = request(c.ip, c.account, method, host, path, status, received, sent, c.browser, cat)
        self.out.append((sec, row))

    def software(self, sec: int) -> None:
        host, category, path, agent, typical = self.pick(_SOFTWARE)
        received, sent = int(typical * self.spread[self.bits(8)]), self.upload[self.bits(8)]
        machine = self.pick(self.machines)
        row = request(machine, "-", "GET", host, path, 200, received, sent, agent, category)
        self.out.append((sec, row))

    def blocked(self, sec: int) -> None:
        c: Client = self.pick(self.clients)
        host, cat = self.pick(_BLOCKED_SITES)
        sent, agent = self.upload[self.bits(8)], c.browser
        row = request(c.ip, c.account, "GET", host, "/", 403, 1840, sent, agent, cat, "blocked")
        self.out.append((sec, row))


def _status(roll: float) -> int:
    if roll < 0.85:
        return 200
    if roll < 0.92:
        return 304
    if roll < 0.96:
        return 302
    if roll < 0.98:
        return 204
    return 404
