"""The evidence-hashing job, run through the worker as in production."""

import hashlib
import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from warroom.cases.actions import add_evidence
from warroom.cases.choices import CustodyKind, EventKind
from warroom.cases.models import Evidence, Incident
from warroom.cases.tasks import enqueue_hash, hash_evidence
from warroom.jobs.errors import PermanentError
from warroom.jobs.models import Job, JobState
from warroom.jobs.worker import claim, run_once

NOW = datetime(2025, 8, 13, 10, 0, tzinfo=UTC)
SIZE = 5 * 1024 * 1024 + 123  # several chunks and a partial one


@pytest.fixture(autouse=True)
def _evidence_root(settings, tmp_path):
    """The test's folder is where evidence may be read from, as WARROOM_EVIDENCE_ROOTS."""
    settings.EVIDENCE_ROOTS = [tmp_path.resolve()]


@pytest.fixture
def image(tmp_path):
    """A multi-megabyte evidence file with varied content."""
    path = tmp_path / "sp-fe-01-memory.raw"
    block = bytes(range(256)) * 4096
    with path.open("wb") as out:
        written = 0
        while written < SIZE:
            piece = block[: SIZE - written]
            out.write(piece)
            written += len(piece)
    return path


def _evidence(case: Incident, user: User, **fields: Any) -> Evidence:
    defaults = {
        "name": "SP-FE-01 memory image",
        "acquired_by": "Forensics partner",
        "acquired_at": NOW - timedelta(hours=2),
        "acquired_from": "SP-FE-01",
    }
    return add_evidence(Evidence(case=case, **(defaults | fields)), user, now=NOW)


def _work(when: datetime = NOW) -> int:
    """Run every due job as the worker would, at WHEN."""
    return run_once(worker_id="test", clock=lambda: when)


def test_it_hashes_a_large_file(case, bob, image):
    evidence = _evidence(case, bob, location=str(image))
    job = enqueue_hash(evidence, now=NOW)
    assert _work() == 1
    job.refresh_from_db()
    evidence.refresh_from_db()
    assert job.state == JobState.DONE
    assert evidence.sha256 == hashlib.sha256(image.read_bytes()).hexdigest()
    assert evidence.size == SIZE
    entry = evidence.custody.latest("id")
    assert (entry.kind, entry.actor) == (CustodyKind.HASHED, None)
    assert evidence.sha256 in entry.note
    assert str(image) in entry.note


def test_it_reads_in_chunks_of_one_mebibyte(case, bob, image, monkeypatch):
    reads = []
    real_fdopen = os.fdopen

    def spying_fdopen(fd, mode):
        stream = real_fdopen(fd, mode)
        read = stream.read

        def spying_read(size=-1):
            reads.append(size)
            return read(size)

        monkeypatch.setattr(stream, "read", spying_read)
        return stream

    monkeypatch.setattr("warroom.cases.tasks.os.fdopen", spying_fdopen)
    hash_evidence({"evidence_id": _evidence(case, bob, location=str(image)).pk})
    assert set(reads) == {1024 * 1024}


def test_it_verifies_an_unchanged_file(case, bob, image):
    evidence = _evidence(case, bob, location=str(image))
    enqueue_hash(evidence, now=NOW)
    _work()
    enqueue_hash(evidence, now=NOW)
    _work()
    entry = evidence.custody.latest("id")
    assert entry.kind == CustodyKind.VERIFIED
    assert entry.note.startswith("match")
    assert not case.events.filter(kind=EventKind.FINDING).exists()


