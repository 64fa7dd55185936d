"""The `colt` scenario written out: every evidence file, the ground truth, at the size asked for.

    report = generate(Path("evidence"), seed=7, days=7, hosts=8, size=2 * 10**9)

The generators (`windows`, `web`, `network`) yield the entries of one evidence file at a time
in time order, and each file is written as it is generated, so memory stays flat whatever the
size. Entries that show an attack step carry its id; the writers say where each one landed
(EVTX record number, line of a text log), and those places go into `ground_truth.json` with
the steps' times, hosts, ATT&CK techniques and indicators. The indicators and techniques are
also written as a STIX 2.1 bundle (`ground_truth.stix.json`) that `warroom hunt --iocs` reads.

Size: benign volume is linear in `World.scale`, so two small probe runs (into a scratch
directory) give bytes as a straight line of the scale, and the real run uses the scale that
line says hits the requested size. Everything that varies comes from the seed: no wall clock,
no set or dict order, no host name reaches the output, so a seed gives the same bytes.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from warroom.scenario.model import World
from warroom.scenario.plan import build_world

__all__ = ["FileWritten", "Report", "generate", "parse_size"]

Format = Literal["evtx", "jsonl"]
GROUND_TRUTH = "ground_truth.json"
STIX_BUNDLE = "ground_truth.stix.json"
_PROBES = (0.03, 0.1)  # below 0.03, EVTX chunks (64 KiB) make size grow slower than scale
_NAMESPACE = uuid.UUID("6f1d2c3e-8a47-4b59-9c1e-3d2f0a7b5e61")  # warroom scenario ids


@dataclass(frozen=True, slots=True)
class FileWritten:
    """One evidence file: where, in which format, how big, how many records or lines."""

    path: str  # relative to the output directory, with "/" separators
    format: str  # "evtx", "jsonl", "w3c", "csv"
    bytes: int
    entries: int


@dataclass
class Report:
    """What `generate` wrote."""

    world: World
    files: list[FileWritten] = field(default_factory=list)
    evidence: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # step -> places

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)


Progress = Callable[[int], None]  # told the bytes written so far


def parse_size(text: str) -> int:
    """Bytes from "2GB", "300MB", "1.5GiB", "750k" (K/M/G powers of 1000, KiB/MiB/GiB of 1024)."""
    units = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9}
    units |= {"gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}
    cleaned = text.strip().lower().replace(" ", "")
    number = cleaned.rstrip("kmgib")
    unit = cleaned[len(number) :]
    try:
        value = float(number)
    except ValueError:
        value = -1.0
    if unit not in units or value <= 0:
        raise ValueError(f"not a size: {text!r} (try 500MB or 2GB)")
    return int(value * units[unit])


def generate(
    out: Path,
    *,
    seed: int = 1,
    days: int = 7,
    hosts: int = 8,
    size: int | None = None,
    fmt: Format = "evtx",
    progress: Progress | None = None,
) -> Report:
    """Write the scenario for SEED into OUT (created; must be empty), SIZE bytes if given."""
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty: the scenario is written into a new directory")
    world = build_world(seed, days, hosts)
    if size is not None:
        world.scale = _scale_for(world, size, fmt)
    out.mkdir(parents=True, exist_ok=True)
    report = _write_all(out, world, fmt, progress)
    _write_ground_truth(out, report)
    return report


def _scale_for(world: World, size: int, fmt: Format) -> float:
    """The scale at which WORLD's evidence comes to SIZE bytes, from two probe runs."""
    measured = []
    with tempfile.TemporaryDirectory(prefix="warroom-scenario-probe-") as scratch:
        for scale in _PROBES:
            probe = Path(scratch, str(scale))
            probe.mkdir()
            measured.append(_write_all(probe, replace(world, scale=scale), fmt, None).bytes)
            shutil.rmtree(probe)
    (s1, s2), (b1, b2) = _PROBES, measured
    slope = (b2 - b1) / (s2 - s1)
    fixed = b1 - slope * s1
    if slope <= 0 or size <= fixed:
        raise ValueError(
            f"--size {size:,} bytes is too small for {len(world.hosts)} hosts over {world.days} "
            f"days: the attack and the files' own overhead take {fixed:,.0f} bytes"
        )
    return (size - fixed) / slope


