"""Who visits the SharePoint front ends and when: shared by the IIS, firewall and proxy logs.

Staff (`staff_clients`) reach the site from the office (their desktops in 10.30.0.0/16 and the
admins' workstations) and, about a third of them, also from home over the internet, so that
their public addresses appear in the firewall log too. Search engines and internet scanners
(`bot_clients`) visit from fixed addresses. Staff activity follows office hours in
Europe/Berlin (`staff_rhythm`; weekends at 12% of a weekday), everything else is `FLAT`.

`count` turns an expected number into a whole one, `clock` and `offsets` are tables of the
86,400 seconds of a day that the writers index instead of formatting or adding times.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from zoneinfo import ZoneInfo

from warroom.scenario.model import World

__all__ = [
    "FLAT",
    "Client",
    "bot_clients",
    "clock",
    "count",
    "offsets",
    "public_ip",
    "staff_clients",
    "staff_rhythm",
]

BERLIN = ZoneInfo("Europe/Berlin")
# Staff activity by Berlin local hour on a weekday, relative to the busiest hour.
# fmt: off
OFFICE_HOURS = (0.03, 0.02, 0.02, 0.02, 0.03, 0.06, 0.18, 0.45, 0.85, 1.0, 1.0, 0.95,
                0.7, 0.85, 0.95, 0.9, 0.75, 0.5, 0.28, 0.16, 0.11, 0.08, 0.06, 0.04)
# fmt: on
WEEKEND = 0.12
FLAT = (1 / 24,) * 24

# Consumer broadband blocks of German ISPs: (first octet, second octet from, to).
# fmt: off
_HOME_BLOCKS = ((84, 128, 191), (91, 0, 63), (93, 192, 255), (178, 0, 31), (217, 80, 95),
                (79, 192, 255), (87, 128, 191), (94, 216, 223), (46, 80, 95), (188, 96, 111))
# fmt: on
_BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/127.0.0.0 Safari/537.36 Edg/127.0.2651.98",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.113",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/127.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
)
_OFFICE = (
    "Microsoft Office Word 2014 (16.0.17928) Windows NT 10.0",
    "Microsoft Office Excel 2014 (16.0.17928) Windows NT 10.0",
    "Microsoft Office PowerPoint 2014 (16.0.17928) Windows NT 10.0",
)
_BOTS = (
    ("66.249.66.{}", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
    ("157.55.39.{}", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"),
    ("167.94.138.{}", "Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)"),
    ("5.255.231.{}", "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"),
)


def staff_rhythm(day: datetime) -> tuple[float, ...]:
    """The share of a weekday's staff activity in each UTC hour of DAY (a weekday sums to 1)."""
    total = sum(OFFICE_HOURS)
    weights = []
    for hour in range(24):
        local = (day + timedelta(hours=hour)).astimezone(BERLIN)
        weight = OFFICE_HOURS[local.hour] / total
        weights.append(weight * WEEKEND if local.weekday() >= 5 else weight)
    return tuple(weights)


def count(rng: Random, expected: float) -> int:
    """A whole number of events whose mean is EXPECTED (linear in it, little variance)."""
    whole = int(expected)
    return whole + (rng.random() < expected - whole)


def public_ip(rng: Random) -> str:
    """A home broadband address."""
    first, low, high = rng.choice(_HOME_BLOCKS)
    return f"{first}.{rng.randint(low, high)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


@dataclass(frozen=True, slots=True)
class Client:
    """A member of staff at one machine: the address, browser and Office they use."""

    user: str  # sAMAccountName
    account: str  # "NWT\\anna.becker", as IIS logs it
    ip: str
    browser: str
    office: str
    remote: bool  # from home over the internet (NTLM, through the firewall)


def staff_clients(world: World) -> tuple[Client, ...]:
    """Every member of staff's office client and, for about a third, a home one."""
    rng = world.rng("clients")
    desks = {user: host.ip for host in world.hosts for user in host.users}
    clients = []
    for user in world.users:
        account = f"{world.domain}\\{user}"
        browser, office = rng.choice(_BROWSERS), rng.choice(_OFFICE)
        desk = desks.get(user) or f"10.30.{rng.randint(1, 40)}.{rng.randint(10, 250)}"
        clients.append(Client(user, account, desk, browser, office, remote=False))
        if rng.random() < 0.35:
            clients.append(Client(user, account, public_ip(rng), browser, office, remote=True))
    return tuple(clients)


def bot_clients(world: World) -> list[tuple[str, str]]:
    """The search engines' and internet scanners' (address, user agent) that visit the site."""
    rng = world.rng("iis", "bots")
    return [(ip.format(rng.randint(1, 254)), agent) for ip, agent in _BOTS]


@functools.cache
def clock() -> list[str]:
    """The text "HH:MM:SS" of every second of a day, so that writers print times by indexing."""
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


@functools.cache
def offsets() -> list[timedelta]:
    """A timedelta for every second of a day: adding one to midnight is cheap."""
    return [timedelta(seconds=s) for s in range(86400)]
