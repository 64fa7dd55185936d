"""Sigma over EVTX: records/s and peak memory with the full SigmaHQ Windows rule set.

    .venv/bin/python bench/hunt_evtx.py [--sigma DIR] [--records 150000 50000] [--batch 20000]

The corpus is SigmaHQ's regression samples read again and again until the wanted number of
records has gone through the parser (so parsing is measured, not a copy in memory). Each corpus
size runs in a child process so that its peak RSS (getrusage maxrss) is its own; flat peak
memory as the corpus grows shows the hunt streams. Rule compile time is reported separately.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sigma", default=os.environ.get("WARROOM_SIGMA_DIR", ""))
    parser.add_argument("--records", type=int, nargs="+", default=[50_000, 150_000])
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.sigma:
        sys.exit("name the SigmaHQ snapshot with --sigma or WARROOM_SIGMA_DIR")
    if args.child:
        print(json.dumps(run_one(Path(args.sigma), args.records[0], args.batch)))
        return
    rows = []
    for records in args.records:
        command = [sys.executable, __file__, "--child", "--sigma", args.sigma]
        command += ["--records", str(records), "--batch", str(args.batch)]
        # The command is this script itself, run again as a child.
        done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
        output = done.stdout
        rows.append(json.loads(output.splitlines()[-1]))
    print("| records | rules (errors, n/a) | compile s | hunt s | records/s | findings | peak MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['records']:,} | {r['rules']:,} ({r['errors']}, {r['not_applicable']}) "
            f"| {r['compile_s']:.1f} | {r['hunt_s']:.1f} | {r['records_per_s']:,.0f} "
            f"| {r['findings']:,} | {r['peak_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
