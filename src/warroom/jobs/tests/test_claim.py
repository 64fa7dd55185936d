from datetime import timedelta

from warroom.jobs.models import JobState
from warroom.jobs.queue import enqueue
from warroom.jobs.tests.conftest import NOW
from warroom.jobs.worker import claim, claim_next


def test_only_the_first_claim_wins(db):
    job = enqueue("test.ok", {}, now=NOW)
    assert claim(job.pk, "w1", NOW) is True
    assert claim(job.pk, "w2", NOW) is False
    job.refresh_from_db()
    assert (job.state, job.locked_by, job.locked_at, job.attempts) == (
        JobState.RUNNING,
        "w1",
        NOW,
        1,
    )


def test_it_does_not_claim_a_job_before_its_time(db):
    job = enqueue("test.ok", {}, run_at=NOW + timedelta(seconds=1), now=NOW)
    assert claim(job.pk, "w1", NOW) is False
    assert claim_next("w1", NOW) is None


def test_it_claims_the_oldest_due_job_first(db):
    later = enqueue("test.ok", {"n": 2}, run_at=NOW - timedelta(minutes=1), now=NOW)
    first = enqueue("test.ok", {"n": 1}, run_at=NOW - timedelta(minutes=5), now=NOW)
    assert claim_next("w1", NOW) == first
    assert claim_next("w1", NOW) == later
    assert claim_next("w1", NOW) is None


def test_it_skips_a_job_another_worker_took(db):
    taken = enqueue("test.ok", {"n": 1}, run_at=NOW - timedelta(minutes=5), now=NOW)
    free = enqueue("test.ok", {"n": 2}, now=NOW)
    assert claim(taken.pk, "w2", NOW)
    assert claim_next("w1", NOW) == free
