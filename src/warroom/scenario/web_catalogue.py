"""What the benign IIS traffic is made of, prebuilt once per world: URLs, clients, timings.

Twelve team sites with a handful of pages each, ten documents a site, SharePoint's scripts,
style sheets and images (with their ``rev=`` cache busters), the staff and bots of
`web_common`, and a table of 256 log-normal time-taken values for every kind of request.
"""

from __future__ import annotations

import base64
import math
from random import Random
from urllib.parse import quote

from warroom.scenario.model import World
from warroom.scenario.web_common import bot_clients, staff_clients

__all__ = ["Catalogue"]

# fmt: off
_SITES = ("intranet", "it", "noc", "netops", "projects", "hr", "finance", "customercare",
          "legal", "procurement", "fieldservice", "sales")
_PAGES = ("SitePages/Home.aspx", "SitePages/Home.aspx", "SitePages/Home.aspx",
          "Shared Documents/Forms/AllItems.aspx", "Lists/Tasks/AllItems.aspx",
          "Lists/Announcements/AllItems.aspx", "SitePages/Contacts.aspx", "SitePages/FAQ.aspx",
          "Lists/Calendar/calendar.aspx", "_layouts/15/viewlsts.aspx")
_GLOBAL_PAGES = ("/_layouts/15/start.aspx", "/_layouts/15/people.aspx",
                 "/_layouts/15/userdisp.aspx", "/_layouts/15/settings.aspx")
_DOC_WORDS = ("Netzplan", "Rufbereitschaft", "Stoerungsbericht", "Projektplan", "Budget",
              "Kapazitaetsplanung", "Wartungsfenster", "Kundenliste", "Vertrag", "Protokoll",
              "Schulung", "Richtlinie", "Angebot", "Inventar", "Eskalation", "Backbone")
_DOC_TYPES = ("docx", "docx", "xlsx", "xlsx", "pptx", "pdf", "vsdx")
_SCRIPTS = ("init.js", "core.js", "sp.js", "sp.runtime.js", "sp.core.js", "sp.init.js",
            "SP.UI.Dialog.js", "MicrosoftAjax.js", "1033/initstrings.js", "1033/strings.js",
            "clienttemplates.js", "clientforms.js", "clientpeoplepicker.js", "autofill.js",
            "sp.ribbon.js", "inplview.js", "suitelinks.js", "mquery.js", "callout.js",
            "sharing.js", "dragdrop.js", "quicklaunch.js", "cui.js", "ms.rte.js")
_STYLES = ("1033/styles/Themable/corev15.css", "1033/styles/Themable/searchv15.css",
           "1033/styles/Themable/layouts.css")
_IMAGES = ("spcommon.png", "fgimg.png", "siteicon.png", "favicon.ico", "spinnyrefresh.gif",
           "loadingcirclests16.gif", "icdocx.png", "icxlsx.png", "icpptx.png", "icpdf.png",
           "folder.gif", "animdarkdot.gif", "ecbarw.png", "blank.gif")
# fmt: on
# Time-taken in milliseconds: (median, spread of the log) per kind of request.
_TIMINGS = {
    "page": (280.0, 0.7),
    "asset": (4.0, 0.9),
    "api": (60.0, 0.8),
    "search": (650.0, 0.5),
    "doc": (180.0, 1.1),
    "dav": (25.0, 0.7),
    "auth": (1.5, 0.6),
    "probe": (1.0, 0.5),
}


class Catalogue:
    """The sites, pages, documents, assets, clients and time-taken tables of one world."""

    def __init__(self, world: World) -> None:
        rng = world.rng("iis", "catalogue")
        self.origin = f"https://{world.web_host}"
        self.account = f"{world.domain}\\svc_sharepoint"
        self.sites = [f"/sites/{site}" for site in _SITES]
        stems = [f"{site}/{page}" for site in self.sites for page in _PAGES] + list(_GLOBAL_PAGES)
        # Browsers send the referer percent-encoded; IIS logs the stem decoded.
        self.pages = [(stem, f"{self.origin}{quote(stem)}") for stem in stems]
        self.docs = {site: _docs(rng, site) for site in self.sites}
        self.assets = _assets(rng)
        clients = staff_clients(world)
        self.office_clients = [c for c in clients if not c.remote]
        self.home_clients = [c for c in clients if c.remote] or self.office_clients
        self.bots = bot_clients(world)
        self.timing = {kind: _timings(rng, *shape) for kind, shape in _TIMINGS.items()}


def _docs(rng: Random, site: str) -> list[str]:
    names = {f"{rng.choice(_DOC_WORDS)}_{rng.randint(2019, 2025)}" for _ in range(10)}
    return [f"{site}/Shared Documents/{name}.{rng.choice(_DOC_TYPES)}" for name in sorted(names)]


def _assets(rng: Random) -> list[tuple[str, str]]:
    """(stem, query) of every script, style sheet and image, with its cache buster."""
    assets = [(f"/_layouts/15/{name}", _rev(rng)) for name in _SCRIPTS + _STYLES]
    assets += [(f"/_layouts/15/images/{name}", f"rev={rng.randint(40, 47)}") for name in _IMAGES]
    return assets


def _rev(rng: Random) -> str:
    token = base64.b64encode(rng.randbytes(16)).decode().rstrip("=")
    return f"rev={quote(token, safe='')}%3D%3DTAG0"


def _timings(rng: Random, median: float, spread: float) -> list[int]:
    """256 draws of a log-normal time-taken, picked from by 8 random bits per line."""
    mu = math.log(median)
    return sorted(int(rng.lognormvariate(mu, spread)) for _ in range(256))
