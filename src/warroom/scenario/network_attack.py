"""The attack as the edge saw it: firewall sessions and proxy requests, tagged with their steps.

* inbound: one session per malicious web request of `attack_requests` (scanners, exploitation,
  key theft, the bypass, forged ViewState), from the same address at the same second, so that
  firewall and IIS agree; scanners also probe other ports and are denied ("scan");
* "encoded_powershell": SP-FE01 fetches ``file.ps1`` from the ngrok tunnel (proxy, and the
  session to an ngrok edge address in the firewall log);
* "c2": SP-FE01 beacons to update.updatemicfosoft.com (``world.attacker_ips[3]``) every five
  minutes, give or take one, until the end of the window: one session and one request each;
* "exfil": rclone on FS01 uploads about a million documents, packed into 2 GiB 7-Zip volumes
  (420 to 480 GB in all), to ``world.exfil_host`` as S3 multipart uploads in 256 MiB parts,
  four volumes at a time at about 5.5 MB/s each: some 6 hours, one firewall session per volume
  with its gigabytes in ``bytes_sent``, and a POST to start, a PUT per part and a POST to finish
  each upload in the proxy log. Packing keeps the proxy log at a few thousand rows instead of a
  million single-file PUTs.

Rows after the end of the window (the last volumes when the exfiltration runs past midnight of
the last day) are left out: the evidence stops where the window does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter

from warroom.scenario.model import NetRecord, WebRequest, World
from warroom.scenario.network_firewall import DENIED, INBOUND_WEB, SERVER_WEB, session
from warroom.scenario.network_proxy import request
from warroom.scenario.network_rows import record
from warroom.scenario.web_attack import attack_requests

__all__ = ["NGROK_EDGE", "firewall_attack", "proxy_attack"]

BEACON = 300  # seconds between C2 beacons, jittered by a fifth either way
VOLUME = 2 * 1024**3  # 7-Zip volume of the staged documents
PART = 256 * 1024**2  # S3 multipart part size
LANES = 4  # rclone --transfers
NGROK_EDGE = "3.125.209.94"
POWERSHELL_UA = "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.17763.7009"
IMPLANT_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/96.0.4664.110 Safari/537.36"
)
RCLONE_UA = "rclone/v1.66.0"


def firewall_attack(world: World) -> list[NetRecord]:
    """Every attack session at the edge, in time order, within the window."""
    records = _inbound_attack(world) + _port_scans(world) + _outbound_attack(world)
    records.sort(key=attrgetter("time"))
    return [r for r in records if r.time < world.end]


def proxy_attack(world: World) -> list[NetRecord]:
    """Every attack request through the proxy, in time order, within the window."""
    step = world.step("encoded_powershell")
    ngrok = _Remote(world.c2_domains[1], POWERSHELL_UA, "Dynamic DNS")
    sp = world.host(step.host).ip
    records = [ngrok.request(step.id, step.time, sp, "GET", "/file.ps1", 14_212, 620)]
    records += _beacon_requests(world) + _exfil_requests(world)
    records.sort(key=attrgetter("time"))
    return [r for r in records if r.time < world.end]


@dataclass(frozen=True, slots=True)
class _Remote:
    """A site the attacker's tools talk to through the proxy, with the tool's user agent."""

    host: str
    agent: str
    category: str

    def request(
        self, step: str, at: datetime, client: str, method: str, path: str, received: int, sent: int
    ) -> NetRecord:
        agent, category = self.agent, self.category
        row = request(client, "-", method, self.host, path, 200, received, sent, agent, category)
        return record(at, row, step)


def _sport(at: datetime, src: str) -> int:
    """An ephemeral source port fixed by the session's time and source (not Python's hash)."""
    return 49152 + (int(at.timestamp()) * 2654435761 + sum(map(ord, src)) * 40503) % 16384


def _public(world: World) -> dict[str, str]:
    """The public address of every front end (destination NAT), by its internal one."""
    return {h.ip: h.public_ip or h.ip for h in world.by_role("sharepoint")}


def _inbound_attack(world: World) -> list[NetRecord]:
    """One session per malicious web request, from the same address, starting as it did."""
    public = _public(world)
    records = []
    for r in attack_requests(world):
        start, src = r.time - timedelta(seconds=r.time_taken // 1000), r.client_ip
        sent, received = _request_bytes(r)
        elapsed, dst = 1 + r.time_taken // 1000, public[r.server_ip]
        sport, nat = _sport(start, src), r.server_ip
        row = session(src, sport, dst, INBOUND_WEB, sent, received, elapsed, nat)
        records.append(record(start, row, r.step or ""))
    return records


def _request_bytes(r: WebRequest) -> tuple[int, int]:
    """Bytes the client sent and received over the TLS session of request R."""
    sent = 900 + len(r.uri_stem) + len(r.uri_query or "") + (7_700 if r.method == "POST" else 0)
    received = {200: 5_400, 401: 1_650, 404: 1_480}.get(r.status, 1_200)
    if "spinstall" in r.uri_stem and r.status == 200:
        received = 1_310  # the MachineKey, one pipe-separated line
    return sent + 4_100, received + 3_900  # and the TLS handshake with the certificate chain


def _port_scans(world: World) -> list[NetRecord]:
    """Denied probes of other ports, seconds before each scanner's burst of web requests."""
    rng, public = world.rng("fw", "scan"), _public(world)
    records: list[NetRecord] = []
    last: dict[str, datetime] = {}
    for r in attack_requests(world):
        if r.step != "scan":
            continue
        previous, last[r.client_ip] = last.get(r.client_ip), r.time
        if previous is not None and r.time - previous < timedelta(minutes=5):
            continue
        src, dst = r.client_ip, public[r.server_ip]
        for service in rng.sample(DENIED, rng.randint(2, 6)):  # as many ports, denied
            at, sport = r.time - timedelta(seconds=rng.randint(1, 20)), 49152 + rng.getrandbits(14)
            records.append(record(at, session(src, sport, dst, service, 60, 0, 0), "scan"))
    return records


