"""Jobs of a worker that died on this host are given back at once, not after the lease."""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from warroom.jobs.models import Job, JobState
from warroom.jobs.queue import enqueue
from warroom.jobs.tests.conftest import NOW
from warroom.jobs.worker import claim, requeue_orphans, run_once

HOST = socket.gethostname()


def _exited_pid() -> int:
    """The pid of a process that has run, exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def zombie_pid() -> Iterator[int]:
    """The pid of a killed child not yet reaped: a zombie, which will never run again."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    os.kill(child.pid, signal.SIGKILL)
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)  # dead, and left unreaped
    yield child.pid
    child.wait()


def _running(worker_id: str, **fields: Any) -> Job:
    job = enqueue("test.ok", {}, now=NOW, **fields)
    assert claim(job.pk, worker_id, NOW)
    return job


def test_it_requeues_at_once_the_job_of_a_dead_worker_on_this_host(db):
    worker_id = f"{HOST}:{_exited_pid()}"
    job = _running(worker_id)
    assert requeue_orphans(NOW) == 1
    job.refresh_from_db()
    assert (job.state, job.locked_by, job.locked_at, job.run_at) == (JobState.QUEUED, "", None, NOW)
    assert job.last_error == f"worker lost: {worker_id} is no longer running"


def test_a_killed_worker_not_yet_reaped_counts_as_dead(db, zombie_pid):
    job = _running(f"{HOST}:{zombie_pid}")
    assert requeue_orphans(NOW) == 1
    job.refresh_from_db()
    assert job.state == JobState.QUEUED


def test_it_leaves_the_job_of_a_live_worker_on_this_host(db):
    job = _running(f"{HOST}:{os.getpid()}")
    assert requeue_orphans(NOW) == 0
    job.refresh_from_db()
    assert (job.state, job.locked_by) == (JobState.RUNNING, f"{HOST}:{os.getpid()}")


def test_it_leaves_the_jobs_of_other_hosts_to_the_lease(db):
    job = _running(f"another-{HOST}:{_exited_pid()}")
    assert requeue_orphans(NOW) == 0
    job.refresh_from_db()
    assert job.state == JobState.RUNNING


@pytest.mark.parametrize("suffix", ["worker-1", "0", ""], ids=["name", "pid-0", "empty"])
def test_it_leaves_worker_ids_that_name_no_pid(db, suffix):
    job = _running(f"{HOST}:{suffix}")
    assert requeue_orphans(NOW) == 0
    job.refresh_from_db()
    assert job.state == JobState.RUNNING


def test_it_fails_an_orphan_with_no_attempts_left(db):
    job = _running(f"{HOST}:{_exited_pid()}", max_attempts=1)
    assert requeue_orphans(NOW) == 1
    job.refresh_from_db()
    assert (job.state, job.finished_at) == (JobState.FAILED, NOW)
    assert "no longer running" in job.last_error


def test_a_new_worker_runs_the_orphan_at_start(db, test_handlers):
    job = _running(f"{HOST}:{_exited_pid()}")
    assert run_once(worker_id=f"{HOST}:{os.getpid()}", clock=lambda: NOW) == 1
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert test_handlers == [{}]
