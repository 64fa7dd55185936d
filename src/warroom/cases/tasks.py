"""Background work on the case record, run by `warroom worker` (see warroom.jobs).

hash_evidence   stream a piece of evidence through SHA-256; record the first hash, or verify
                a recorded one and put a mismatch on the timeline

Callers queue work with `enqueue_hash(evidence)` inside their own transaction.
"""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from warroom.cases.actions import log_custody, record_event
from warroom.cases.choices import CustodyKind, EventKind, EventSource
from warroom.cases.models import CustodyEntry, Evidence
from warroom.jobs.errors import PermanentError
from warroom.jobs.models import Job, JobState
from warroom.jobs.queue import enqueue
from warroom.jobs.registry import Payload

__all__ = ["EvidenceUnreadable", "enqueue_hash", "hash_evidence", "record_digest"]

HASH_EVIDENCE = "cases.hash_evidence"
CHUNK = 1024 * 1024


class EvidenceUnreadable(OSError):
    """The evidence's file could not be read; retried, since a share may come back."""


def enqueue_hash(evidence: Evidence, *, now: datetime | None = None) -> Job:
    """Queue hashing (or re-verifying) saved EVIDENCE, due at NOW; reuses a queued request.

    A running job is not reused: it may have opened the file before the change that prompted
    this request. Call it in the transaction that saves the evidence: the job commits with it.
    """
    queued = Job.objects.filter(
        kind=HASH_EVIDENCE, state=JobState.QUEUED, payload__evidence_id=evidence.pk
    )
    return queued.first() or enqueue(HASH_EVIDENCE, {"evidence_id": evidence.pk}, now=now)


def hash_evidence(payload: Payload) -> None:
    """Job handler: hash the evidence named by payload["evidence_id"] and record the result."""
    try:
        evidence = Evidence.objects.get(pk=payload["evidence_id"])
    except (KeyError, Evidence.DoesNotExist):
        raise PermanentError(f"no evidence with id {payload.get('evidence_id')!r}") from None
    where, digest, size = file_digest(evidence)
    record_digest(evidence, digest, size, where=where, now=timezone.now())


def file_digest(evidence: Evidence) -> tuple[str, str, int]:
    """Where EVIDENCE was read from, its SHA-256 and its size, read in 1 MiB chunks."""
    where = _local_path(evidence)
    digest = hashlib.sha256()
    size = 0
    with _open_regular(where) as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return where, digest.hexdigest(), size


@transaction.atomic
def record_digest(
    evidence: Evidence, digest: str, size: int, *, where: str, now: datetime
) -> CustodyEntry:
    """Record DIGEST as EVIDENCE's first hash, or verify it against the recorded one."""
    # Lock and re-read: another job or a person may have recorded a hash while we streamed.
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if not evidence.sha256:
        evidence.sha256 = digest
        evidence.size = evidence.size if evidence.size is not None else size
        evidence.save(update_fields=["sha256", "size"])
        note = f"SHA-256 {digest}, {size} bytes, computed by the worker from {where}."
        return log_custody(evidence, CustodyKind.HASHED, None, now=now, note=note)
    if evidence.sha256.lower() == digest and evidence.size in (None, size):
        if evidence.size is None:
            evidence.size = size
            evidence.save(update_fields=["size"])
        note = f"match: SHA-256 {digest} read from {where}."
        return log_custody(evidence, CustodyKind.VERIFIED, None, now=now, note=note)
    return _record_mismatch(evidence, digest, size, where=where, now=now)


def _record_mismatch(
    evidence: Evidence, digest: str, size: int, *, where: str, now: datetime
) -> CustodyEntry:
    recorded = f"SHA-256 {evidence.sha256} ({evidence.size} bytes)"
    found = f"SHA-256 {digest} ({size} bytes)"
    record_event(
        evidence.case,
        None,
        EventKind.FINDING,
        f"Evidence {evidence.name} failed hash verification: recorded {recorded}, "
        f"now {found} at {where}. The copy has changed since it was hashed.",
        occurred_at=now,
        source=EventSource.HUNT,
        evidence=evidence,
    )
    note = f"MISMATCH: recorded {recorded}, read {found} from {where}."
    return log_custody(evidence, CustodyKind.VERIFIED, None, now=now, note=note)


def _local_path(evidence: Evidence) -> str:
    """The path to read: the uploaded file if there is one, else an absolute `location`."""
    if evidence.file:
        try:
            return str(evidence.file.path)
        except NotImplementedError:
            raise PermanentError(
                f"evidence {evidence.pk} is in a storage without local paths; not hashed"
            ) from None
    location = evidence.location.strip()
    if not Path(location).is_absolute():
        # A vault reference or a relative path: nothing this machine can open reliably.
        raise PermanentError(
            f"evidence {evidence.pk} is kept at {location!r}, which is not a local absolute "
            "path; nothing to hash"
        )
    return str(_inside_evidence_roots(Path(location)))


def _inside_evidence_roots(path: Path) -> Path:
    """PATH with symbolic links resolved, if it lies in a folder of WARROOM_EVIDENCE_ROOTS."""
    real = path.resolve()
    roots = settings.EVIDENCE_ROOTS
    if not any(real.is_relative_to(root) for root in roots):
        allowed = ", ".join(map(str, roots)) or "none configured"
        raise PermanentError(
            f"evidence at {path} is outside the folders warroom may read evidence from "
            f"(WARROOM_EVIDENCE_ROOTS: {allowed})"
        )
    if real.is_relative_to(settings.DATA_DIR):
        raise PermanentError(f"evidence at {path} is inside warroom's own data directory")
    return real


def _open_regular(path: str) -> BinaryIO:
    """Open PATH for reading if it is a regular file; errors name the path.

    O_NONBLOCK keeps a FIFO from hanging the worker at open; it has no effect on files.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise EvidenceUnreadable(f"cannot read evidence at {path}: {exc.strerror}") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise PermanentError(f"evidence at {path} is not a regular file")
    return os.fdopen(fd, "rb")
