"""The whole scenario: determinism, size, ground truth that resolves, and what a hunt finds."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from evtx import PyEvtxParser
from typer.testing import CliRunner

from warroom.cli import app
from warroom.hunt.hunt import BUILTIN_RULES, Hunt, load_rules
from warroom.intel.reader import load_indicators
from warroom.scenario.colt import GROUND_TRUTH, STIX_BUNDLE, generate, parse_size
from warroom.scenario.plan import ATTACKER_IPS

# Steps warroom's own rule pack (src/warroom/hunt/rules/sigma) was written to find.
PACK_FINDS = {"exploit", "exploit_bypass", "key_theft", "webshell", "encoded_powershell"}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("colt") / "evidence"
    generate(out, seed=7, days=3, hosts=6)
    return out


def truth(root: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((root / GROUND_TRUTH).read_text(encoding="utf-8"))
    return loaded


def digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_a_seed_gives_the_same_bytes(scenario: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, seed=7, days=3, hosts=6)
    assert digests(again) == digests(scenario)


def test_another_seed_gives_other_evidence(scenario: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate(other, seed=8, days=3, hosts=6)
    theirs, ours = digests(other), digests(scenario)
    assert theirs.keys() == ours.keys()
    changed = [name for name in ours if theirs[name] != ours[name]]
    assert len(changed) > len(ours) // 2


def test_it_writes_every_kind_of_evidence(scenario: Path) -> None:
    formats = {f["format"] for f in truth(scenario)["files"]}
    assert formats == {"evtx", "w3c", "csv"}
    for written in truth(scenario)["files"]:
        assert (scenario / written["path"]).stat().st_size == written["bytes"]


def test_every_step_is_in_the_evidence_and_resolves_to_its_record(scenario: Path) -> None:
    for step in truth(scenario)["steps"]:
        assert step["evidence"], f"step {step['id']} left no evidence"
        for place in step["evidence"]:
            text = _entry(scenario / place["file"], place)
            assert text, (step["id"], place)


def _entry(path: Path, place: dict[str, Any]) -> str:
    """The record or line PLACE names in PATH, as text ("" when there is none)."""
    if "record" in place:
        return _records(path).get(place["record"], "")
    lines = _lines(path)
    return lines[place["line"] - 1] if place["line"] <= len(lines) else ""


@functools.cache
def _records(path: Path) -> dict[int, str]:
    parsed = PyEvtxParser(str(path)).records_json()
    return {r["event_record_id"]: str(r["data"]) for r in parsed if r is not None}


@functools.cache
def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_web_steps_point_at_the_attackers_requests(scenario: Path) -> None:
    steps = {step["id"]: step for step in truth(scenario)["steps"]}
    for step_id in ("exploit", "exploit_bypass", "key_theft"):
        lines = [
            _entry(scenario / p["file"], p)
            for p in steps[step_id]["evidence"]
            if p["file"].startswith("iis/")
        ]
        assert lines, step_id
        assert all(any(f" {ip} " in line for ip in ATTACKER_IPS) for line in lines)
    (exploit,) = [
        _entry(scenario / p["file"], p)
        for p in steps["exploit"]["evidence"]
        if p["file"].startswith("iis/")
    ]
    assert "POST /_layouts/15/ToolPane.aspx DisplayMode=Edit&a=/ToolPane.aspx" in exploit
    assert "/_layouts/SignOut.aspx" in exploit


def test_the_stix_bundle_is_read_as_indicators(scenario: Path) -> None:
    indicators = load_indicators([scenario / STIX_BUNDLE])
    assert not indicators.errors
    values = {indicator.value for indicator in indicators}
    assert {"107.191.58.76", "spinstall0.aspx", "update.updatemicfosoft.com"} <= values


def _findings_by_step(root: Path, rules: Any) -> Iterator[tuple[str, int, int]]:
    """(step, places, places found) for every step, after hunting ROOT with RULES."""
    result = Hunt([root], matchers=rules.matchers, jobs=1).run()
    found = {(f.origin.path, f.origin.position) for f in result.findings}
    for step in truth(root)["steps"]:
        places = [(str(root / p["file"]), p.get("record", p.get("line"))) for p in step["evidence"]]
        yield step["id"], len(places), sum(1 for place in places if place in found)


def test_warroom_rule_pack_finds_every_step_it_has_a_rule_for(scenario: Path) -> None:
    rules = load_rules(sigma=[BUILTIN_RULES])
    recall = {step: (hit, total) for step, total, hit in _findings_by_step(scenario, rules)}
    print("\nrecall per step, warroom's rule pack:")
    for step, (hit, total) in recall.items():
        print(f"  {step:20} {hit}/{total}")
    missed = [step for step in PACK_FINDS if recall[step][0] == 0]
    assert not missed, f"the rule pack missed {missed}"


@pytest.mark.skipif(not os.environ.get("WARROOM_SIGMA_DIR"), reason="WARROOM_SIGMA_DIR is not set")
def test_sigmahq_rules_recall_is_reported(scenario: Path) -> None:
    sigma = Path(os.environ["WARROOM_SIGMA_DIR"]) / "rules"
    rules = load_rules(sigma=[sigma / "windows", sigma / "web", BUILTIN_RULES])
    print("\nrecall per step, SigmaHQ windows + web rules and warroom's pack:")
    detected = 0
    for step, total, hit in _findings_by_step(scenario, rules):
        detected += hit > 0
        print(f"  {step:20} {hit}/{total}")
    assert detected >= len(PACK_FINDS)


def test_size_is_hit_within_five_percent(tmp_path: Path) -> None:
    wanted = 24 * 10**6
    report = generate(tmp_path / "sized", seed=3, days=3, hosts=6, size=wanted)
    on_disk = sum(p.stat().st_size for p in (tmp_path / "sized").rglob("*") if p.is_file())
    assert abs(report.bytes - wanted) <= wanted * 0.05, report.bytes
    assert on_disk >= report.bytes


def test_a_size_too_small_for_the_attack_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="too small"):
        generate(tmp_path / "tiny", seed=3, days=3, hosts=6, size=10_000)


def test_it_will_not_write_into_a_directory_with_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="not empty"):
        generate(tmp_path, seed=1, days=3, hosts=6)
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("text", "size"),
    [("2GB", 2 * 10**9), ("300MB", 300 * 10**6), ("1.5GiB", int(1.5 * 2**30)), ("750k", 750_000)],
)
def test_sizes_are_read_with_their_units(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "GB", "-1MB", "2TB", "lots"])
def test_bad_sizes_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a size"):
        parse_size(text)


def test_jsonl_format_holds_the_same_events(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "jsonl"
    generate(out, seed=7, days=3, hosts=6, fmt="jsonl")
    theirs = {f["path"].removesuffix(".jsonl"): f["entries"] for f in truth(out)["files"]}
    ours = {f["path"].removesuffix(".evtx"): f["entries"] for f in truth(scenario)["files"]}
    assert theirs == ours
    rules = load_rules(sigma=[BUILTIN_RULES])
    recall = {step: hit for step, _, hit in _findings_by_step(out, rules)}
    assert all(recall[step] for step in PACK_FINDS)


def test_command_line_writes_the_scenario(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    result = CliRunner().invoke(
        app, ["scenario", "colt", "--out", str(out), "--seed", "2", "--days", "3", "--hosts", "6"]
    )
    assert result.exit_code == 0, result.output
    assert "18 of 18 attack steps in the evidence" in result.output
    assert (out / GROUND_TRUTH).is_file()


def test_command_line_refuses_a_bad_size(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["scenario", "colt", "--out", str(tmp_path / "x"), "--size", "lots"]
    )
    assert result.exit_code == 2
    assert "not a size" in result.output
