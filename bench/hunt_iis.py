"""IIS logs through the hunt: MB/s of the W3C parser, of collection, and with every rule.

    .venv/bin/python bench/hunt_iis.py [--mb 300] [--batch 20000] [--profile]

Writes about --mb megabytes of the colt scenario's IIS logs (warroom.scenario: the default
IIS 10 layout, a week of SharePoint traffic with the ToolShell requests in it) into a temporary
directory, then measures, each over all of them:

1. the W3C source alone (``W3cSource.events``);
2. collection (``collect.iter_events``: walking, sniffing, the source);
3. the full hunt of one web server: collection, then every SigmaHQ webserver rule
   (``rules/web`` of $WARROOM_SIGMA_DIR) and a 10,000-entry indicator list (IocMatcher), in
   batches as the orchestrator runs them;
4. the same through `Hunt`, which reads the logs as Arrow tables (``W3cSource.tables``) that
   the matchers evaluate without an object per line, in one process and with one worker
   process per core (the daily files shared out).

--profile prints where the parser's time goes (cProfile, top functions). The target (issue #3) is
at least 100 MB/s for the whole hunt.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from warroom.hunt.collect import iter_events
from warroom.hunt.hunt import Hunt, batches
from warroom.hunt.matcher import Matcher
from warroom.hunt.source import Problems
from warroom.hunt.sources.w3c import W3cSource
from warroom.scenario import web
from warroom.scenario.model import World
from warroom.scenario.plan import build_world

SEED = 2025


def generate(directory: Path, megabytes: int) -> int:
    """IIS logs of the colt scenario's front ends, about MEGABYTES in all; bytes written.

    The scenario (warroom.scenario) writes a week of realistic SharePoint traffic with the
    ToolShell requests in it; its volume is linear in the world's scale, so one small run
    tells the scale that gives the size asked for.
    """
    world = build_world(seed=SEED, days=7, hosts=6)
    world.scale = 0.1
    probe = _write_iis(directory / "probe", world)
    shutil.rmtree(directory / "probe")
    world.scale = 0.1 * megabytes * 1024 * 1024 / probe
    return _write_iis(directory, world)


def _write_iis(directory: Path, world: World) -> int:
    written = 0
    for relative, requests in web.iis_files(world):
        # One directory of daily files per front end, flattened: u_exYYMMDD_SP-FE01.log.
        host, name = Path(relative).parts[1], Path(relative).name
        path = directory / f"{Path(name).stem}_{host}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        day = date(2000 + int(name[4:6]), int(name[6:8]), int(name[8:10]))
        with path.open("wb") as out:
            web.write_w3c(out, day, requests)
        written += path.stat().st_size
    return written


def parser_only(files: list[Path]) -> int:
    """Events read by the W3C source alone over FILES."""
    count = 0
    source = W3cSource()
    for path in files:
        with path.open("rb") as stream:
            for _ in source.events(stream, str(path), Problems()):
                count += 1
    return count


def tables_only(files: list[Path]) -> int:
    """Rows read by the W3C source's columnar reader (``W3cSource.tables``) over FILES."""
    count = 0
    source = W3cSource()
    for path in files:
        with path.open("rb") as stream:
            for table in source.tables(stream, str(path), Problems(), 200_000):
                count += len(table)
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
        timed("W3C parser, an Event per line (events)", size, lambda: parser_only(files))
        timed("W3C parser, Arrow tables (rows)", size, lambda: tables_only(files))
        timed("collect.iter_events (events)", size, lambda: collect_only(logs))
        matchers = [m for m in (sigma, ioc) if m is not None]
        for matcher in matchers:
            label = f"Events in lists + {matcher.name} (events, findings)"
            timed(label, size, functools.partial(full_hunt, logs, [matcher], args.batch))
        if len(matchers) > 1:
            label = "Events in lists + all matchers (events, findings)"
            timed(label, size, lambda: full_hunt(logs, matchers, args.batch))
        for jobs in sorted({1, len(os.sched_getaffinity(0))}):
            label = f"Hunt (Arrow tables), all matchers, {jobs} process(es) (events, findings)"
            run = functools.partial(parallel_hunt, logs, matchers, args.batch, jobs)
            timed(label, size, run)
        if args.profile:
            profile(files)


if __name__ == "__main__":
    main()
