"""A cache of compiled Sigma rules, keyed by the hash of every rule file read.

Parsing and compiling the 3,000 SigmaHQ rules takes about ten seconds, almost all of it YAML
and pySigma; a hunt that reuses the same rules loads them from the cache in well under one.
The key covers the files' paths and contents and the versions of warroom and pySigma, so
any change to a rule or to the compiler misses the cache. The cache is the user's own
directory (`default_cache_dir`), written atomically; an unreadable entry is rebuilt. It keeps
the KEEP entries used last (a read counts as a use) and deletes older ones when it writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from warroom.hunt.errors import RuleError

# Bump when the compiled form changes without a package version change.
_FORMAT = "1"
# Entries kept: a few rule sets (SigmaHQ, a team's own, a release or two) hunted in turn.
KEEP = 8
_HERE = Path(__file__).resolve().parent
_COMPILER = (
    _HERE / "sigma.py",
    _HERE / "_sigma_sql.py",
    _HERE / "_sigma_prefilter.py",
    _HERE.parent / "sigma_logsources.py",
)


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/warroom, or ~/.cache/warroom."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "warroom"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def digest(items: list[tuple[str, str] | RuleError]) -> str:
    """The cache key of the rule files read (and of the files that could not be read)."""
    sha = hashlib.sha256()
    for part in (_FORMAT, _version("warroom"), _version("pysigma")):
        sha.update(part.encode() + b"\0")
    # The compiler's own source too: a development install changes it without a new version.
    for module in _COMPILER:
        sha.update(module.read_bytes() + b"\0")
    for item in items:
        text = str(item) if isinstance(item, RuleError) else "\0".join(item)
        sha.update(text.encode("utf-8", errors="replace") + b"\1")
    return sha.hexdigest()


def read(cache_dir: Path, key: str) -> Any:
    """The object stored under KEY, or None when there is none or it cannot be read."""
    path = cache_dir / f"sigma-{key}.pickle"
    try:
        with path.open("rb") as stream:
            # The cache directory is the user's own, written only by `write` below.
            value = pickle.load(stream)  # noqa: S301
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: `prune` keeps the entries used last
    return value


def write(cache_dir: Path, key: str, value: Any) -> None:
    """Store VALUE under KEY; a cache that cannot be written is skipped silently."""
    try:
        # Private to the user: entries are pickles, loaded as trusted.
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=cache_dir, delete=False) as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        Path(stream.name).replace(cache_dir / f"sigma-{key}.pickle")
    except OSError:
        return
    prune(cache_dir)


def prune(cache_dir: Path, keep: int = KEEP) -> None:
    """Delete all but the KEEP entries used last; a file that cannot be deleted is left."""
    entries = []
    for path in cache_dir.glob("sigma-*.pickle"):
        try:
            entries.append((path.stat().st_mtime, path))
        except OSError:
            continue
    entries.sort(reverse=True)
    for _, path in entries[keep:]:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
