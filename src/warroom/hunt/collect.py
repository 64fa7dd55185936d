"""Collecting evidence: files, directories, globs and zip archives, to events.

`iter_events` walks what the user named (directories recursively, globs, ``.zip`` archives
member by member, gzip-compressed files), detects each file's format from its first 64 KiB by
asking every source in `SOURCES` in turn (or uses the format the user forced), and chains the
events of every file. Archive members are streamed, never extracted; their origin is
``archive.zip!member/path``. A file that cannot be opened, is not in a known format, or breaks
while being read is reported to `Problems` and skipped: the hunt goes on with the others.
"""

from __future__ import annotations

import glob
import gzip
import importlib
import logging
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any, TypeVar, cast

from warroom.hunt.errors import HuntError
from warroom.hunt.source import Event, EventTable, Problems, Source
from warroom.hunt.sources.combined import CombinedSource
from warroom.hunt.sources.csv import ColumnMap, CsvSource
from warroom.hunt.sources.w3c import W3cSource

log = logging.getLogger(__name__)
T = TypeVar("T")

HEAD = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_GLOB_CHARS = frozenset("*?[")
# What can go wrong while reading one file; anything else is a bug and is not swallowed.
_READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile, HuntError, UnicodeError)


def _sources() -> dict[str, type[Source]]:
    """Every source, in sniffing order: the most specific formats first, CSV last.

    The EVTX and JSON lines sources live in their own modules; when one of them is missing from
    a partial install, the other formats still work.
    """
    found: dict[str, type[Source]] = {}
    for module, attribute in (("evtx", "EvtxSource"), ("w3c", None), ("jsonl", "JsonlSource")):
        if attribute is None:
            found["w3c"] = W3cSource
            continue
        name = f"warroom.hunt.sources.{module}"
        try:
            found[module] = getattr(importlib.import_module(name), attribute)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            log.warning("evidence format %s is unavailable: %s is missing", module, name)
    found["combined"] = CombinedSource
    found["csv"] = CsvSource
    return found


SOURCES: dict[str, type[Source]] = _sources()


def detect(head: bytes, filename: str) -> type[Source] | None:
    """The source whose format HEAD (the first 64 KiB of FILENAME) is in, or None."""
    for source in SOURCES.values():
        if source.sniff(head, filename):
            return source
    return None


def iter_events(
    paths: Sequence[str | Path],
    problems: Problems,
    *,
    fmt: str | None = None,
    column_map: Mapping[str, Any] | ColumnMap | None = None,
) -> Iterator[Event]:
    """The events of every evidence file under PATHS, in the order the files are found.

    FMT forces one format (a key of SOURCES) instead of detecting each file's. COLUMN_MAP is
    for CSV logs: a ColumnMap, a flat ``{column: field}`` dict, or the mapping of a column map
    YAML file as loaded (see sources/csv.py).
    """
    if fmt is not None and fmt not in SOURCES:
        raise HuntError(f"unknown format {fmt!r}; known formats: {', '.join(SOURCES)}")
    cmap = _column_map(column_map)
    for name, stream in iter_files(paths, problems):
        yield from _file_events(name, stream, problems, fmt, cmap)


Batch = list[Event] | EventTable


def iter_batches(
    paths: Sequence[str | Path],
    problems: Problems,
    *,
    size: int,
    rows: int,
    fmt: str | None = None,
    column_map: Mapping[str, Any] | ColumnMap | None = None,
) -> Iterator[Batch]:
    """The events under PATHS in batches, in the order the files are found.

    Columnar sources give `EventTable`s of at most ROWS rows, of one file each; the events
    of the others are gathered into lists of at most SIZE that may span files (small files
    are common: one per host and day).
    """
    if fmt is not None and fmt not in SOURCES:
        raise HuntError(f"unknown format {fmt!r}; known formats: {', '.join(SOURCES)}")
    cmap = _column_map(column_map)
    pending: list[Event] = []
    for name, stream in iter_files(paths, problems):
        source = _source(name, stream, problems, fmt, cmap)
        if source is None:
            continue
        if source.columnar:
            if pending:
                yield pending
                pending = []
            yield from _guarded(source, name, stream, problems, source.tables, rows)
            continue
        for event in _guarded(source, name, stream, problems, source.events):
            pending.append(event)
            if len(pending) >= size:
                yield pending
                pending = []
    if pending:
        yield pending


def _column_map(given: Mapping[str, Any] | ColumnMap | None) -> ColumnMap | None:
    if given is None or isinstance(given, ColumnMap):
        return given
    return ColumnMap.from_dict(given)


