"""The perimeter firewall's benign sessions of one day, and how a session becomes a row.

``firewall/fw-edge01_YYYY-MM-DD.csv`` is the traffic log of the perimeter NGFW, one row per
session, stamped with the session's start (UTC, ISO 8601) so that it lines up with the other
evidence: device, zones (trust, dmz, untrust), source and destination address and port, the
internal address after destination NAT for inbound sessions, protocol, application, action,
rule, bytes and packets each way, elapsed seconds and why the session ended.

Benign sessions per weekday at scale 1.0, linear in ``world.scale``: staff web browsing
(2,400), Office 365 (1,200), DNS from DC01 to the resolvers (1,500), NTP to the PTB servers
(84, one every 1024 s), Windows Update and certificate revocation checks of every machine
(210), remote staff and search engines reaching the SharePoint front ends (500), and the
internet's background radiation of port scans, denied at the edge (1,400, day and night).
Staff sessions follow `staff_rhythm`: about 7,300 rows on a weekday, 3,000 on a weekend day.

Speed: most of a row repeats (device, zones, the service's port, protocol, app, action and
rule, sizes from 256-entry tables, one of 16,384 source ports), so rows are tuples of shared
``(column, value)`` pairs drawn from prebuilt pools.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from random import Random

from warroom.scenario.model import World
from warroom.scenario.network_rows import Hours, Pair, Plan, lognormal
from warroom.scenario.web_common import FLAT, bot_clients, public_ip

__all__ = ["DENIED", "DEVICE", "INBOUND_WEB", "SERVER_WEB", "Firewall", "session"]

DEVICE = "fw-edge01"
# Sessions per weekday at scale 1.0.
STAFF_WEB = 2400
OFFICE365 = 1200
DNS = 1500
NTP = 84
UPDATES = 60
REVOCATION = 150
INBOUND = 500
NOISE = 1400


class Service:
    """What a firewall rule lets through or stops: port, protocol, application and verdict.

    Kept as the row's (column, value) pairs, built once, so that every row of the service
    shares them: most of a firewall row is the same few values over and over.
    """

    __slots__ = ("action", "app", "end", "port", "proto", "rule", "zones")

    def __init__(self, port: str, proto: str, app: str, rule: str, action: str = "allow",
                 end: str = "tcp-fin", *, inbound: bool = False) -> None:  # fmt: skip
        self.port, self.proto, self.app = ("dst_port", port), ("proto", proto), ("app", app)
        self.action, self.rule = ("action", action), ("rule", rule)
        self.end = ("session_end_reason", end)
        self.zones = _zones("untrust", "dmz") if inbound else None


def _zones(source: str, destination: str) -> tuple[Pair, Pair]:
    return ("src_zone", source), ("dst_zone", destination)


WEB = Service("443", "tcp", "ssl", "allow-staff-web")
WEB_RESET = Service("443", "tcp", "ssl", "allow-staff-web", end="tcp-rst-from-server")
PLAIN_WEB = Service("80", "tcp", "web-browsing", "allow-staff-web")
QUIC = Service("443", "udp", "quic", "block-quic", "deny", "policy-deny")
OFFICE = Service("443", "tcp", "ms-office365", "allow-staff-web")
TEAMS = Service("443", "tcp", "ms-teams", "allow-staff-web")
NAME_LOOKUP = Service("53", "udp", "dns", "allow-dns-resolvers", end="aged-out")
TIME_SYNC = Service("123", "udp", "ntp", "allow-ntp", end="aged-out")
UPDATE = Service("443", "tcp", "ms-update", "allow-servers-updates")
REVOCATION_CHECK = Service("80", "tcp", "ocsp", "allow-servers-updates")
INBOUND_WEB = Service("443", "tcp", "ssl", "allow-inbound-sharepoint", inbound=True)
SERVER_WEB = Service("443", "tcp", "ssl", "allow-servers-https-out")
_SCAN_PORTS = (22, 23, 25, 80, 445, 1433, 3306, 3389, 5900, 6379, 8080, 8443, 9200, 5985)
DENIED = [
    Service(str(port), "tcp", "incomplete", "deny-inbound-default", "deny", "policy-deny",
            inbound=True)
    for port in _SCAN_PORTS
]  # fmt: skip
DMZ = "10.20.1."  # the front ends' subnet
_DEVICE = ("device", DEVICE)
_NO_NAT = ("nat_dst_ip", "")
_OUTBOUND = (_zones("trust", "untrust"), _zones("dmz", "untrust"))  # by: source in the DMZ
Size = tuple[Pair, Pair]  # bytes and packets one way


def _row(
    src: Pair, sport: Pair, dst: Pair, service: Service, sent: Size, received: Size,
    elapsed: Pair, nat: Pair = _NO_NAT,
) -> tuple[Pair, ...]:  # fmt: skip
    """The pairs of a firewall row after its time, every one of them shared with other rows."""
    zones = service.zones or _OUTBOUND[src[1].startswith(DMZ)]
    s = service
    return (_DEVICE, zones[0], zones[1], src, sport, dst, s.port, nat, s.proto, s.app, s.action,
            s.rule, sent[0], received[0], sent[1], received[1], elapsed, s.end)  # fmt: skip


def session(
    src: str, sport: int, dst: str, service: Service, sent: int, received: int, elapsed: int,
    nat: str = "",
) -> tuple[Pair, ...]:  # fmt: skip
    """A firewall row's pairs from plain values (for the few attack rows)."""
    return _row(("src_ip", src), ("src_port", str(sport)), ("dst_ip", dst), service,
                _sent(sent), _received(received), ("elapsed", str(elapsed)),
                ("nat_dst_ip", nat) if nat else _NO_NAT)  # fmt: skip


