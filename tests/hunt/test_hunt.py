"""The orchestrator: batches, every matcher, YARA, stats, problems and progress."""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.hunt.errors import HuntError
from warroom.hunt.finding import Finding, Level
from warroom.hunt.hunt import Hunt, Progress, batches, logsource_key
from warroom.hunt.matcher import Matcher
from warroom.hunt.source import Event, LogSource, Origin, Problems

HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\n"
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query c-ip sc-status\n"
)


def iis_log(path: Path, stems: Sequence[str]) -> Path:
    """A W3C log with one GET per stem, a second apart."""
    lines = [
        f"2025-07-19 06:00:{n:02d} 10.0.0.5 GET {stem} - 203.0.113.7 200\n"
        for n, stem in enumerate(stems)
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


class Contains(Matcher):
    """Fires on every event whose URI stem contains NEEDLE; remembers its batch sizes."""

    name = "fake"

    def __init__(self, needle: str, level: Level = Level.HIGH) -> None:
        self.needle = needle
        self.level = level
        self.batches: list[int] = []

    def scan(self, events: Sequence[Event]) -> Iterator[Finding]:
        self.batches.append(len(events))
        for event in events:
            if self.needle in str(event.fields.get("cs-uri-stem")):
                yield Finding(
                    matcher="fake",
                    rule_id=f"contains-{self.needle}",
                    title=f"URI contains {self.needle}",
                    level=self.level,
                    origin=event.origin,
                    time=event.time,
                    host=event.host,
                    fields=event.fields,
                )


class FakeScanner:
    """A file scanner that flags every file whose name contains 'shell'."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, tuple[str, ...]]] = []

    def scan(
        self,
        paths: Sequence[str | Path],
        problems: Problems,
        *,
        max_size: int,
        skip: Sequence[str],
    ) -> Iterator[Finding]:
        self.calls.append((max_size, tuple(skip)))
        for root in paths:
            for path in sorted(Path(root).rglob("*shell*")):
                yield Finding("yara", "webshell", "Webshell", Level.CRITICAL, Origin(str(path), 0))


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    root = tmp_path / "evidence"
    root.mkdir()
    iis_log(root / "u_ex250719.log", ["/a.aspx", "/_layouts/15/ToolPane.aspx", "/b.aspx"])
    iis_log(root / "u_ex250720.log", ["/c.aspx", "/ToolPane.aspx"])
    return root


def test_it_finds_what_every_matcher_finds(evidence: Path) -> None:
    result = Hunt([evidence], matchers=[Contains("ToolPane"), Contains("b.aspx")]).run()
    assert sorted(f.rule_id for f in result.findings) == [
        "contains-ToolPane",
        "contains-ToolPane",
        "contains-b.aspx",
    ]
    assert result.stats.per_rule == {"contains-ToolPane": 2, "contains-b.aspx": 1}


def test_it_hands_events_over_in_batches(evidence: Path) -> None:
    matcher = Contains("ToolPane")
    Hunt([evidence], matchers=[matcher], table_rows=2).run()
    # IIS logs are read as tables, which never span files: 3 lines, then 2.
    assert matcher.batches == [2, 1, 2]


def test_events_of_other_formats_are_batched_across_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        lines = [f'{{"n": {n}, "cs-uri-stem": "/ToolPane.aspx"}}\n' for n in range(3)]
        (tmp_path / f"{name}.jsonl").write_text("".join(lines), encoding="utf-8")
    matcher = Contains("ToolPane")
    Hunt([tmp_path], matchers=[matcher], batch_size=4).run()
    assert matcher.batches == [4, 2]


def test_it_counts_events_files_bytes_and_log_sources(evidence: Path) -> None:
    stats = Hunt([evidence], matchers=[Contains("x")]).run().stats
    assert (stats.files, stats.events) == (2, 5)
    assert stats.bytes == sum(p.stat().st_size for p in evidence.iterdir())
    assert stats.per_logsource == {"webserver/iis": 5}
    assert stats.seconds > 0


def test_it_reports_progress_up_to_every_byte(evidence: Path) -> None:
    seen: list[Progress] = []
    Hunt([evidence], matchers=[Contains("ToolPane")], table_rows=1).run(progress=seen.append)
    assert [p.events for p in seen] == [1, 2, 3, 4, 5, 5]
    assert seen[-1].bytes_done == seen[-1].bytes_total > 0
    assert seen[-1].findings == 2
    assert all(a.bytes_done <= b.bytes_done for a, b in itertools.pairwise(seen))


def test_it_counts_an_archive_once_for_its_members(evidence: Path, tmp_path: Path) -> None:
    archive = tmp_path / "logs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for log in evidence.iterdir():
            zf.write(log, log.name)
    seen: list[Progress] = []
    result = Hunt([archive], matchers=[Contains("ToolPane")]).run(progress=seen.append)
    assert result.stats.files == 2
    assert seen[0].bytes_done == archive.stat().st_size


def test_it_goes_on_past_unreadable_evidence(evidence: Path) -> None:
    (evidence / "garbage.bin").write_bytes(b"\x00\x01 not a log at all \xff" * 10)
    result = Hunt([evidence], matchers=[Contains("ToolPane")]).run()
    assert len(result.findings) == 2
    assert result.problems.count == 1
    assert "garbage.bin" in str(result.problems.skipped[0])


def test_it_runs_yara_over_the_evidence(evidence: Path) -> None:
    (evidence / "spinstall0-shell.aspx").write_text("<% eval %>", encoding="utf-8")
    scanner = FakeScanner()
    result = Hunt([evidence], yara=scanner, yara_max_size=1024, yara_skip=["*.log"]).run()
    assert [f.rule_id for f in result.findings] == ["webshell"]
    assert scanner.calls == [(1024, ("*.log",))]
    assert result.stats.events == 0  # no event matchers: the logs are not even parsed


def test_it_rejects_a_batch_size_below_one(evidence: Path) -> None:
    with pytest.raises(HuntError, match="batch size"):
        Hunt([evidence], batch_size=0)


def test_it_names_log_sources() -> None:
    assert logsource_key(LogSource(product="windows", service="sysmon")) == "windows/sysmon"
    assert logsource_key(LogSource()) == "unknown"


def _event(n: int) -> Event:
    return Event({"n": n}, None, None, LogSource(), Origin("x", n))


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=1, max_value=50))
def test_batches_keep_every_event_in_order(count: int, size: int) -> None:
    events = [_event(n) for n in range(count)]
    found = list(batches(iter(events), size))
    assert [e for batch in found for e in batch] == events
    assert all(len(batch) == size for batch in found[:-1])
    assert all(0 < len(batch) <= size for batch in found)


def test_worker_processes_report_what_one_process_reports(tmp_path: Path) -> None:
    from warroom.hunt.hunt import BUILTIN_RULES, load_rules

    root = tmp_path / "evidence"
    root.mkdir()
    exploit = "/_layouts/15/spinstall0.aspx"
    for day in range(4):
        iis_log(root / f"u_ex2507{day + 10}.log", ["/a.aspx", exploit, "/b.aspx"] * (day + 1))
    (root / "broken.log").write_bytes(b"\x00\xff not a log")
    iocs = tmp_path / "iocs.txt"
    iocs.write_text("203.0.113.7\n", encoding="utf-8")
    rules = load_rules(sigma=[BUILTIN_RULES], iocs=[iocs])
    evidence = [root, tmp_path / "missing"]

    alone = Hunt(evidence, matchers=rules.matchers).run()
    shared = Hunt(evidence, matchers=rules.matchers, jobs=2).run()

    def order(found: list[Finding]) -> list[Finding]:
        # Batches of one process span files; a worker's batches end with its file.
        return sorted(found, key=lambda f: (f.origin, f.matcher, f.rule_id))

    assert order(shared.findings) == order(alone.findings)
    assert {f.matcher for f in alone.findings} == {"sigma", "ioc"}
    assert sorted(shared.problems.skipped) == sorted(alone.problems.skipped)
    assert shared.problems.count == alone.problems.count == 2
    for name in ("events", "files", "bytes", "per_logsource", "per_rule"):
        assert getattr(shared.stats, name) == getattr(alone.stats, name), name


def test_jobs_must_be_positive(evidence: Path) -> None:
    with pytest.raises(HuntError, match="jobs must be at least 1"):
        Hunt([evidence], jobs=0)


def test_rules_that_failed_to_load_travel_to_worker_processes(tmp_path: Path) -> None:
    from warroom.hunt.hunt import BUILTIN_RULES, load_rules

    broken = tmp_path / "rules"
    broken.mkdir()
    (broken / "bad.yml").write_text("title: [unclosed\n", encoding="utf-8")
    rules = load_rules(sigma=[BUILTIN_RULES, broken])
    assert rules.errors
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    for day in (10, 11):
        iis_log(evidence / f"u_ex2507{day}.log", ["/_layouts/15/spinstall0.aspx"])
    alone = Hunt([evidence], matchers=rules.matchers).run()
    shared = Hunt([evidence], matchers=rules.matchers, jobs=2).run()
    assert len(shared.findings) == len(alone.findings) == 4  # two rules, two lines
