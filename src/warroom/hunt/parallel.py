"""Hunting many evidence files at once: one worker process per core, a file at a time.

The evidence is shared out by file (an archive counts as one file): each worker reads its
file's events in batches through its own copy of the matchers and sends back the findings,
what it skipped and what it counted. Results are merged in the order the files were named,
so a parallel hunt reports what a sequential one does (only the order of the findings of
different matchers on one file can differ: a sequential batch spans files). The matchers
reach a worker pickled (a Sigma matcher travels as its compiled rules and rebuilds its DuckDB
tables), and workers are started with "spawn": DuckDB and RE2 keep threads that a fork would
not carry.

One large file still goes through one worker; parallelism pays when the evidence is many
files, as collections from a fleet are (a few event logs per host, a log per web server per
day).
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warroom.hunt.finding import Finding
from warroom.hunt.matcher import Matcher
from warroom.hunt.source import Problems

if TYPE_CHECKING:
    from warroom.hunt.sources.csv import ColumnMap

__all__ = ["FileResult", "evidence_files", "scan_files"]


@dataclass
class FileResult:
    """What one evidence file gave: findings in order, what was skipped, what was counted."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    events: int = 0
    files: int = 0  # files (or archive members) that yielded an event
    per_logsource: Counter[str] = field(default_factory=Counter)


def evidence_files(paths: Sequence[str | Path], problems: Problems) -> list[Path]:
    """The files under PATHS (directories walked, globs expanded), in hunt order."""
    from warroom.hunt.collect import expand

    return list(expand(paths, problems))


def scan_files(
    files: Sequence[Path],
    matchers: Sequence[Matcher],
    *,
    jobs: int,
    fmt: str | None,
    column_map: ColumnMap | Mapping[str, Any] | None,
    batch_size: int,
) -> Iterator[FileResult]:
    """The result of every file in FILES, in order, computed by JOBS worker processes."""
    context = multiprocessing.get_context("spawn")
    workers = max(1, min(jobs, len(files)))
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start, initargs=(list(matchers),)
    ) as pool:
        yield from pool.map(_scan_one, files, [(fmt, column_map, batch_size)] * len(files))


_matchers: list[Matcher] = []


def _start(matchers: list[Matcher]) -> None:
    _matchers[:] = matchers


def _scan_one(path: Path, options: tuple[str | None, Any, int]) -> FileResult:
    from warroom.hunt.collect import iter_events
    from warroom.hunt.hunt import batches, logsource_key

    fmt, column_map, batch_size = options
    result = FileResult(path)
    current: str | None = None
    events = iter_events([path], result.problems, fmt=fmt, column_map=column_map)
    for batch in batches(events, batch_size):
        for event in batch:
            result.per_logsource[logsource_key(event.logsource)] += 1
            if event.origin.path != current:
                current = event.origin.path
                result.files += 1
        result.events += len(batch)
        for matcher in _matchers:
            result.findings.extend(matcher.scan(batch))
    return result
