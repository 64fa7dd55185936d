"""The malicious requests to the SharePoint front ends, each tagged with its step.

`attack_requests` is shared with `network`, so that the firewall shows the same sessions. Only
the step's host is attacked, apart from the scanners:

* "scan": internet-wide scanners from ``world.scanner_ips``, from the step until the exploit,
  in bursts of ToolShell probes or generic path scanning, against every front end;
* "exploit": the POST to ToolPane.aspx with the SignOut.aspx referer;
* "key_theft": the GET of spinstall0.aspx that returns the MachineKey (also when the second
  wave fetches it again);
* "exploit_bypass": the trailing-slash ToolPane.aspx/ bypass, and the forged ``__VIEWSTATE``
  requests to success.aspx, signed with the stolen keys, a second before each command the
  attacker runs through w3wp.exe: they exploit the public-facing application (T1190) from the
  second wave, as that step does.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from operator import attrgetter
from random import Random
from urllib.parse import quote

from warroom.scenario.model import Host, WebRequest, World

__all__ = ["FIREFOX_120", "attack_requests"]

FIREFOX_120 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"
PYTHON_UA = "python-requests/2.32.3"
SIGNOUT = "/_layouts/SignOut.aspx"
TOOLPANE = "/_layouts/15/ToolPane.aspx"
EXPLOIT_QUERY = "DisplayMode=Edit&a=/ToolPane.aspx"
SPINSTALL = "/_layouts/15/spinstall0.aspx"
SCAN_BURSTS_PER_DAY = 12

# What is asked and answered: (method, stem, query, referer, status, substatus, win32).
Hit = tuple[str, str, str | None, str | None, int, int, int]
_EXPLOIT: Hit = ("POST", TOOLPANE, EXPLOIT_QUERY, SIGNOUT, 200, 0, 0)
_BYPASS: Hit = ("POST", f"{TOOLPANE}/", EXPLOIT_QUERY, SIGNOUT, 200, 0, 0)
_KEY_THEFT: Hit = ("GET", SPINSTALL, None, SIGNOUT, 200, 0, 0)
_TOOLSHELL_PROBES: tuple[Hit, ...] = (
    ("GET", TOOLPANE, None, None, 401, 2, 5),
    ("GET", TOOLPANE, EXPLOIT_QUERY, SIGNOUT, 200, 0, 0),
    ("POST", TOOLPANE, EXPLOIT_QUERY, SIGNOUT, 200, 0, 0),
    ("POST", TOOLPANE, EXPLOIT_QUERY, None, 401, 2, 5),
    ("GET", "/_layouts/16/ToolPane.aspx", EXPLOIT_QUERY, SIGNOUT, 404, 0, 0),
    ("GET", SPINSTALL, None, None, 404, 0, 0),
    ("GET", "/_layouts/15/start.aspx", None, None, 401, 2, 5),
    ("GET", "/_vti_pvt/service.cnf", None, None, 404, 0, 2),
)
# fmt: off
_GENERIC_PROBES = ("/.env", "/wp-login.php", "/.git/config", "/server-status", "/actuator/env",
                   "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/owa/auth/logon.aspx",
                   "/autodiscover/autodiscover.json", "/cgi-bin/luci/;stok=/locale",
                   "/_vti_inf.html", "/config.json", "/admin/")
# fmt: on
_SCANNER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "curl/7.88.1",
    "Mozilla/5.0 zgrab/0.x",
)


def attack_requests(world: World) -> list[WebRequest]:
    """Every malicious request to the front ends, in time order, each tagged with its step."""
    requests = _scans(world) + _exploitation(world)
    requests.sort(key=attrgetter("time"))
    return requests


def _request(
    step: str, at: datetime, server: str, client: str, agent: str, hit: Hit, taken: int
) -> WebRequest:
    """An anonymous request to port 443 of SERVER."""
    method, stem, query, referer, status, substatus, win32 = hit
    return WebRequest(at, server, method, stem, query, 443, None, client, agent, referer,
                      status, substatus, win32, taken, step=step)  # fmt: skip


def _scans(world: World) -> list[WebRequest]:
    """Scanners' bursts from the "scan" step to the exploit; the first at the step's time."""
    rng = world.rng("iis", "scan")
    step = world.step("scan")
    start, end = step.time, world.step("exploit").time
    agents = {ip: rng.choice(_SCANNER_AGENTS) for ip in world.scanner_ips}
    span = int((end - start).total_seconds()) - 60
    bursts = [(0, world.scanner_ips[0], world.host(step.host), True)]
    for _ in range(int(SCAN_BURSTS_PER_DAY * span / 86400)):
        ip, host = rng.choice(world.scanner_ips), rng.choice(world.by_role("sharepoint"))
        bursts.append((rng.randrange(span), ip, host, rng.random() < 0.5))
    requests: list[WebRequest] = []
    for offset, ip, host, toolshell in bursts:
        at = start + timedelta(seconds=offset)
        requests += _scan_burst(rng, at, host, ip, agents[ip], toolshell)
    return requests


def _scan_burst(
    rng: Random, at: datetime, host: Host, ip: str, agent: str, toolshell: bool
) -> list[WebRequest]:
    if toolshell:
        probes = [_TOOLSHELL_PROBES[1], *rng.sample(_TOOLSHELL_PROBES, rng.randint(2, 5))]
    else:
        probes = [
            ("GET", path, None, None, 404, 0, 2 if "." in path.rsplit("/", 1)[-1] else 0)
            for path in rng.sample(_GENERIC_PROBES, rng.randint(3, 9))
        ]
    requests, second = [], 0
    for hit in probes:
        when = at + timedelta(seconds=second)
        requests.append(_request("scan", when, host.ip, ip, agent, hit, rng.randint(1, 40)))
        second += rng.randint(0, 1)
    return requests


def _exploitation(world: World) -> list[WebRequest]:
    """The two waves, the key theft and the forged-ViewState requests before the commands."""
    rng = world.rng("iis", "exploit")
    server = world.host(world.step("exploit").host).ip
    first, second, later = world.attacker_ips[:3]
    bypass = world.step("exploit_bypass").time
    # (step, time, attacker, what, time-taken from, to)
    waves = (
        ("exploit", world.step("exploit").time, first, _EXPLOIT, (280, 720)),
        ("key_theft", world.step("key_theft").time, first, _KEY_THEFT, (8, 30)),
        ("exploit_bypass", bypass, second, _BYPASS, (280, 720)),
        ("key_theft", bypass + timedelta(seconds=3), second, _KEY_THEFT, (8, 30)),
    )
    requests = [
        _request(step, at, server, ip, FIREFOX_120, hit, rng.randint(*taken))
        for step, at, ip, hit, taken in waves
    ]
    for step in ("encoded_powershell", "discovery"):
        at = world.step(step).time - timedelta(seconds=1)
        forged: Hit = ("GET", "/_layouts/15/success.aspx", _viewstate(rng), None, 200, 0, 0)
        taken = rng.randint(90, 400)
        requests.append(_request("exploit_bypass", at, server, later, PYTHON_UA, forged, taken))
    return requests


def _viewstate(rng: Random) -> str:
    """The query of a forged, signed ViewState: a LosFormatter gadget of a few kilobytes."""
    blob = base64.b64encode(b"\xff\x01" + rng.randbytes(rng.randint(1800, 2600))).decode()
    generator = f"{rng.getrandbits(32):08X}"
    return f"__VIEWSTATE={quote(blob, safe='')}&__VIEWSTATEGENERATOR={generator}"
