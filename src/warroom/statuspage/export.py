"""The static export: every file of the public page written to a directory, atomically.

Each file is written in full to a staging directory inside the target, then renamed over its
old version, so a reader (a web server, `rsync`) sees the old file or the new one, never a
half-written page. Files are written in an order that keeps links working while it happens:
incident and component pages, JSON and feeds first, `history.html` and `index.html` last.

A manifest (`.warroom-export.json`, path to SHA-256) remembers what the previous export wrote,
so files that left the site (an incident no longer public) are removed and nothing else in the
directory is touched. Unchanged files are not rewritten.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warroom.statuspage.site import render_site, site_paths

__all__ = ["MANIFEST", "ExportResult", "export_site", "write_site"]

log = logging.getLogger(__name__)

MANIFEST = ".warroom-export.json"
STAGING_PREFIX = ".warroom-staging-"


@dataclass(frozen=True)
class ExportResult:
    """What an export did: files written anew, left as they were, and removed."""

    directory: Path
    written: list[str]
    unchanged: list[str]
    removed: list[str]
    size: int

    @property
    def files(self) -> list[str]:
        """Every file of the site now in the directory."""
        return sorted(self.written + self.unchanged)


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def export_site(directory: Path | str, now: datetime) -> ExportResult:
    """Render the public page at NOW and write it to DIRECTORY (created if missing)."""
    return write_site(render_site(now), Path(directory))


def write_site(site: dict[str, bytes], directory: Path) -> ExportResult:
    """Write SITE (path to bytes) into DIRECTORY; see the module docstring for how."""
    directory.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(directory)
    previous = read_manifest(directory)
    written, unchanged = [], []
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=directory))
    try:
        for path in site_paths(site):
            target = inside(directory, path)
            if target.is_file() and target.read_bytes() == site[path]:
                unchanged.append(path)
                continue
            _replace(staging, target, site[path])
            written.append(path)
        removed = _remove_stale(directory, set(previous) - set(site))
        manifest = json.dumps({p: digest(site[p]) for p in sorted(site)}, indent=1).encode()
        _replace(staging, directory / MANIFEST, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    size = sum(len(body) for body in site.values())
    return ExportResult(directory, written, unchanged, removed, size)


def inside(directory: Path, path: str) -> Path:
    """DIRECTORY/PATH, refusing any PATH that would leave DIRECTORY."""
    target = (directory / path).resolve()
    if not target.is_relative_to(directory.resolve()) or target == directory.resolve():
        raise ValueError(f"{path!r} is not a file inside {directory}")
    return target


def _replace(staging: Path, target: Path, body: bytes) -> None:
    """Write BODY to a new file in STAGING, then rename it over TARGET in one step."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=staging)
    with os.fdopen(fd, "wb") as out:
        out.write(body)
    os.chmod(name, 0o644)  # a web server reads these files; mkstemp makes them private
    os.replace(name, target)


def read_manifest(directory: Path) -> dict[str, str]:
    """The previous export's manifest in DIRECTORY, empty when there is none (or it is bad)."""
    try:
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _remove_stale(directory: Path, paths: set[str]) -> list[str]:
    """Delete the files of PATHS (no longer in the site) and folders they leave empty."""
    removed = []
    for path in sorted(paths):
        try:
            target = inside(directory, path)
            target.unlink()
        except (ValueError, OSError) as exc:
            log.warning("Could not remove %s from the export in %s: %s", path, directory, exc)
            continue
        removed.append(path)
        parent = target.parent
        if parent != directory.resolve() and not any(parent.iterdir()):
            parent.rmdir()
    return removed


def _remove_leftovers(directory: Path) -> None:
    """Staging folders of an export that was killed half-way."""
    for leftover in directory.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(leftover, ignore_errors=True)