def _sent(size: int) -> Size:
    return ("bytes_sent", str(size)), ("packets_sent", str(-(-size // 1100)))


def _received(size: int) -> Size:
    return ("bytes_received", str(size)), ("packets_received", str(-(-size // 1300)))


@functools.cache
def _ports() -> list[Pair]:
    """The src_port pair of every ephemeral port of Windows (49152-65535)."""
    return [("src_port", str(port)) for port in range(49152, 65536)]


def _sizes(rng: Random, median: float, spread: float, way: Callable[[int], Size]) -> list[Size]:
    """256 log-normal sizes one way as pairs, picked from by 8 random bits per row."""
    return [way(size) for size in lognormal(rng, median, spread)]


# (first octet, second from, to) of the CDNs, clouds and sites staff reach.
# fmt: off
_WEB_BLOCKS = ((142, 250, 251), (172, 217, 217), (151, 101, 101), (104, 16, 31), (23, 32, 67),
               (2, 16, 23), (185, 199, 199), (140, 82, 82), (13, 32, 35), (18, 64, 66),
               (193, 99, 99), (52, 28, 29), (34, 96, 127))
# fmt: on
_O365_BLOCKS = ((52, 96, 127), (40, 96, 127), (13, 107, 107), (52, 112, 115), (20, 190, 190))
_RESOLVERS = ("9.9.9.9", "149.112.112.112")
_NTP = ("192.53.103.108", "192.53.103.104")  # the PTB's time servers
_UPDATE = ("13.107.4.50", "8.241.9.126", "2.16.106.210")
_OCSP = ("192.229.211.108", "23.53.41.106", "13.107.4.52")
_OWN = tuple(f"203.0.113.{n}" for n in range(1, 63))  # the provider's public block
_FIRST_OCTETS = [n for n in range(1, 224) if n not in (10, 100, 127, 169, 172, 192)]


def _pool(rng: Random, blocks: Sequence[tuple[int, int, int]], size: int) -> list[str]:
    return [
        f"{first}.{rng.randint(low, high)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        for first, low, high in (rng.choice(blocks) for _ in range(size))
    ]


def _pairs(column: str, values: Iterable[str]) -> list[Pair]:
    return [(column, value) for value in values]


class Firewall(Hours):
    """The benign sessions of one day at the edge, drawn from pools of prebuilt pairs."""

    def __init__(self, world: World, day: datetime) -> None:
        super().__init__(world, world.rng("fw", day.date().isoformat()), day)
        pools = world.rng("fw", "pools")
        self.ports = _ports()
        self.staff_ips = _pairs("src_ip", (c.ip for c in self.clients))
        self.machines = _pairs("src_ip", (h.ip for h in world.hosts))
        self.dc = ("src_ip", world.by_role("dc")[0].ip)
        self.web = _pairs("dst_ip", _pool(pools, _WEB_BLOCKS, 400))
        self.o365 = _pairs("dst_ip", _pool(pools, _O365_BLOCKS, 120))
        self.resolvers, self.ntp_servers = _pairs("dst_ip", _RESOLVERS), _pairs("dst_ip", _NTP)
        self.update_servers, self.ocsp = _pairs("dst_ip", _UPDATE), _pairs("dst_ip", _OCSP)
        self.own = _pairs("dst_ip", _OWN)
        self.fronts = [(("dst_ip", h.public_ip or h.ip), ("nat_dst_ip", h.ip))
                       for h in world.by_role("sharepoint")]  # fmt: skip
        internet = self.remote + [ip for ip, _ in bot_clients(world)]
        self.internet = _pairs("src_ip", internet)
        self.known = set(world.attacker_ips) | set(world.scanner_ips)
        self.request = _sizes(pools, 1800, 0.9, _sent)
        self.page = _sizes(pools, 45000, 1.4, _received)
        self.download = _sizes(pools, 4_000_000, 1.5, _received)
        self.elapsed = _pairs("elapsed", map(str, lognormal(pools, 12, 1.3)))
        self.small = [_sent(60 + n) for n in range(32)], [_received(90 + n) for n in range(256)]
        self.zero, self.nothing, self.quic = ("elapsed", "0"), _received(0), _sent(1350)

    def plan(self, hour: int) -> Plan:
        staff, flat = self.staff[hour], FLAT[hour]
        return (
            (STAFF_WEB * staff, self.browse),
            (OFFICE365 * staff, self.office365),
            (DNS * (0.6 * staff + 0.4 * flat), self.dns),
            (NTP * flat, self.ntp),
            (UPDATES * flat, self.update),
            (REVOCATION * flat, self.revocation),
            (INBOUND * (0.8 * staff + 0.2 * flat), self.inbound),
            (NOISE * flat, self.noise),
        )

    def tcp(self, sec: int, src: Pair, dst: Pair, service: Service, received: Size,
            nat: Pair = _NO_NAT) -> None:  # fmt: skip
        """An allowed TCP session of ordinary length."""
        bits = self.bits
        sent, elapsed, sport = self.request[bits(8)], self.elapsed[bits(8)], self.ports[bits(14)]
        self.out.append((sec, _row(src, sport, dst, service, sent, received, elapsed, nat)))

    def browse(self, sec: int) -> None:
        src, dst, roll = self.pick(self.staff_ips), self.pick(self.web), self.random()
        if roll < 0.03:  # QUIC is blocked, so that browsers fall back to TCP
            sport = self.ports[self.bits(14)]
            self.out.append((sec, _row(src, sport, dst, QUIC, self.quic, self.nothing, self.zero)))
            return
        service = WEB if roll < 0.86 else WEB_RESET if roll < 0.93 else PLAIN_WEB
        self.tcp(sec, src, dst, service, self.page[self.bits(8)])

    def office365(self, sec: int) -> None:
        service = OFFICE if self.random() < 0.7 else TEAMS
        src, dst = self.pick(self.staff_ips), self.pick(self.o365)
        self.tcp(sec, src, dst, service, self.page[self.bits(8)])

    def dns(self, sec: int) -> None:
        sent, received = self.small[0][self.bits(5)], self.small[1][self.bits(8)]
        dst, sport = self.pick(self.resolvers), self.ports[self.bits(14)]
        row = _row(self.dc, sport, dst, NAME_LOOKUP, sent, received, self.zero)
        self.out.append((sec, row))

    def ntp(self, sec: int) -> None:
        sent, received = self.small[0][30], self.small[1][0]
        dst, sport = self.pick(self.ntp_servers), ("src_port", "123")
        self.out.append((sec, _row(self.dc, sport, dst, TIME_SYNC, sent, received, self.zero)))

    def update(self, sec: int) -> None:
        received = self.download[self.bits(8)]
        self.tcp(sec, self.pick(self.machines), self.pick(self.update_servers), UPDATE, received)

    def revocation(self, sec: int) -> None:
        received = self.page[self.bits(6)]  # the smallest quarter: OCSP answers, CRLs
        src, dst = self.pick(self.machines), self.pick(self.ocsp)
        self.tcp(sec, src, dst, REVOCATION_CHECK, received)

    def inbound(self, sec: int) -> None:
        """Remote staff and search engines reach a front end through destination NAT."""
        public, internal = self.pick(self.fronts)
        received = self.page[self.bits(8)]
        self.tcp(sec, self.pick(self.internet), public, INBOUND_WEB, received, nat=internal)

    def noise(self, sec: int) -> None:
        """The internet's background radiation: port scans of the public block, denied."""
        src = public_ip(self.rng) if self.random() < 0.1 else self.anywhere()
        if src in self.known:
            return
        service, dst, sport = self.pick(DENIED), self.pick(self.own), self.ports[self.bits(14)]
        row = _row(("src_ip", src), sport, dst, service, self.small[0][0], self.nothing, self.zero)
        self.out.append((sec, row))

    def anywhere(self) -> str:
        """A public address anywhere on the internet (not private, loopback, CGNAT, multicast)."""
        bits = self.bits
        return f"{self.pick(_FIRST_OCTETS)}.{bits(8)}.{bits(8)}.{1 + bits(8) % 254}"
