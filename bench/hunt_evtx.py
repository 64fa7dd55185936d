"""Sigma over EVTX: records/s and peak memory with the full SigmaHQ Windows rule set.

    .venv/bin/python bench/hunt_evtx.py [--sigma DIR] [--records 50000 150000] [--batch 20000]

Two corpora, two tables:

1. SigmaHQ's regression samples read again and again until the wanted number of records has
   gone through the parser (so parsing is measured, not a copy in memory). The worst case:
   every record is an attack some rule was written for, and every file holds one or two
   records, so per-file costs count as much as per-record ones.
2. The `colt` scenario (warroom.scenario) at about the same number of EVTX records: a week
   of a provider's Security, Sysmon and System logs, mostly benign, with the attack in them;
   hunted through `Hunt` with one process and with one worker process per core.

Each run is a child process so that its peak RSS (getrusage maxrss) is its own; flat peak
memory as the corpus grows shows the hunt streams. With worker processes the peak is the
parent's plus each worker's (the largest worker's times their number). Rule compile time is
reported separately.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from warroom.hunt.matchers.sigma import SigmaMatcher, SigmaRules
from warroom.hunt.source import Event, Problems
from warroom.hunt.sources.evtx import EvtxSource


def windows_rule_paths(sigma: Path) -> list[Path]:
    """rules/windows plus the Windows rules of the emerging-threats and hunting sets."""
    paths = [sigma / "rules" / "windows"]
    for extra in ("rules-emerging-threats", "rules-threat-hunting"):
        paths += [
            p for p in sorted((sigma / extra).rglob("*.yml")) if "product: windows" in p.read_text()
        ]
    return paths


def corpus(sigma: Path, records: int) -> Iterator[Event]:
    """RECORDS events parsed from the regression samples, cycling through them."""
    samples = sorted((sigma / "regression_data").rglob("*.evtx"))
    source, problems, count = EvtxSource(), Problems(), 0
    while True:
        for sample in samples:
            with sample.open("rb") as stream:
                for event in source.events(stream, str(sample), problems):
                    yield event
                    count += 1
                    if count >= records:
                        return


def run_one(sigma: Path, records: int, batch: int) -> dict[str, float]:
    """Compile, then hunt RECORDS records; timings and peak memory as a dict."""
    start = time.perf_counter()
    rules = SigmaRules.load(windows_rule_paths(sigma))
    matcher = SigmaMatcher(rules)
    compile_s = time.perf_counter() - start
    start, findings, pending = time.perf_counter(), 0, []
    for event in corpus(sigma, records):
        pending.append(event)
        if len(pending) >= batch:
            findings += sum(1 for _ in matcher.scan(pending))
            pending = []
    findings += sum(1 for _ in matcher.scan(pending))
    hunt_s = time.perf_counter() - start
    return {
        "records": records,
        "rules": len(rules.rules),
        "errors": len(rules.errors),
        "not_applicable": rules.not_applicable,
        "compile_s": compile_s,
        "hunt_s": hunt_s,
        "records_per_s": records / hunt_s,
        "findings": findings,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def scenario_run(sigma: Path, records: int, batch: int, jobs: int) -> dict[str, float]:
    """Hunt the EVTX files of a colt scenario of about RECORDS records with JOBS processes."""
    import tempfile

    from warroom.hunt.hunt import Hunt
    from warroom.scenario.colt import generate

    with tempfile.TemporaryDirectory(prefix="warroom-bench-evtx-") as tmp:
        # About 1,100 bytes an EVTX record (writer's chunks included); --size counts the
        # IIS, firewall and proxy logs too, so the EVTX share is measured, not assumed.
        report = generate(Path(tmp, "colt"), seed=1, days=7, hosts=12, size=records * 1_600)
        evtx = sum(f.entries for f in report.files if f.format == "evtx")
        start = time.perf_counter()
        rules = SigmaRules.load(windows_rule_paths(sigma))
        matcher = SigmaMatcher(rules)
        compile_s = time.perf_counter() - start
        start = time.perf_counter()
        result = Hunt(
            [Path(tmp, "colt", "evtx")], matchers=[matcher], batch_size=batch, jobs=jobs
        ).run()
        hunt_s = time.perf_counter() - start
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if jobs > 1 else 0
    return {
        "records": result.stats.events,
        "evtx_written": evtx,
        "jobs": jobs,
        "rules": len(rules.rules),
        "compile_s": compile_s,
        "hunt_s": hunt_s,
        "records_per_s": result.stats.events / hunt_s,
        "findings": len(result.findings),
        "peak_mb": parent + jobs * worker if jobs > 1 else parent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sigma", default=os.environ.get("WARROOM_SIGMA_DIR", ""))
    parser.add_argument("--records", type=int, nargs="+", default=[50_000, 150_000])
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scenario-jobs", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.sigma:
        sys.exit("name the SigmaHQ snapshot with --sigma or WARROOM_SIGMA_DIR")
    if args.scenario_jobs:
        jobs, records = args.scenario_jobs, args.records[0]
        print(json.dumps(scenario_run(Path(args.sigma), records, args.batch, jobs)))
        return
    if args.child:
        print(json.dumps(run_one(Path(args.sigma), args.records[0], args.batch)))
        return
    rows = [child(args, records, ["--child"]) for records in args.records]
    print("Regression samples replicated (matcher alone, one process):\n")
    print("| records | rules (errors, n/a) | compile s | hunt s | records/s | findings | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['records']:,} | {r['rules']:,} ({r['errors']}, {r['not_applicable']}) "
            f"| {r['compile_s']:.1f} | {r['hunt_s']:.1f} | {r['records_per_s']:,.0f} "
            f"| {r['findings']:,} | {r['peak_mb']:.0f} |"
        )
    cores = len(os.sched_getaffinity(0))
    print("\nThe colt scenario's EVTX files (Hunt, all Windows rules):\n")
    print("| records | processes | compile s | hunt s | records/s | findings | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for jobs in sorted({1, cores}):
        for records in args.records:
            r = child(args, records, ["--scenario-jobs", str(jobs)])
            print(
                f"| {r['records']:,} | {jobs} | {r['compile_s']:.1f} | {r['hunt_s']:.1f} "
                f"| {r['records_per_s']:,.0f} | {r['findings']:,} | {r['peak_mb']:.0f} |"
            )


def child(args: argparse.Namespace, records: int, flags: list[str]) -> dict[str, Any]:
    """The result of running this script again as a child process with FLAGS."""
    command = [sys.executable, __file__, *flags, "--sigma", args.sigma]
    command += ["--records", str(records), "--batch", str(args.batch)]
    # The command is this script itself, run again as a child.
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


if __name__ == "__main__":
    main()