def test_it_detects_a_changed_file(case, bob, image):
    evidence = _evidence(case, bob, location=str(image))
    enqueue_hash(evidence, now=NOW)
    _work()
    original = Evidence.objects.get(pk=evidence.pk).sha256
    with image.open("r+b") as tampered:
        tampered.seek(SIZE // 2)
        tampered.write(b"spinstall0.aspx")
    enqueue_hash(evidence, now=NOW)
    _work()
    evidence.refresh_from_db()
    assert evidence.sha256 == original, "the recorded hash is evidence; it is never replaced"
    entry = evidence.custody.latest("id")
    assert entry.kind == CustodyKind.VERIFIED
    assert entry.note.startswith("MISMATCH")
    finding = case.events.get(kind=EventKind.FINDING, evidence=evidence)
    assert "failed hash verification" in finding.text
    assert str(image) in finding.text


def test_it_verifies_an_uploaded_file(case, bob):
    content = b"GET /_layouts/15/ToolPane.aspx?DisplayMode=Edit\n" * 50_000
    digest = hashlib.sha256(content).hexdigest()
    evidence = Evidence(case=case, name="u_ex250718.log", sha256=digest, size=len(content))
    evidence.file.save("u_ex250718.log", ContentFile(content), save=False)
    # Recorded by hand in capitals: still the same hash.
    recorded = digest.upper()
    evidence = _evidence(case, bob, file=evidence.file, sha256=recorded, size=len(content))
    enqueue_hash(evidence, now=NOW)
    _work()
    assert evidence.custody.latest("id").note.startswith("match")


def test_a_missing_path_is_retried_then_fails_naming_it(case, bob, tmp_path):
    gone = tmp_path / "share" / "not-mounted.evtx"
    evidence = _evidence(case, bob, location=str(gone))
    job = enqueue_hash(evidence, now=NOW)
    job.max_attempts = 2
    job.save()
    _work()
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    assert f"cannot read evidence at {gone}" in job.last_error
    _work(NOW + timedelta(hours=1))
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert str(gone) in job.last_error.splitlines()[0]


def test_a_location_that_is_not_a_path_fails_at_once(case, bob):
    evidence = _evidence(case, bob, location="Evidence locker B, bag 17")
    job = enqueue_hash(evidence, now=NOW)
    _work()
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.FAILED, 1)
    assert "Evidence locker B, bag 17" in job.last_error


def test_a_fifo_is_refused_without_hanging(case, bob, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    evidence = _evidence(case, bob, location=str(fifo))
    with pytest.raises(PermanentError, match="not a regular file"):
        hash_evidence({"evidence_id": evidence.pk})


def test_deleted_evidence_fails_at_once(db):
    with pytest.raises(PermanentError, match="no evidence with id 404"):
        hash_evidence({"evidence_id": 404})


def test_enqueue_hash_reuses_a_queued_job(case, bob, image):
    evidence = _evidence(case, bob, location=str(image))
    assert enqueue_hash(evidence, now=NOW) == enqueue_hash(evidence, now=NOW)
    assert Job.objects.count() == 1


def test_enqueue_hash_queues_again_once_the_job_has_started(case, bob, image):
    evidence = _evidence(case, bob, location=str(image))
    first = enqueue_hash(evidence, now=NOW)
    assert claim(first.pk, "busy", NOW)
    second = enqueue_hash(evidence, now=NOW)
    assert second != first
    assert second.state == JobState.QUEUED


def test_a_file_outside_the_evidence_roots_is_not_read(case, bob, settings, image, tmp_path):
    settings.EVIDENCE_ROOTS = [tmp_path / "evidence-share"]
    evidence = _evidence(case, bob, location=str(image))
    with pytest.raises(PermanentError, match="outside the folders warroom may read"):
        hash_evidence({"evidence_id": evidence.pk})
    evidence.refresh_from_db()
    assert (evidence.sha256, evidence.size) == ("", None)


def test_a_symbolic_link_out_of_the_roots_is_not_followed(case, bob, settings, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "Security.evtx").symlink_to(settings.DATA_DIR / "secret_key")
    settings.EVIDENCE_ROOTS = [share.resolve()]
    evidence = _evidence(case, bob, location=str(share / "Security.evtx"))
    with pytest.raises(PermanentError, match="outside the folders"):
        hash_evidence({"evidence_id": evidence.pk})


def test_warroom_data_is_never_read(case, bob, settings):
    settings.EVIDENCE_ROOTS = [settings.DATA_DIR.parent]
    evidence = _evidence(case, bob, location=str(settings.DATA_DIR / "secret_key"))
    with pytest.raises(PermanentError, match="inside warroom's own data directory"):
        hash_evidence({"evidence_id": evidence.pk})