def _write_all(out: Path, world: World, fmt: Format, progress: Progress | None) -> Report:
    from warroom.scenario import network, web, windows

    report = Report(world)
    for relative, events in windows.evtx_files(world):
        if fmt == "jsonl":
            relative = relative.removesuffix(".evtx") + ".jsonl"
            _record(report, _write_jsonl(out, relative, events, report), progress)
        else:
            _record(report, _write_evtx(out, relative, events, report), progress)
    for relative, requests in web.iis_files(world):
        with _create(out, relative) as stream:
            on_step, count = _places(report, relative, "line")
            web.write_w3c(stream, _day_of(relative), _counted(requests, count), on_step)
        _record(report, _written(out, relative, "w3c", count), progress)
    for files in (network.firewall_files(world), network.proxy_files(world)):
        for relative, records in files:
            path = _target(out, relative)
            with path.open("w", encoding="utf-8", newline="") as stream:
                on_step, count = _places(report, relative, "line")
                network.write_csv(stream, _counted(records, count), on_step)
            _record(report, _written(out, relative, "csv", count), progress)
    for name, text in sorted(network.column_maps().items()):
        _target(out, name).write_text(text, encoding="utf-8")
    return report


def _write_evtx(out: Path, relative: str, events: Iterable[Any], report: Report) -> FileWritten:
    from warroom.scenario.evtx_writer import EvtxWriter

    count = 0
    with _create(out, relative) as stream, EvtxWriter(stream) as writer:
        for event in events:
            record = writer.write(event)
            count += 1
            if event.step is not None:
                _place(report, event.step, relative, "record", record)
    return _written(out, relative, "evtx", [count])


def _write_jsonl(out: Path, relative: str, events: Iterable[Any], report: Report) -> FileWritten:
    """Events in evtx's JSON rendering, one record a line, as `evtx_dump -o jsonl` writes."""
    from evtx import PyEvtxParser

    from warroom.scenario.evtx_writer import EvtxWriter

    steps: dict[int, str] = {}
    with tempfile.TemporaryFile() as scratch:
        with EvtxWriter(scratch) as writer:
            for event in events:
                record = writer.write(event)
                if event.step is not None:
                    steps[record] = event.step
        scratch.seek(0)
        count = 0
        with _create(out, relative) as stream:
            for rendered in PyEvtxParser(scratch).records_json():
                if rendered is None:
                    raise RuntimeError(f"{relative}: the EVTX writer wrote an unreadable record")
                count += 1
                line = json.dumps(json.loads(rendered["data"]), ensure_ascii=False)
                stream.write(line.encode() + b"\n")
                step = steps.get(rendered["event_record_id"])
                if step is not None:
                    _place(report, step, relative, "line", count)
    return _written(out, relative, "jsonl", [count])


def _create(out: Path, relative: str) -> Any:
    return _target(out, relative).open("wb")


def _target(out: Path, relative: str) -> Path:
    path = out / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _places(
    report: Report, relative: str, unit: str
) -> tuple[Callable[[str, int], None], list[int]]:
    """A writer's on_step callback for RELATIVE, and a one-item list counting its entries."""

    def on_step(step: str, number: int) -> None:
        _place(report, step, relative, unit, number)

    return on_step, [0]


def _counted(entries: Iterable[Any], count: list[int]) -> Iterator[Any]:
    for entry in entries:
        count[0] += 1
        yield entry


def _place(report: Report, step: str, relative: str, unit: str, number: int) -> None:
    report.evidence.setdefault(step, []).append({"file": relative, unit: number})


