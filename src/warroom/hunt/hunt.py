"""The hunt: evidence streamed through every matcher in batches, YARA over the file trees.

    hunt = Hunt(["evidence/"], matchers=load_rules(sigma=["rules/"]).matchers)
    result = hunt.run(progress=print)

Events are never all held: they are read in batches (lists of 20,000 events, or tables of
200,000 rows from the sources that read straight to columns) and each batch is handed to
every matcher, so that a matcher evaluates many rules per scan of the data and
memory stays flat however large the evidence is. Findings are held, because even a bad day
yields few of them compared with the events.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from warroom.hunt.errors import HuntError, RuleError
from warroom.hunt.finding import Finding
from warroom.hunt.matcher import Matcher
from warroom.hunt.source import Event, EventTable, LogSource, Problems

if TYPE_CHECKING:
    from warroom.hunt.sources.csv import ColumnMap
    from warroom.intel.readers import ReadProblem

__all__ = [
    "BUILTIN_RULES",
    "BUILTIN_YARA",
    "DEFAULT_BATCH_SIZE",
    "FileScanner",
    "Hunt",
    "HuntResult",
    "HuntStats",
    "Progress",
    "RuleSet",
    "load_rules",
]

DEFAULT_BATCH_SIZE = 20_000
DEFAULT_TABLE_ROWS = 200_000
DEFAULT_YARA_MAX_SIZE = 64 * 1024 * 1024
# warroom's own rule packs for the attack chain, shipped inside the package.
BUILTIN_RULES = Path(__file__).resolve().parent / "rules" / "sigma"
BUILTIN_YARA = Path(__file__).resolve().parent / "rules" / "yara"


class FileScanner(Protocol):
    """What the hunt needs of a file matcher (matchers/yara.py's YaraScanner)."""

    def scan(
        self,
        paths: Sequence[str | Path],
        problems: Problems,
        *,
        max_size: int,
        skip: Sequence[str],
    ) -> Iterator[Finding]:
        """The findings in the files under PATHS."""


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the hunt has got; `bytes_total` is 0 when it is not known."""

    bytes_done: int
    bytes_total: int
    events: int
    findings: int
    phase: str  # "events" or "files"


ProgressCallback = Callable[[Progress], None]


@dataclass
class HuntStats:
    """What the hunt read, and how long it took.

    `files` counts evidence files (or archive members) that yielded at least one event;
    `bytes` is the size of the evidence on disk.
    """

    files: int = 0
    events: int = 0
    bytes: int = 0
    seconds: float = 0.0
    per_logsource: Counter[str] = field(default_factory=Counter)
    per_rule: Counter[str] = field(default_factory=Counter)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


@dataclass
class HuntResult:
    """Everything a hunt produced: findings in evidence order, what it skipped, its numbers."""

    findings: list[Finding]
    problems: Problems
    stats: HuntStats


@dataclass
class RuleSet:
    """The matchers built from rule and indicator files, and every file that failed to load."""

    matchers: list[Matcher] = field(default_factory=list)
    yara: FileScanner | None = None
    errors: list[RuleError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # "sigma": 312, "ioc": 10000, ...


def load_rules(
    *,
    sigma: Sequence[str | Path] = (),
    iocs: Sequence[str | Path] = (),
    yara: Sequence[str | Path] = (),
    cache_dir: Path | None = None,
) -> RuleSet:
    """Load Sigma rules, indicator lists and YARA rules into matchers.

    With CACHE_DIR, compiled Sigma rules are kept there between runs (see matchers.sigma).

    A Sigma rule or indicator that cannot be loaded is collected in `errors` (with file:line)
    and the rest still load. YARA rules compile as one set, so a broken YARA file leaves no
    YARA scanner: its RuleError is collected too.
    """
    rules = RuleSet()
    if sigma:
        _load_sigma(rules, sigma, cache_dir)
    if iocs:
        _load_iocs(rules, iocs)
    if yara:
        _load_yara(rules, yara)
    return rules


def _load_sigma(rules: RuleSet, paths: Sequence[str | Path], cache_dir: Path | None) -> None:
    from warroom.hunt.matchers.sigma import SigmaMatcher, SigmaRules

    loaded = SigmaRules.load(paths, cache_dir=cache_dir)
    rules.errors.extend(loaded.errors)
    rules.counts["sigma"] = len(loaded.rules)
    if loaded.rules:
        rules.matchers.append(SigmaMatcher(loaded))


def _load_iocs(rules: RuleSet, paths: Sequence[str | Path]) -> None:
    from warroom.hunt.matchers.ioc import IocMatcher
    from warroom.intel.reader import load_indicators

    indicators = load_indicators(paths)
    rules.errors.extend(_as_rule_error(error) for error in indicators.errors)
    rules.counts["ioc"] = len(indicators)
    if len(indicators):
        rules.matchers.append(IocMatcher(indicators))


def _as_rule_error(problem: ReadProblem) -> RuleError:
    """An indicator that could not be read, listed with the rules that could not be loaded."""
    if problem.where.isdigit():
        return RuleError(problem.path, problem.reason, int(problem.where))
    reason = f"{problem.where}: {problem.reason}" if problem.where else problem.reason
    return RuleError(problem.path, reason)


def _load_yara(rules: RuleSet, paths: Sequence[str | Path]) -> None:
    from warroom.hunt.matchers.yara import YaraScanner, rule_files

    # YARA compiles its rules as one set: one broken file means no scanner, but every broken
    # file is still listed, so that a single run shows them all.
    errors = YaraScanner.check(paths)
    if errors:
        rules.errors.extend(errors)
        return
    rules.yara = YaraScanner.load(paths)
    rules.counts["yara files"] = len(rule_files(paths))


@dataclass
class Hunt:
    """One hunt's configuration; `run` does the work and may be called again."""

    evidence: Sequence[str | Path]
    matchers: Sequence[Matcher] = ()
    yara: FileScanner | None = None
    fmt: str | None = None
    column_map: ColumnMap | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    yara_max_size: int = DEFAULT_YARA_MAX_SIZE
    yara_skip: Sequence[str] = ()
    jobs: int = 1  # worker processes sharing out the evidence files (see parallel.py)
    table_rows: int = DEFAULT_TABLE_ROWS  # rows per table from columnar sources

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise HuntError(f"batch size must be at least 1, not {self.batch_size}")
        if self.jobs < 1:
            raise HuntError(f"jobs must be at least 1, not {self.jobs}")

    def run(self, progress: ProgressCallback | None = None) -> HuntResult:
        """Read all the evidence through every matcher; never raises for bad evidence."""
        started = time.monotonic()
        result = HuntResult(findings=[], problems=Problems(), stats=HuntStats())
        result.stats.bytes = self._count_bytes()
        tracker = _Tracker(result, progress)
        if self.matchers:
            self._scan_events(result, tracker)
        if self.yara is not None:
            self._scan_files(self.yara, result, tracker)
        result.stats.seconds = time.monotonic() - started
        tracker.finish()
        return result

    def _count_bytes(self) -> int:
        from warroom.hunt.collect import count_bytes

        return count_bytes(self.evidence)

    def _batches(self, problems: Problems) -> Iterator[list[Event] | EventTable]:
        from warroom.hunt.collect import iter_batches

        return iter_batches(
            self.evidence,
            problems,
            size=self.batch_size,
            rows=self.table_rows,
            fmt=self.fmt,
            column_map=self.column_map,
        )

    def _scan_events(self, result: HuntResult, tracker: _Tracker) -> None:
        if self.jobs > 1:
            from warroom.hunt.parallel import evidence_files

            files = evidence_files(self.evidence, result.problems)
            if len(files) > 1:
                self._scan_in_parallel(files, tracker)
                return
        for batch in self._batches(result.problems):
            if isinstance(batch, EventTable):
                tracker.saw_table(batch)
                for matcher in self.matchers:
                    tracker.found(matcher.scan_table(batch))
            else:
                for event in batch:
                    tracker.saw(event)
                for matcher in self.matchers:
                    tracker.found(matcher.scan(batch))
            tracker.report("events")

    def _scan_in_parallel(self, files: list[Path], tracker: _Tracker) -> None:
        from warroom.hunt.parallel import scan_files

        options = {
            "fmt": self.fmt,
            "column_map": self.column_map,
            "batch_size": self.batch_size,
            "table_rows": self.table_rows,
        }
        for done in scan_files(files, self.matchers, jobs=self.jobs, options=options):
            tracker.merge(done)
            tracker.report("events")

    def _scan_files(self, scanner: FileScanner, result: HuntResult, tracker: _Tracker) -> None:
        found = scanner.scan(
            self.evidence, result.problems, max_size=self.yara_max_size, skip=self.yara_skip
        )
        tracker.found(found)
        tracker.report("files")


def batches(events: Iterable[Event], size: int) -> Iterator[list[Event]]:
    """EVENTS in lists of SIZE (the last may be shorter)."""
    batch: list[Event] = []
    for event in events:
        batch.append(event)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def logsource_key(logsource: LogSource) -> str:
    """`windows/sysmon`, `webserver/iis`: the log source as the stats name it."""
    return "/".join(part for part in logsource if part) or "unknown"


class _Tracker:
    """Counts events, files and bytes as they pass, and tells the progress callback."""

    def __init__(self, result: HuntResult, progress: ProgressCallback | None) -> None:
        self.result = result
        self.progress = progress
        self.current: str | None = None
        self.containers: set[Path] = set()
        self.bytes_done = 0

    def saw_table(self, table: EventTable) -> None:
        stats = self.result.stats
        stats.events += len(table)
        stats.per_logsource[logsource_key(table.logsource)] += len(table)
        if table.path != self.current:
            self.current = table.path
            stats.files += 1
            self._add_bytes(table.path)

    def saw(self, event: Event) -> None:
        stats = self.result.stats
        stats.events += 1
        stats.per_logsource[logsource_key(event.logsource)] += 1
        if event.origin.path != self.current:
            self.current = event.origin.path
            stats.files += 1
            self._add_bytes(event.origin.path)

    def _add_bytes(self, path: str) -> None:
        # Events of an archive member name the member inside the archive; its bytes are the
        # archive's, counted once when the first of its members is reached.
        container = _on_disk(path)
        if container is not None and container not in self.containers:
            self.containers.add(container)
            self.bytes_done += container.stat().st_size

    def merge(self, done: HuntResult) -> None:
        """Count in the hunt of one file by a worker process."""
        stats = self.result.stats
        stats.events += done.stats.events
        stats.files += done.stats.files
        stats.per_logsource.update(done.stats.per_logsource)
        for skip in done.problems.skipped:
            self.result.problems.skip(*skip)
        self.result.problems.count += done.problems.count - len(done.problems.skipped)
        self.bytes_done += done.stats.bytes
        self.found(done.findings)

    def found(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.result.findings.append(finding)
            self.result.stats.per_rule[finding.rule_id] += 1

    def report(self, phase: str) -> None:
        if self.progress is None:
            return
        stats = self.result.stats
        done = min(self.bytes_done, stats.bytes) if stats.bytes else self.bytes_done
        self.progress(Progress(done, stats.bytes, stats.events, len(self.result.findings), phase))

    def finish(self) -> None:
        self.bytes_done = self.result.stats.bytes
        self.report("done")


def _on_disk(path: str) -> Path | None:
    """PATH, or the archive it is a member of (`archive.zip!member`), when it is on disk."""
    for candidate in (path, path.split("!", 1)[0]):
        try:
            if Path(candidate).is_file():
                return Path(candidate)
        except OSError:
            return None
    return None
