"""Rows of the edge logs as they are generated, and how they become `NetRecord`s.

A benign row is (second of the day, the row's ``(column, value)`` pairs after ``time``): most
pairs repeat from row to row, so generators share prebuilt ones. `Hours` builds a day of rows
an hour at a time from activities at expected rates and sorts each hour; `day_records` turns
them into records and slots the day's attack records in at their times.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from operator import itemgetter
from random import Random
from typing import TypeVar

from warroom.scenario.model import NetRecord, World
from warroom.scenario.web_common import clock, count, offsets, staff_clients, staff_rhythm

__all__ = ["Hours", "Pair", "Plan", "Row", "day_records", "days", "lognormal", "record"]

Pair = tuple[str, str]  # (column, value), as NetRecord holds them
Row = tuple[int, tuple[Pair, ...]]  # second of the day, the pairs after "time"
Plan = Sequence[tuple[float, Callable[[int], None]]]  # (expected count at scale 1.0, activity)
_T = TypeVar("_T")


class Hours:
    """Benign rows of one day, built an hour at a time from activities and sorted."""

    def __init__(self, world: World, rng: Random, day: datetime) -> None:
        self.rng, self.random, self.bits = rng, rng.random, rng.getrandbits
        self.scale, self.staff = world.scale, staff_rhythm(day)
        clients = staff_clients(world)
        self.clients = [c for c in clients if not c.remote]
        self.remote = [c.ip for c in clients if c.remote]
        self.out: list[Row] = []

    def plan(self, hour: int) -> Plan:
        """What starts in HOUR."""
        raise NotImplementedError

    def rows(self) -> Iterator[Row]:
        for hour in range(24):
            start = hour * 3600
            for rate, activity in self.plan(hour):
                for _ in range(count(self.rng, rate * self.scale)):
                    activity(start + int(self.random() * 3600))
            self.out.sort(key=itemgetter(0))
            yield from self.out
            self.out = []

    def pick(self, seq: Sequence[_T]) -> _T:
        return seq[int(self.random() * len(seq))]


def lognormal(rng: Random, median: float, spread: float) -> list[int]:
    """256 draws of a log-normal size, picked from by 8 random bits per row."""
    mu = math.log(median)
    return sorted(int(rng.lognormvariate(mu, spread)) for _ in range(256))


def days(world: World) -> Iterator[datetime]:
    """Midnight (UTC) of every day of the window."""
    for n in range(world.days):
        yield world.start + timedelta(days=n)


def day_records(day: datetime, rows: Iterator[Row], attack: list[NetRecord]) -> Iterator[NetRecord]:
    """DAY's benign ROWS as records, with the ATTACK records of the day slotted in."""
    end = day + timedelta(days=1)
    pending = [r for r in reversed(attack) if day <= r.time < end]
    seconds, hms, prefix = offsets(), clock(), f"{day:%Y-%m-%d}T"
    for sec, pairs in rows:
        time = day + seconds[sec]
        while pending and pending[-1].time < time:
            yield pending.pop()
        yield NetRecord(time, (("time", f"{prefix}{hms[sec]}Z"), *pairs))
    yield from reversed(pending)


def record(time: datetime, pairs: tuple[Pair, ...], step: str) -> NetRecord:
    """An attack record at TIME."""
    return NetRecord(time, (("time", f"{time:%Y-%m-%dT%H:%M:%S}Z"), *pairs), step)
