"""Publishing: the static export pushed to every target in STATUS_TARGETS, each reported.

A target is one of

    /srv/www/status             a directory on this machine (written as `export.py` does)
    rsync:/mnt/mirror/status    the `rsync` binary to a local path (a mounted share, say)
    rsync://host/module/path    the `rsync` binary to an rsync daemon
    user@host:path              the `rsync` binary over SSH
    sftp://user@host[:port]/path   SFTP (asyncssh, the `sftp` extra); `/~/path` is
                                relative to the login directory

`publish_site(now)` renders and exports once, then pushes to each target in turn; a target
that fails is recorded and reported, and never stops the others. Every push writes a
`PublishRun`. SSH host keys are always checked: against STATUS_SSH_KNOWN_HOSTS (a known_hosts
file; default ~/.ssh/known_hosts), with the key in STATUS_SSH_KEY (default: the SSH agent and
the usual ~/.ssh keys). The worker runs `publish_job` after each published update.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from warroom.statuspage import sftp
from warroom.statuspage.export import ExportResult, write_site
from warroom.statuspage.models import PageRevision, PublishRun
from warroom.statuspage.site import render_site

__all__ = ["Target", "TargetKind", "TargetResult", "parse_target", "publish_job", "publish_site"]

log = logging.getLogger(__name__)

RSYNC_TIMEOUT = 120  # seconds without progress before rsync gives up (its --timeout)
RSYNC_DEADLINE = 900  # seconds for a whole rsync run
# user@host:path or host:path, as rsync and scp write a remote path (no slash before the colon).
REMOTE_PATH = re.compile(r"^(?:[^/@:\s]+@)?[^/@:\s]{2,}:")


class TargetKind(Enum):
    DIRECTORY = "directory"
    RSYNC = "rsync"
    SFTP = "sftp"


@dataclass(frozen=True)
class Target:
    """A parsed target: its KIND, and where to (a path, an rsync destination, an sftp URL)."""

    spec: str
    kind: TargetKind
    destination: str


@dataclass(frozen=True)
class TargetResult:
    """How one push went."""

    target: str
    ok: bool
    files: int
    detail: str


def parse_target(spec: str) -> Target:
    """SPEC, a target as written in STATUS_TARGETS (see the module docstring)."""
    if spec.startswith("sftp://"):
        return Target(spec, TargetKind.SFTP, spec)
    if spec.startswith("rsync:") and not spec.startswith("rsync://"):
        return Target(spec, TargetKind.RSYNC, spec.removeprefix("rsync:"))
    if spec.startswith("rsync://") or REMOTE_PATH.match(spec):
        return Target(spec, TargetKind.RSYNC, spec)
    return Target(spec, TargetKind.DIRECTORY, spec)


def _ssh_command() -> str:
    """The `ssh` rsync runs: never prompting, host keys checked, the configured key."""
    parts = ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"]
    known_hosts = getattr(settings, "STATUS_SSH_KNOWN_HOSTS", "")
    if known_hosts:
        parts += ["-o", f"UserKnownHostsFile={known_hosts}"]
    key = getattr(settings, "STATUS_SSH_KEY", "")
    if key:
        parts += ["-i", key, "-o", "IdentitiesOnly=yes"]
    return " ".join(parts)


def push_rsync(target: Target, exported: ExportResult) -> str:
    """Mirror the exported directory to the target with `rsync -a --delete --checksum`."""
    rsync = shutil.which("rsync")
    if rsync is None:
        raise RuntimeError("the rsync program is not installed (apt-get install rsync)")
    command = [rsync, "-a", "--delete", "--checksum", "--stats", f"--timeout={RSYNC_TIMEOUT}"]
    command += ["-e", _ssh_command(), f"{exported.directory}/", target.destination]
    done = subprocess.run(  # noqa: S603 - a fixed program; the destination is configuration
        command, capture_output=True, text=True, timeout=RSYNC_DEADLINE, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"rsync exited with {done.returncode}: {done.stderr.strip()[-500:]}")
    moved = re.search(r"Number of regular files transferred: ([\d,.]+)", done.stdout)
    return f"{moved.group(1) if moved else 'some'} files transferred by rsync"


def push_directory(target: Target, site: dict[str, bytes]) -> str:
    result = write_site(site, Path(target.destination))
    return (
        f"{len(result.written)} written, {len(result.unchanged)} unchanged, "
        f"{len(result.removed)} removed"
    )


def _push(target: Target, site: dict[str, bytes], exported: ExportResult) -> str:
    if target.kind is TargetKind.DIRECTORY:
        return push_directory(target, site)
    if target.kind is TargetKind.RSYNC:
        return push_rsync(target, exported)
    return sftp.push(target.destination, exported.directory)


def _publish_one(
    spec: str, site: dict[str, bytes], exported: ExportResult, revision: int, now: datetime
) -> TargetResult:
    """Push to one target and record the run; any failure becomes a failed result."""
    run = PublishRun.objects.create(target=spec, revision=revision, started_at=now)
    try:
        detail = _push(parse_target(spec), site, exported)
    except Exception as exc:  # one broken target must never stop the others
        log.warning("Publishing the status page to %s failed: %s", spec, exc)
        run.detail = f"{type(exc).__name__}: {exc}"
    else:
        run.ok, run.files, run.detail = True, len(site), detail
    run.finished_at = timezone.now()
    run.save(update_fields=["ok", "files", "detail", "finished_at"])
    return TargetResult(spec, run.ok, run.files, run.detail)


def publish_site(now: datetime, targets: list[str] | None = None) -> list[TargetResult]:
    """Export the page at NOW once and push it to TARGETS (default STATUS_TARGETS)."""
    specs = list(settings.STATUS_TARGETS if targets is None else targets)
    # Read before rendering: the render shows at least this revision.
    revision = PageRevision.current()
    site = render_site(now)
    with tempfile.TemporaryDirectory(prefix="warroom-publish-") as tmp:
        exported = write_site(site, Path(tmp) / "site")
        return [_publish_one(spec, site, exported, revision, now) for spec in specs]


class PublishFailed(Exception):
    """Some targets failed; the worker retries the job and skips those already done."""


def _done(spec: str, revision: int) -> bool:
    return PublishRun.objects.filter(target=spec, ok=True, revision__gte=revision).exists()


def publish_job(payload: dict[str, Any]) -> None:
    """The `statuspage.publish` job: push revision `payload["revision"]` where it is missing.

    A target that already holds that revision or a newer one is skipped, so a burst of
    updates costs one push per target, and a retry pushes only to the targets that failed.
    """
    revision = int(payload.get("revision", 0))
    pending = [spec for spec in settings.STATUS_TARGETS if not _done(spec, revision)]
    if not pending:
        log.info("Status page revision %s is already published everywhere.", revision)
        return
    failed = [r for r in publish_site(timezone.now(), pending) if not r.ok]
    if failed:
        raise PublishFailed("; ".join(f"{r.target}: {r.detail}" for r in failed))
