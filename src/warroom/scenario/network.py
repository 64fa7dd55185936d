"""Firewall and proxy logs of the provider's internet edge, as daily CSV exports.

``firewall/fw-edge01_YYYY-MM-DD.csv`` has one row per session of the perimeter NGFW,
``proxy/proxy01_YYYY-MM-DD.csv`` one row per HTTP request through a TLS-inspecting transparent
proxy; both stamped in UTC. Staff, their addresses and browsers are `web.staff_clients` and
their rhythm `web.staff_rhythm`, the same people at the same hours as in the IIS logs.

The parts, each in a module of its own:

* `network_firewall` and `network_proxy`: the benign rows of a day, and the row builders;
* `network_attack`: the attack's sessions and requests, tagged with their steps;
* `network_rows`: the row form both are generated in, and how rows become records;
* `network_csv`: the columns, the writer and the hunt's column maps.
"""

from __future__ import annotations

from collections.abc import Iterator

from warroom.scenario.model import NetRecord, World
from warroom.scenario.network_attack import NGROK_EDGE, firewall_attack, proxy_attack
from warroom.scenario.network_csv import FIREWALL_COLUMNS, PROXY_COLUMNS, column_maps, write_csv
from warroom.scenario.network_firewall import DEVICE, Firewall
from warroom.scenario.network_proxy import Proxy
from warroom.scenario.network_rows import day_records, days

__all__ = [
    "FIREWALL_COLUMNS",
    "NGROK_EDGE",
    "PROXY_COLUMNS",
    "column_maps",
    "firewall_files",
    "proxy_files",
    "write_csv",
]


def firewall_files(world: World) -> Iterator[tuple[str, Iterator[NetRecord]]]:
    """(relative path, sessions in time order) of every day's firewall log."""
    attack = firewall_attack(world)
    for day in days(world):
        rows = Firewall(world, day).rows()
        yield f"firewall/{DEVICE}_{day:%Y-%m-%d}.csv", day_records(day, rows, attack)


def proxy_files(world: World) -> Iterator[tuple[str, Iterator[NetRecord]]]:
    """(relative path, requests in time order) of every day's proxy log."""
    attack = proxy_attack(world)
    for day in days(world):
        rows = Proxy(world, day).rows()
        yield f"proxy/proxy01_{day:%Y-%m-%d}.csv", day_records(day, rows, attack)