def _file_events(
    name: str, stream: IO[bytes], problems: Problems, fmt: str | None, cmap: ColumnMap | None
) -> Iterator[Event]:
    source = _source(name, stream, problems, fmt, cmap)
    if source is not None:
        yield from _guarded(source, name, stream, problems, source.events)


def _source(
    name: str, stream: IO[bytes], problems: Problems, fmt: str | None, cmap: ColumnMap | None
) -> Source | None:
    """The source that reads STREAM (forced by FMT, or detected), or None (reported)."""
    try:
        head = stream.read(HEAD)
        stream.seek(0)
    except _READ_ERRORS as error:
        problems.skip(name, None, f"cannot read: {error}")
        return None
    source_type = SOURCES[fmt] if fmt else detect(head, name)
    if source_type is None:
        known = ", ".join(SOURCES)
        problems.skip(name, None, f"unknown format (not one of {known}); use --format to force")
        return None
    return CsvSource(cmap) if source_type is CsvSource else source_type()


def _guarded(
    source: Source,
    name: str,
    stream: IO[bytes],
    problems: Problems,
    read: Callable[..., Iterator[T]],
    *args: Any,
) -> Iterator[T]:
    """What READ gives of STREAM; a file that breaks while being read is reported, skipped."""
    try:
        # `yield from` keeps this layer out of the per-event cost; where the file broke is
        # told by how far into it the source had read.
        yield from read(stream, name, problems, *args)
    except _READ_ERRORS as error:
        problems.skip(name, None, f"{source.name} file unreadable after {_offset(stream)}: {error}")


def _offset(stream: IO[bytes]) -> str:
    try:
        return f"byte {stream.tell():,}"
    except (OSError, ValueError):
        return "an unknown offset"


def iter_files(paths: Sequence[str | Path], problems: Problems) -> Iterator[tuple[str, IO[bytes]]]:
    """Every evidence file under PATHS as (name, binary stream), archives opened.

    NAME is the path, or ``archive.zip!member`` for a zip member; gzip files are decompressed.
    Each stream is seekable and stays open only until the next file is asked for.
    """
    for path in expand(paths, problems):
        with ExitStack() as stack:
            try:
                stream = stack.enter_context(path.open("rb"))
                magic = stream.read(4)
                stream.seek(0)
            except OSError as error:
                problems.skip(str(path), None, f"cannot open: {error.strerror or error}")
                continue
            yield from _open(str(path), stream, magic, problems)


def _open(
    name: str, stream: IO[bytes], magic: bytes, problems: Problems
) -> Iterator[tuple[str, IO[bytes]]]:
    if magic.startswith(_ZIP_MAGIC):
        yield from _members(name, stream, problems)
    elif magic.startswith(_GZIP_MAGIC):
        with gzip.GzipFile(fileobj=stream, mode="rb") as unzipped:
            yield name, cast(IO[bytes], unzipped)
    else:
        yield name, stream


def _members(name: str, stream: IO[bytes], problems: Problems) -> Iterator[tuple[str, IO[bytes]]]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError) as error:
        problems.skip(name, None, f"corrupt zip archive: {error}")
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            member = f"{name}!{info.filename}"
            try:
                with archive.open(info) as opened:
                    magic = opened.read(4)
                    opened.seek(0)
                    # Nested archives are walked too: collections often zip per-host zips.
                    yield from _open(member, opened, magic, problems)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as error:
                # RuntimeError: an encrypted member; NotImplementedError: an unknown method.
                problems.skip(member, None, f"cannot read archive member: {error}")


def expand(paths: Sequence[str | Path], problems: Problems) -> Iterator[Path]:
    """The files named by PATHS: files as given, directories walked, globs expanded.

    What names nothing is reported to PROBLEMS.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists():
            yield path
        elif _GLOB_CHARS & set(str(given)):
            matches = sorted(glob.glob(str(given), recursive=True))
            if not matches:
                problems.skip(str(given), None, "no files match this pattern")
            for match in matches:
                yield from _walk(Path(match)) if Path(match).is_dir() else (Path(match),)
        else:
            problems.skip(str(given), None, "no such file or directory")


def _walk(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in sorted(files):
            yield Path(root, name)


def count_bytes(paths: Sequence[str | Path]) -> int:
    """The total size on disk of the files under PATHS, for progress bars.

    Archives count by their compressed size: progress is measured in bytes read from disk.
    """
    total = 0
    for path in expand(paths, Problems()):
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total
