"""Hunting many evidence files at once: one worker process per core, a file at a time.

The evidence is shared out by file (an archive counts as one file): each worker hunts its
file as a one-file `Hunt` with its own copy of the matchers and sends back the result: the
findings, what it skipped and what it counted. Results are merged in the order the files were named,
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
import pickle
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warroom.hunt.matcher import Matcher
from warroom.hunt.source import Problems

if TYPE_CHECKING:
    from warroom.hunt.hunt import HuntResult

__all__ = ["evidence_files", "scan_files"]


def evidence_files(paths: Sequence[str | Path], problems: Problems) -> list[Path]:
    """The files under PATHS (directories walked, globs expanded), in hunt order."""
    from warroom.hunt.collect import expand

    return list(expand(paths, problems))


def scan_files(
    files: Sequence[Path],
    matchers: Sequence[Matcher],
    *,
    jobs: int,
    options: Mapping[str, Any],
) -> Iterator[HuntResult]:
    """The hunt of every file in FILES, in order, by JOBS worker processes (no YARA).

    OPTIONS are the `Hunt` fields each file is hunted with (fmt, column_map, batch_size...).
    """
    context = multiprocessing.get_context("spawn")
    workers = max(1, min(jobs, len(files)))
    # Pickled here and unpickled by `_start`, after it has set what the matchers' DuckDB
    # connections are built with.
    frozen = pickle.dumps(list(matchers))
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start, initargs=(frozen,)
    ) as pool:
        yield from pool.map(_scan_one, files, [dict(options)] * len(files))


_matchers: list[Matcher] = []


def _start(frozen: bytes) -> None:
    from warroom.hunt.matchers import _duckdb

    _duckdb.threads = 1  # the other cores run the other workers
    _matchers[:] = pickle.loads(frozen)  # noqa: S301 (pickled by this process's parent)


def _scan_one(path: Path, options: dict[str, Any]) -> HuntResult:
    from warroom.hunt.hunt import Hunt

    return Hunt([path], matchers=_matchers, **options).run()
