"""SigmaHQ's regression samples: each rule that names one must fire on it.

Reads the SigmaHQ snapshot only through $WARROOM_SIGMA_DIR (CI sets it). One test per sample
format runs every sample and prints the score, so the number shows in the test output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from warroom.hunt.matchers.sigma import SigmaMatcher, SigmaRules
from warroom.hunt.source import Problems, Source
from warroom.hunt.sources.evtx import EvtxSource
from warroom.hunt.sources.jsonl import JsonlSource

RULE_DIRS = ("rules", "rules-emerging-threats", "rules-threat-hunting")
MINIMUM = 200


@pytest.fixture(scope="module")
def sigma_dir() -> Path:
    value = os.environ.get("WARROOM_SIGMA_DIR")
    if not value:
        pytest.skip("WARROOM_SIGMA_DIR is not set: it names the SigmaHQ snapshot to test with")
    return Path(value)


def rules_with_samples(sigma_dir: Path) -> dict[Path, Path]:
    """Rule file -> its regression info.yml, for every rule that names one."""
    found = {}
    for name in RULE_DIRS:
        for rule in sorted((sigma_dir / name).rglob("*.yml")):
            for line in rule.read_text(encoding="utf-8").splitlines():
                if line.startswith("regression_tests_path:"):
                    found[rule] = sigma_dir / line.split(":", 1)[1].strip()
    return found


def samples(info: Path, suffix: str) -> list[Path]:
    """The sample files an info.yml names, in the wanted rendering (.evtx or .json)."""
    document = yaml.safe_load(info.read_text(encoding="utf-8"))
    root = info.parents[len(Path(document["regression_tests_info"][0]["path"]).parents) - 1]
    return [(root / test["path"]).with_suffix(suffix) for test in document["regression_tests_info"]]


@pytest.mark.parametrize(("source", "suffix"), [(EvtxSource(), ".evtx"), (JsonlSource(), ".json")])
def test_every_regression_sample_fires_its_rule(
    sigma_dir: Path, source: Source, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rules_by_file = rules_with_samples(sigma_dir)
    loaded = SigmaRules.load(list(rules_by_file))
    matcher = SigmaMatcher(loaded)
    ids = {rule.path: rule.id for rule in loaded.rules}
    misses = [f"{error}" for error in loaded.errors]
    fired = 0
    for rule_file, info in rules_by_file.items():
        if str(rule_file) not in ids:
            misses.append(f"{rule_file}: not compiled") if not any(
                e.path == str(rule_file) for e in loaded.errors
            ) else None
            continue
        problems = Problems()
        found: set[str] = set()
        for sample in samples(info, suffix):
            with sample.open("rb") as stream:
                events = list(source.events(stream, str(sample), problems))
            found.update(f.rule_id for f in matcher.scan(events))
        if ids[str(rule_file)] in found:
            fired += 1
        else:
            misses.append(f"{rule_file}: did not fire ({problems.count} problems)")
    total = len(rules_by_file)
    with capsys.disabled():
        print(f"\nregression samples ({suffix}): {fired}/{total} fired")
        for miss in misses:
            print(f"  miss: {miss}")
    assert fired >= MINIMUM, "\n".join(misses)