def _written(out: Path, relative: str, fmt: str, count: list[int]) -> FileWritten:
    return FileWritten(relative, fmt, (out / relative).stat().st_size, count[0])


def _record(report: Report, written: FileWritten, progress: Progress | None) -> None:
    report.files.append(written)
    if progress is not None:
        progress(report.bytes)


def _day_of(relative: str) -> date:
    """The day of an IIS log from its name, u_exYYMMDD.log."""
    stem = Path(relative).stem.removeprefix("u_ex")
    return date(2000 + int(stem[:2]), int(stem[2:4]), int(stem[4:6]))


def _write_ground_truth(out: Path, report: Report) -> None:
    world = report.world
    steps = [
        {
            "id": step.id,
            "name": step.name,
            "time": _iso(step.time),
            "host": step.host,
            "technique": step.technique,
            "indicators": [{"type": kind, "value": value} for kind, value in step.indicators],
            "evidence": report.evidence.get(step.id, []),
        }
        for step in world.steps
    ]
    truth = {
        "scenario": "colt",
        "seed": world.seed,
        "scale": round(world.scale, 6),
        "window": {"start": _iso(world.start), "end": _iso(world.end)},
        "organisation": world.org,
        "hosts": [
            {"name": h.name, "ip": h.ip, "role": h.role, "public_ip": h.public_ip}
            for h in world.hosts
        ],
        "steps": steps,
        "files": [_fields(f) for f in report.files],
    }
    (out / GROUND_TRUTH).write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    bundle = stix_bundle(world)
    (out / STIX_BUNDLE).write_text(json.dumps(bundle, indent=2) + "\n", encoding="utf-8")


def _fields(written: FileWritten) -> dict[str, Any]:
    return {f: getattr(written, f) for f in FileWritten.__slots__}


def stix_bundle(world: World) -> dict[str, Any]:
    """The attack's indicators and techniques as a STIX 2.1 bundle, ids fixed by the seed."""
    objects: list[dict[str, Any]] = []
    techniques: dict[str, str] = {}
    for step in world.steps:
        if step.technique not in techniques:
            techniques[step.technique] = _id("attack-pattern", world.seed, step.technique)
            objects.append(
                {
                    "type": "attack-pattern",
                    "spec_version": "2.1",
                    "id": techniques[step.technique],
                    "created": _iso(world.start),
                    "modified": _iso(world.start),
                    "name": step.technique,
                    "external_references": [
                        {"source_name": "mitre-attack", "external_id": step.technique}
                    ],
                }
            )
        for kind, value in step.indicators:
            indicator = _id("indicator", world.seed, step.id, kind, value)
            objects.append(
                {
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": indicator,
                    "created": _iso(step.time),
                    "modified": _iso(step.time),
                    "name": f"{step.name} ({value})",
                    "indicator_types": ["malicious-activity"],
                    "pattern": _pattern(kind, value),
                    "pattern_type": "stix",
                    "valid_from": _iso(step.time),
                }
            )
            objects.append(
                {
                    "type": "relationship",
                    "spec_version": "2.1",
                    "id": _id("relationship", world.seed, indicator),
                    "created": _iso(step.time),
                    "modified": _iso(step.time),
                    "relationship_type": "indicates",
                    "source_ref": indicator,
                    "target_ref": techniques[step.technique],
                }
            )
    return {"type": "bundle", "id": _id("bundle", world.seed), "objects": objects}


def _pattern(kind: str, value: str) -> str:
    """A STIX pattern for an indicator written as ("ipv4-addr", value) or ("file:name", ...)."""
    quoted = value.replace("\\", "\\\\").replace("'", "\\'")
    path = kind if ":" in kind else f"{kind}:value"
    return f"[{path} = '{quoted}']"


def _id(kind: str, *parts: object) -> str:
    return f"{kind}--{uuid.uuid5(_NAMESPACE, '/'.join(map(str, parts)))}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
