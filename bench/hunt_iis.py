"""IIS logs through the hunt: MB/s of the W3C parser, of collection, and with every rule.

    .venv/bin/python bench/hunt_iis.py [--mb 300] [--batch 20000] [--profile]

Generates W3C logs of about --mb megabytes in a temporary directory (the default IIS 10 layout,
realistic SharePoint traffic with a few ToolShell lines), then measures, each over all of them:

1. the W3C source alone (``W3cSource.events``);
2. collection (``collect.iter_events``: walking, sniffing, the source);
3. the full hunt of one web server: collection, then every SigmaHQ webserver rule
   (``rules/web`` of $WARROOM_SIGMA_DIR) and a 10,000-entry indicator list (IocMatcher), in
   batches as the orchestrator runs them;
4. the same through `Hunt` with one worker process per core, the daily files shared out.

--profile prints where the parser's time goes (cProfile, top functions). The target (issue #3) is
at least 100 MB/s for step 3.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warroom.hunt.collect import iter_events
from warroom.hunt.hunt import Hunt, batches
from warroom.hunt.matcher import Matcher
from warroom.hunt.source import Problems
from warroom.hunt.sources.w3c import W3cSource

SEED = 2025
HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\n"
    "#Version: 1.0\n"
    "#Date: {date} 00:00:00\n"
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n"
)
STEMS = [
    "/",
    "/_layouts/15/start.aspx",
    "/_layouts/15/viewlsts.aspx",
    "/_layouts/15/images/spcommon.png",
    "/_layouts/15/init.js",
    "/_vti_bin/client.svc/ProcessQuery",
    "/_api/web/lists",
    "/sites/finance/Shared+Documents/Forms/AllItems.aspx",
    "/sites/it/SitePages/Home.aspx",
    "/_layouts/15/userphoto.aspx",
    "/favicon.ico",
]
QUERIES = [
    "-",
    "-",
    "-",
    "Source=%2Fsites%2Ffinance",
    "$select=Title,Id&$top=100",
    "size=S&accountname=CORP%5Calice",
    "RootFolder=%2Fsites%2Fit%2FShared+Documents&View={8A5B}",
]
AGENTS = [
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+(KHTML,+like+Gecko)"
    "+Chrome/126.0.0.0+Safari/537.36+Edg/126.0.0.0",
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64;+rv:128.0)+Gecko/20100101+Firefox/128.0",
    "Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.17726;+Pro)",
    "Mozilla/4.0+(compatible;+MS+FrontPage+15.0)",
]
TOOLSHELL = [
    "POST /_layouts/15/ToolPane.aspx DisplayMode=Edit&a=/ToolPane.aspx 443 - 107.191.58.76 "
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64;+rv:120.0)+Gecko/20100101+Firefox/120.0 "
    "/_layouts/SignOut.aspx 200 0 0 312",
    "GET /_layouts/15/spinstall0.aspx - 443 - 107.191.58.76 "
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64;+rv:120.0)+Gecko/20100101+Firefox/120.0 "
    "/_layouts/SignOut.aspx 200 0 0 15",
]


def _tails(rng: random.Random, count: int) -> list[str]:
    """COUNT distinct line tails (everything after date, time and s-ip)."""
    tails = []
    for _ in range(count):
        method = rng.choice(["GET"] * 8 + ["POST", "HEAD"])
        user = rng.choice(["-", "-", "CORP\\alice", "0#.w|corp\\bob"])
        client = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        referer = rng.choice(["-", "https://sp.corp.example/sites/it/SitePages/Home.aspx"])
        status = rng.choice([200] * 10 + [302, 304, 401, 404])
        tails.append(
            f"{method} {rng.choice(STEMS)} {rng.choice(QUERIES)} 443 {user} {client} "
            f"{rng.choice(AGENTS)} {referer} {status} 0 0 {rng.randrange(1, 900)}"
        )
    return tails


def generate(directory: Path, megabytes: int) -> int:
    """Daily IIS logs of about MEGABYTES in DIRECTORY; the number of bytes written."""
    rng = random.Random(SEED)
    tails = _tails(rng, 5000)
    day_size = 50 * 1024 * 1024
    written, day = 0, datetime(2025, 7, 1, tzinfo=UTC)
    while written < megabytes * 1024 * 1024:
        path = directory / f"u_ex{day:%y%m%d}.log"
        written += _write_day(path, day, tails, rng, min(day_size, megabytes * 1024 * 1024))
        day += timedelta(days=1)
    return written


def _write_day(path: Path, day: datetime, tails: list[str], rng: random.Random, size: int) -> int:
    lines = [HEADER.format(date=f"{day:%Y-%m-%d}")]
    total, second = len(lines[0]), 0
    while total < size:
        stamp = day + timedelta(seconds=second // 20)
        tail = rng.choice(TOOLSHELL) if rng.random() < 1e-5 else rng.choice(tails)
        line = f"{stamp:%Y-%m-%d %H:%M:%S} 10.0.0.5 {tail}\n"
        lines.append(line)
        total += len(line)
        second += 1
    path.write_text("".join(lines), encoding="utf-8")
    return total


def parser_only(files: list[Path]) -> int:
    """Events read by the W3C source alone over FILES."""
    count = 0
    source = W3cSource()
    for path in files:
        with path.open("rb") as stream:
            for _ in source.events(stream, str(path), Problems()):
                count += 1
    return count


def collect_only(directory: Path) -> int:
    """Events read through collection (walk, sniff, source) over DIRECTORY."""
    return sum(1 for _ in iter_events([directory], Problems()))


def full_hunt(directory: Path, matchers: list[Matcher], batch: int) -> tuple[int, int]:
    """(events, findings) of every matcher over the events of DIRECTORY, in batches."""
    events = findings = 0
    for chunk in batches(iter_events([directory], Problems()), batch):
        events += len(chunk)
        for matcher in matchers:
            findings += sum(1 for _ in matcher.scan(chunk))
    return events, findings


def parallel_hunt(directory: Path, matchers: list[Matcher], batch: int, jobs: int) -> str:
    """(events, findings) of a Hunt sharing the files of DIRECTORY among JOBS processes."""
    result = Hunt([directory], matchers=matchers, batch_size=batch, jobs=jobs).run()
    return f"({result.stats.events}, {len(result.findings)})"


def sigma_matcher() -> tuple[Matcher | None, str]:
    """The SigmaHQ webserver rules as a matcher, or None and why not."""
    sigma_dir = os.environ.get("WARROOM_SIGMA_DIR")
    if not sigma_dir:
        return None, "WARROOM_SIGMA_DIR is not set"
    try:
        from warroom.hunt.matchers.sigma import SigmaMatcher, SigmaRules
    except ImportError as error:
        return None, f"Sigma matcher missing: {error}"
    started = time.perf_counter()
    rules = SigmaRules.load([Path(sigma_dir) / "rules" / "web"])
    took = time.perf_counter() - started
    note = f"{len(rules.rules)} rules, {len(rules.errors)} errors, compiled in {took:.2f} s"
    return SigmaMatcher(rules), note


def ioc_matcher(directory: Path, count: int = 10_000) -> tuple[Matcher | None, str]:
    """An IocMatcher over COUNT generated indicators, or None and why not."""
    try:
        from warroom.hunt.matchers.ioc import IocMatcher
        from warroom.intel.reader import load_indicators
    except ImportError as error:
        return None, f"IOC matcher missing: {error}"
    rng = random.Random(SEED)
    lines = ["107.191.58.76", "104.238.159.149", "update.updatemicfosoft.com"]
    while len(lines) < count:
        kind = rng.randrange(3)
        if kind == 0:
            lines.append(f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.1")
        elif kind == 1:
            lines.append(f"host{rng.randrange(10**9)}.example-{rng.randrange(999)}.com")
        else:
            lines.append(f"{rng.getrandbits(256):064x}")
    path = directory.parent / "iocs.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    indicators = load_indicators([path])
    return IocMatcher(indicators), f"{len(indicators)} indicators"


def timed(label: str, size: int, run: Callable[[], object]) -> None:
    """Run RUN once and print its MB/s over SIZE bytes."""
    started = time.perf_counter()
    result = run()
    took = time.perf_counter() - started
    mb = size / 1024 / 1024
    print(f"| {label} | {mb:,.0f} MB | {took:.1f} s | {mb / took:,.1f} MB/s | {result} |")


def profile(files: list[Path]) -> None:
    """Where the W3C parser's time goes, over the first file."""
    profiler = cProfile.Profile()
    profiler.runcall(parser_only, files[:1])
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=300, help="megabytes of logs to generate")
    parser.add_argument("--batch", type=int, default=20_000, help="events per matcher batch")
    parser.add_argument("--profile", action="store_true", help="profile the W3C parser")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="warroom-bench-iis-") as tmp:
        logs = Path(tmp, "W3SVC1")
        logs.mkdir()
        size = generate(logs, args.mb)
        files = sorted(logs.iterdir())
        sigma, sigma_note = sigma_matcher()
        ioc, ioc_note = ioc_matcher(logs)
        print(f"IIS logs: {size / 1024 / 1024:,.0f} MB in {len(files)} files")
        print(f"Sigma: {sigma_note}\nIOC: {ioc_note}\n")
        print("| step | size | time | speed | result |\n|---|---|---|---|---|")
        timed("W3C parser alone (events)", size, lambda: parser_only(files))
        timed("collect.iter_events (events)", size, lambda: collect_only(logs))
        matchers = [m for m in (sigma, ioc) if m is not None]
        for matcher in matchers:
            label = f"collect + {matcher.name} (events, findings)"
            timed(label, size, functools.partial(full_hunt, logs, [matcher], args.batch))
        if len(matchers) > 1:
            label = "collect + all matchers (events, findings)"
            timed(label, size, lambda: full_hunt(logs, matchers, args.batch))
        jobs = len(os.sched_getaffinity(0))
        if matchers and jobs > 1:
            label = f"Hunt, all matchers, {jobs} worker processes (events, findings)"
            run = functools.partial(parallel_hunt, logs, matchers, args.batch, jobs)
            timed(label, size, run)
        if args.profile:
            profile(files)


if __name__ == "__main__":
    main()
