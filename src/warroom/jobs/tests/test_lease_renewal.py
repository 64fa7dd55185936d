"""A job that runs longer than the lease keeps it: its worker renews it while it runs."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection

from warroom.jobs.models import Job, JobState
from warroom.jobs.queue import enqueue
from warroom.jobs.tests import handlers
from warroom.jobs.tests.conftest import NOW
from warroom.jobs.worker import LEASE, claim_next, requeue_stale, run_job
from warroom.notify.testing import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_long_job_is_not_taken_for_a_dead_one():
    job = enqueue("test.slow", {"disk": "image.E01"}, now=NOW)
    claimed = claim_next("w1", NOW)
    assert claimed is not None
    minutes = itertools.count(1)  # each reading of the clock is a minute later

    def clock() -> datetime:
        return NOW + timedelta(minutes=next(minutes))

    outcome: list[JobState] = []

    def work() -> None:
        try:
            outcome.append(run_job(claimed, clock=clock, renew_every=timedelta(milliseconds=5)))
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        # Renewed past where the first lease ends, while the handler is still running.
        wait_until(lambda: (Job.objects.get(pk=job.pk).locked_at or NOW) > NOW + LEASE)
        # Before, a job running past LEASE was requeued here, and run again by another worker.
        assert requeue_stale(NOW + LEASE + timedelta(seconds=1)) == 0
        assert Job.objects.get(pk=job.pk).state == JobState.RUNNING
    finally:
        handlers.RELEASE.set()
        worker.join(timeout=30)
    assert outcome == [JobState.DONE]
    assert handlers.CALLS == [{"disk": "image.E01"}]


def test_a_job_taken_over_is_not_renewed_by_its_old_worker():
    job = enqueue("test.slow", {}, now=NOW)
    claimed = claim_next("w1", NOW)
    assert claimed is not None
    # Another worker took it over (w1 was thought dead): w1's renewals must not touch it.
    Job.objects.filter(pk=job.pk).update(locked_by="w2", locked_at=NOW)
    readings: list[int] = []

    def clock() -> datetime:
        readings.append(1)
        return NOW + LEASE

    def work() -> None:
        try:
            run_job(claimed, clock=clock, renew_every=timedelta(milliseconds=1))
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        # The third reading of the clock comes after the second renewal was tried.
        wait_until(lambda: len(readings) >= 3, timeout=30)
    finally:
        handlers.RELEASE.set()
        worker.join(timeout=30)
    row = Job.objects.get(pk=job.pk)
    assert (row.locked_by, row.locked_at) == ("w2", NOW)
