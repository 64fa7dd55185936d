from datetime import datetime, timedelta

from warroom.jobs.models import Job, JobState
from warroom.jobs.queue import enqueue
from warroom.jobs.tests.conftest import NOW, at
from warroom.jobs.worker import backoff, claim_next, run_job, run_once


def _run_next(when: datetime) -> JobState:
    job = claim_next("w1", when)
    assert job is not None
    return run_job(job, clock=at(when))


def test_it_runs_the_handler_and_marks_done(db, test_handlers):
    job = enqueue("test.ok", {"evidence_id": 7}, now=NOW)
    assert _run_next(NOW) == JobState.DONE
    job.refresh_from_db()
    assert (job.state, job.finished_at, job.attempts) == (JobState.DONE, NOW, 1)
    assert test_handlers == [{"evidence_id": 7}]


def test_it_retries_with_backoff(db):
    job = enqueue("test.boom", {"n": 1}, now=NOW)
    assert _run_next(NOW) == JobState.QUEUED
    job.refresh_from_db()
    assert "RuntimeError: share not mounted" in job.last_error
    assert "Traceback" in job.last_error
    # Two times ten seconds after the first failure, plus at most 10% jitter.
    assert NOW + timedelta(seconds=20) <= job.run_at <= NOW + timedelta(seconds=22)
    assert (job.locked_by, job.locked_at) == ("", None)
    assert claim_next("w1", NOW + timedelta(seconds=19)) is None
    assert _run_next(job.run_at) == JobState.QUEUED
    job.refresh_from_db()
    assert job.attempts == 2
    assert job.run_at >= NOW + timedelta(seconds=20 + 40)


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n, jitter=0).total_seconds() for n in (1, 2, 3)] == [20, 40, 80]
    assert backoff(20, jitter=0) == timedelta(hours=1)
    assert backoff(1, jitter=1) == timedelta(seconds=22)


def test_it_fails_after_max_attempts(db):
    job = enqueue("test.boom", {}, now=NOW, max_attempts=3)
    when = NOW
    for expected in [JobState.QUEUED, JobState.QUEUED, JobState.FAILED]:
        assert _run_next(when) == expected
        when += timedelta(hours=2)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.FAILED, 3)
    assert job.finished_at == NOW + timedelta(hours=4)
    assert "share not mounted" in job.last_error
    assert claim_next("w1", when) is None


def test_a_permanent_error_fails_at_once(db):
    job = enqueue("test.permanent", {}, now=NOW)
    assert _run_next(NOW) == JobState.FAILED
    job.refresh_from_db()
    assert (job.attempts, job.finished_at) == (1, NOW)
    assert job.last_error.startswith("PermanentError: evidence was deleted")


def test_a_kind_no_longer_registered_fails_at_once(db, monkeypatch):
    from warroom.jobs import registry

    job = enqueue("test.ok", {}, now=NOW)
    monkeypatch.delitem(registry.HANDLERS, "test.ok")
    assert _run_next(NOW) == JobState.FAILED
    job.refresh_from_db()
    assert "unknown job kind 'test.ok'" in job.last_error


def test_run_once_runs_every_due_job(db, test_handlers):
    for n in range(3):
        enqueue("test.ok", {"n": n}, now=NOW)
    enqueue("test.ok", {"n": "later"}, run_at=NOW + timedelta(minutes=1), now=NOW)
    assert run_once(clock=at(NOW)) == 3
    assert test_handlers == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert Job.objects.filter(state=JobState.QUEUED).count() == 1


def test_run_once_reads_the_real_clock_by_default(db, time_machine):
    time_machine.move_to(NOW, tick=False)
    enqueue("test.ok", {}, run_at=NOW + timedelta(seconds=30))
    assert run_once() == 0
    time_machine.move_to(NOW + timedelta(seconds=30), tick=False)
    assert run_once() == 1
