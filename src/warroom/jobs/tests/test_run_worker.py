import signal
import threading

from django.db import OperationalError

from warroom.jobs import worker
from warroom.jobs.models import JobState
from warroom.jobs.queue import enqueue
from warroom.jobs.tests.conftest import NOW, at
from warroom.jobs.worker import run_worker


def test_it_finishes_the_job_in_hand_on_sigterm_then_returns_0(db, test_handlers):
    before = signal.getsignal(signal.SIGTERM)
    first = enqueue("test.sigterm_self", {"n": 1}, now=NOW)
    second = enqueue("test.ok", {"n": 2}, now=NOW)
    assert run_worker(poll_interval=0.01, worker_id="w1", clock=at(NOW)) == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (JobState.DONE, JobState.QUEUED)
    assert test_handlers == [{"n": 1}]
    assert signal.getsignal(signal.SIGTERM) is before


def test_it_stops_when_the_stop_function_says_so(db, test_handlers):
    enqueue("test.ok", {"n": 1}, now=NOW)
    polls = iter(range(100))
    assert run_worker(lambda: next(polls) >= 5, poll_interval=0.001, clock=at(NOW)) == 0
    assert test_handlers == [{"n": 1}]


def test_a_set_event_stops_it_before_any_job(db, test_handlers):
    enqueue("test.ok", {}, now=NOW)
    stop = threading.Event()
    stop.set()
    assert run_worker(stop, clock=at(NOW)) == 0
    assert test_handlers == []


def test_a_database_error_does_not_kill_it(db, monkeypatch, caplog):
    outcomes = iter([OperationalError("database is locked"), 0])

    def flaky_run_once(**kwargs):
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(worker, "run_once", flaky_run_once)
    polls = iter(range(100))
    assert run_worker(lambda: next(polls) >= 4, poll_interval=0.001) == 0
    assert "database error" in caplog.text
