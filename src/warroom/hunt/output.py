"""Findings written out: JSON lines, CSV, a Timesketch timeline, and the per-rule summary.

Times are ISO 8601 in UTC everywhere. The Timesketch timeline follows Timesketch's JSONL/CSV
import format: every row has `message`, `datetime` (ISO 8601) and `timestamp_desc`, plus
`timestamp` in microseconds since the epoch and the finding's own fields as extra columns.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from warroom.hunt.finding import Finding, Level

__all__ = [
    "FORMATS",
    "RuleSummary",
    "finding_record",
    "summarise",
    "timesketch_record",
    "write_csv",
    "write_findings",
    "write_jsonl",
    "write_timesketch",
    "write_timesketch_csv",
]

CSV_COLUMNS = (
    "time",
    "level",
    "title",
    "rule_id",
    "matcher",
    "host",
    "source_file",
    "position",
    "unit",
    "tags",
    "author",
    "detail",
    "fields",
)
TIMESKETCH_COLUMNS = (
    "message",
    "datetime",
    "timestamp",
    "timestamp_desc",
    "rule_title",
    "rule_id",
    "level",
    "tags",
    "author",
    "host",
    "source_file",
    "record",
    "matcher",
    "detail",
    "fields",
)


def iso(moment: datetime | None) -> str | None:
    """MOMENT in ISO 8601, UTC (naive times are taken as UTC); None stays None."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _json_default(value: object) -> str:
    # Event fields come straight from the evidence: bytes, datetimes and other odd values are
    # written in a readable form rather than failing the whole output file.
    if isinstance(value, datetime):
        return iso(value) or ""
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def dumps(value: object) -> str:
    """VALUE as compact JSON, tolerant of the odd types evidence contains."""
    return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)


def finding_record(finding: Finding) -> dict[str, Any]:
    """FINDING as a flat JSON-ready dict with all its fields."""
    return {
        "time": iso(finding.time),
        "level": str(finding.level),
        "title": finding.title,
        "rule_id": finding.rule_id,
        "matcher": finding.matcher,
        "host": finding.host,
        "source_file": finding.origin.path,
        "position": finding.origin.position,
        "unit": finding.origin.unit,
        "tags": list(finding.tags),
        "author": finding.author,
        "detail": finding.detail,
        "fields": finding.fields,
    }


def write_jsonl(findings: Iterable[Finding], out: TextIO) -> int:
    """Write one JSON object per finding per line; returns how many were written."""
    count = 0
    for finding in findings:
        out.write(dumps(finding_record(finding)) + "\n")
        count += 1
    return count


def write_csv(findings: Iterable[Finding], out: TextIO) -> int:
    """Write findings as CSV with a header; tags `;`-joined, matched fields as a JSON column."""
    # The default RFC 4180 line end (\r\n) also makes the writer quote a lone \r in a value.
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for finding in findings:
        row = finding_record(finding)
        row["tags"] = ";".join(finding.tags)
        row["fields"] = dumps(finding.fields)
        row["time"] = row["time"] or ""
        writer.writerow(row)
        count += 1
    return count


def timesketch_record(finding: Finding, hunt_time: datetime) -> dict[str, Any]:
    """FINDING as a Timesketch event.

    Timesketch refuses events without a time; a finding without one (a YARA hit on a file)
    is placed at HUNT_TIME and says so in `timestamp_desc`.
    """
    moment = finding.time or hunt_time
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    where = f" on {finding.host}" if finding.host else ""
    return {
        "message": f"[{finding.level}] {finding.title}{where} ({finding.origin})",
        "datetime": iso(moment),
        "timestamp": int(moment.timestamp() * 1_000_000),
        "timestamp_desc": "Event Recorded" if finding.time else "Hunt Time",
        "rule_title": finding.title,
        "rule_id": finding.rule_id,
        "level": str(finding.level),
        "tags": list(finding.tags),
        "author": finding.author,
        "host": finding.host or "",
        "source_file": finding.origin.path,
        "record": finding.origin.position,
        "matcher": finding.matcher,
        "detail": finding.detail,
        "fields": finding.fields,
    }


def write_timesketch(findings: Iterable[Finding], out: TextIO, *, hunt_time: datetime) -> int:
    """Write a Timesketch JSONL timeline (import it as a `.jsonl` file)."""
    count = 0
    for finding in findings:
        out.write(dumps(timesketch_record(finding, hunt_time)) + "\n")
        count += 1
    return count


def write_timesketch_csv(findings: Iterable[Finding], out: TextIO, *, hunt_time: datetime) -> int:
    """Write a Timesketch CSV timeline: the mandatory columns first, then the extras."""
    writer = csv.DictWriter(out, fieldnames=TIMESKETCH_COLUMNS)
    writer.writeheader()
    count = 0
    for finding in findings:
        row = timesketch_record(finding, hunt_time)
        row["tags"] = ";".join(finding.tags)
        row["fields"] = dumps(finding.fields)
        writer.writerow(row)
        count += 1
    return count


Writer = Callable[[Iterable[Finding], TextIO, datetime], int]
FORMATS: dict[str, Writer] = {
    "jsonl": lambda findings, out, _now: write_jsonl(findings, out),
    "csv": lambda findings, out, _now: write_csv(findings, out),
    "timesketch": lambda findings, out, now: write_timesketch(findings, out, hunt_time=now),
    "timesketch-csv": lambda findings, out, now: write_timesketch_csv(findings, out, hunt_time=now),
}


def write_findings(findings: Iterable[Finding], out: TextIO, fmt: str, *, now: datetime) -> int:
    """Write FINDINGS to OUT in FMT (a key of FORMATS); returns how many were written."""
    try:
        writer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r}; known: {', '.join(FORMATS)}") from None
    return writer(findings, out, now)


@dataclass
class RuleSummary:
    """One line of the summary table: a rule and what it found."""

    rule_id: str
    title: str
    level: Level
    matcher: str
    author: str
    count: int = 0
    hosts: set[str] = field(default_factory=set)
    first: datetime | None = None
    last: datetime | None = None

    def add(self, finding: Finding) -> None:
        """Count FINDING under this rule."""
        self.count += 1
        if finding.host:
            self.hosts.add(finding.host)
        if finding.time is not None:
            self.first = min(self.first, finding.time) if self.first else finding.time
            self.last = max(self.last, finding.time) if self.last else finding.time


def summarise(findings: Iterable[Finding]) -> list[RuleSummary]:
    """Per rule: level, count, hosts, first and last seen; most severe first, then most hits."""
    rules: dict[tuple[str, str], RuleSummary] = {}
    for finding in findings:
        key = (finding.matcher, finding.rule_id)
        if key not in rules:
            rules[key] = RuleSummary(
                finding.rule_id, finding.title, finding.level, finding.matcher, finding.author
            )
        rules[key].add(finding)
    return sorted(rules.values(), key=lambda rule: (-rule.level, -rule.count, rule.title))
