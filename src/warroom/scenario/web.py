"""IIS W3C logs of the internet-facing SharePoint front ends, benign traffic and the attack.

Every front end (hosts of role "sharepoint") writes one file a day,
``iis/<HOST>/W3SVC1/u_exYYMMDD.log``, in the IIS 10 default layout with CRLF line ends and
whole-second UTC times, as IIS writes it. `iis_files` yields the requests of each file in time
order; `write_w3c` turns them into bytes and tells the caller the line of every attack request.

The parts, each in a module of its own:

* `web_common`: who visits and when (staff, bots, office hours), shared with `network`;
* `web_catalogue` and `web_traffic`: the benign requests of a front end on a day;
* `web_attack`: the malicious requests, tagged with their steps, shared with `network`;
* `web_w3c`: the writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from warroom.scenario.model import WebRequest, World
from warroom.scenario.web_attack import FIREFOX_120, attack_requests
from warroom.scenario.web_catalogue import Catalogue
from warroom.scenario.web_common import (
    Client,
    bot_clients,
    clock,
    count,
    offsets,
    public_ip,
    staff_clients,
    staff_rhythm,
)
from warroom.scenario.web_traffic import benign
from warroom.scenario.web_w3c import FIELDS, write_w3c

__all__ = [
    "FIELDS",
    "FIREFOX_120",
    "Client",
    "attack_requests",
    "bot_clients",
    "clock",
    "count",
    "iis_files",
    "offsets",
    "public_ip",
    "staff_clients",
    "staff_rhythm",
    "write_w3c",
]


def iis_files(world: World) -> Iterator[tuple[str, Iterator[WebRequest]]]:
    """(relative path, requests in time order) of every front end's log of every day."""
    attack = attack_requests(world)
    catalogue = Catalogue(world)
    for host in world.by_role("sharepoint"):
        for n in range(world.days):
            day = world.start + timedelta(days=n)
            path = f"iis/{host.name}/W3SVC1/u_ex{day:%y%m%d}.log"
            hits = [r for r in attack if r.server_ip == host.ip and r.time.date() == day.date()]
            yield path, _merge(benign(world, catalogue, host, day), hits)


def _merge(benign: Iterator[WebRequest], attack: list[WebRequest]) -> Iterator[WebRequest]:
    """BENIGN with the (few, sorted) ATTACK requests slotted in at their times."""
    pending = list(reversed(attack))
    for request in benign:
        while pending and pending[-1].time < request.time:
            yield pending.pop()
        yield request
    yield from reversed(pending)
