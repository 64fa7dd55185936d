from datetime import timedelta

from warroom.jobs.models import JobState
from warroom.jobs.queue import enqueue
from warroom.jobs.tests.conftest import NOW, at
from warroom.jobs.worker import LEASE, claim, claim_next, requeue_stale, run_job


def test_it_leaves_a_job_within_its_lease(db):
    job = enqueue("test.ok", {}, now=NOW)
    claim(job.pk, "dead", NOW)
    assert requeue_stale(NOW + LEASE - timedelta(seconds=1)) == 0
    job.refresh_from_db()
    assert job.state == JobState.RUNNING


def test_it_requeues_a_job_whose_worker_died(db):
    job = enqueue("test.ok", {}, now=NOW)
    claim(job.pk, "dead", NOW)
    later = NOW + LEASE + timedelta(seconds=1)
    assert requeue_stale(later) == 1
    job.refresh_from_db()
    assert (job.state, job.locked_by, job.run_at) == (JobState.QUEUED, "", later)
    assert "worker lost" in job.last_error
    again = claim_next("alive", later)
    assert again is not None
    assert (again.pk, again.attempts) == (job.pk, 2)


def test_it_fails_a_stale_job_with_no_attempts_left(db):
    job = enqueue("test.ok", {}, now=NOW, max_attempts=1)
    claim(job.pk, "dead", NOW)
    requeue_stale(NOW + LEASE + timedelta(seconds=1))
    job.refresh_from_db()
    assert job.state == JobState.FAILED


def test_a_worker_that_lost_its_lease_cannot_record_a_result(db):
    enqueue("test.ok", {}, now=NOW)
    slow = claim_next("slow", NOW)
    assert slow is not None
    later = NOW + LEASE + timedelta(seconds=1)
    requeue_stale(later)
    assert claim_next("fresh", later) is not None
    run_job(slow, clock=at(later))
    slow.refresh_from_db()
    assert (slow.state, slow.locked_by, slow.attempts) == (JobState.RUNNING, "fresh", 2)
