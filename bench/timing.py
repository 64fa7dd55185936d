"""Timing requests through Django's test client, and the Markdown table of the results."""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

WARMUP = 5


@dataclass
class Result:
    """One scenario: a URL requested many times, or why it could not be."""

    label: str
    url: str
    events: int
    status: str = "ok"
    times_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    size: int | None = None
    baseline: Result | None = None

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.times_ms, n=20, method="inclusive")[18]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.times_ms)


def prepare(client: Client, label: str, url: str, *, events: int) -> Result:
    """Check that URL answers 200 and count its queries; the row says why when it does not.

    Counting queries turns on the debug cursor, which adds to the time, so this request is
    not one of the timed ones.
    """
    result = Result(label, url, events)
    try:
        resolve(urlsplit(url).path)
    except Resolver404:
        result.status = "route missing"
        return result
    try:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
    except Exception as exc:  # a view under construction must not stop the other rows
        result.status = f"error: {type(exc).__name__}: {exc}"[:100]
        return result
    if response.status_code != 200:
        result.status = f"HTTP {response.status_code}"
        return result
    result.queries, result.size = len(captured), len(response.content)
    return result


def time_rounds(probes: list[tuple[Result, Client]], requests: int) -> None:
    """Time REQUESTS requests of every probe, in rounds of one request each.

    Interleaving spreads any slow spell of the machine over all rows alike, so the ratios
    to the baseline hold even when the absolute numbers wobble.
    """
    for round_number in range(WARMUP + requests):
        for result, client in probes:
            started = time.perf_counter()
            client.get(result.url)
            if round_number >= WARMUP:
                result.times_ms.append((time.perf_counter() - started) * 1000)


HEADER = (
    "| Scenario | URL | Events in case | p50 ms | p95 ms | mean ms | p50 vs baseline "
    "| Queries | Response KiB |\n|---|---|--:|--:|--:|--:|--:|--:|--:|"
)


def table(results: list[Result]) -> str:
    """The results as a Markdown table, one row per scenario."""
    return "\n".join([HEADER, *(_row(result) for result in results)])


def _row(r: Result) -> str:
    # A cursor is a long opaque token; the label already says where it points.
    url = re.sub(r"cursor=[^&]+", "cursor=…", r.url)
    start = f"| {r.label} | `{url}` | {r.events:,} |"
    if r.status != "ok":
        return f"{start} {r.status} | | | | | |"
    ratio = ""
    if r.baseline is not None and r.baseline.status == "ok":
        ratio = f"{r.p50 / r.baseline.p50:.1f}x"
    size = (r.size or 0) / 1024
    numbers = f"{r.p50:.1f} | {r.p95:.1f} | {r.mean:.1f} | {ratio} | {r.queries} | {size:.0f}"
    return f"{start} {numbers} |"