def _outbound_attack(world: World) -> list[NetRecord]:
    """The download of file.ps1, the beacons and the exfiltration, as sessions."""
    step = world.step("encoded_powershell")
    sp = world.host(step.host).ip
    row = session(sp, _sport(step.time, sp), NGROK_EDGE, SERVER_WEB, 1_450, 19_800, 2)
    records = [record(step.time, row, step.id)]
    c2, server = world.host(world.step("c2").host).ip, world.attacker_ips[3]
    for at in _beacons(world):
        row = session(c2, _sport(at, c2), server, SERVER_WEB, 1_180, 1_620, 1)
        records.append(record(at, row, "c2"))
    fs, dst = world.host(world.step("exfil").host).ip, world.exfil_ip
    for v in _volumes(world):
        sent, received = v.size + v.size // 60, v.size // 250  # TLS and HTTP overhead, ACKs
        row = session(fs, _sport(v.start, fs), dst, SERVER_WEB, sent, received, v.seconds)
        records.append(record(v.start, row, "exfil"))
    return records


def _beacons(world: World) -> list[datetime]:
    """When the implant on the C2 step's host calls home: from the step to the window's end."""
    rng = world.rng("c2", "beacons")
    at, times = world.step("c2").time, []
    while at < world.end:
        times.append(at)
        at += timedelta(seconds=round(BEACON * rng.uniform(0.8, 1.2)))
    return times


def _beacon_requests(world: World) -> list[NetRecord]:
    """Each beacon as the proxy saw it: a poll for tasks, and now and then a result posted."""
    host = world.host(world.step("c2").host).ip
    c2 = _Remote(world.c2_domains[0], IMPLANT_UA, "Uncategorized")
    records = []
    for n, at in enumerate(_beacons(world)):
        if n % 7 == 6:  # a command's output posted back
            records.append(c2.request("c2", at, host, "POST", "/api/v2/result", 180, 2_900))
        else:
            received = 180 + n % 5 * 37
            records.append(c2.request("c2", at, host, "GET", "/api/v2/tasks", received, 540))
    return records


@dataclass(frozen=True, slots=True)
class _Volume:
    """One 7-Zip volume's multipart upload: when it started, how long it took, how big it is."""

    number: int
    start: datetime
    seconds: int
    size: int
    upload_id: str


def _volumes(world: World) -> list[_Volume]:
    """The exfiltration's uploads, LANES at a time, the first at the step's time."""
    rng = world.rng("exfil", "volumes")
    total = int(rng.uniform(420e9, 480e9))
    free = [world.step("exfil").time + timedelta(seconds=2 * n) for n in range(LANES)]
    volumes = []
    for number in range(1, math.ceil(total / VOLUME) + 1):
        size = min(VOLUME, total - (number - 1) * VOLUME)
        lane = min(range(LANES), key=free.__getitem__)
        seconds = round(size / (rng.uniform(4.5, 6.5) * 1e6))
        volumes.append(_Volume(number, free[lane], seconds, size, rng.randbytes(24).hex()))
        free[lane] += timedelta(seconds=seconds + rng.randint(1, 3))
    return volumes


def _exfil_requests(world: World) -> list[NetRecord]:
    """The S3 multipart uploads: start, a PUT per part, complete; for every volume."""
    fs = world.host(world.step("exfil").host).ip
    storage = _Remote(world.exfil_host, RCLONE_UA, "Online Storage and Backup")
    bucket = f"bkp-{world.rng('exfil', 'bucket').randbytes(4).hex()}"
    records = []
    for v in _volumes(world):
        key = f"/{bucket}/fs01/docs.7z.{v.number:03d}"
        parts = math.ceil(v.size / PART)
        records.append(storage.request("exfil", v.start, fs, "POST", f"{key}?uploads", 412, 620))
        for n in range(parts):
            at = v.start + timedelta(seconds=1 + n * v.seconds // parts)
            path = f"{key}?partNumber={n + 1}&uploadId={v.upload_id}"
            size = min(PART, v.size - n * PART)
            records.append(storage.request("exfil", at, fs, "PUT", path, 318, size))
        end, path = v.start + timedelta(seconds=v.seconds), f"{key}?uploadId={v.upload_id}"
        records.append(storage.request("exfil", end, fs, "POST", path, 356, 1_900))
    return records
