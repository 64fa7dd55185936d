from datetime import timedelta

import pytest
from django.db import transaction

from warroom.jobs.errors import UnknownJobKind
from warroom.jobs.models import Job, JobState
from warroom.jobs.queue import enqueue
from warroom.jobs.tests.conftest import NOW


def test_it_queues_a_due_job(db):
    job = enqueue("test.ok", {"n": 1}, now=NOW)
    job.refresh_from_db()
    assert (job.state, job.run_at, job.attempts, job.payload) == (JobState.QUEUED, NOW, 0, {"n": 1})
    assert list(Job.objects.due(NOW)) == [job]


def test_it_can_run_later(db):
    enqueue("test.ok", {}, run_at=NOW + timedelta(hours=1), now=NOW)
    assert not Job.objects.due(NOW).exists()
    assert Job.objects.due(NOW + timedelta(hours=1)).count() == 1


def test_it_refuses_an_unknown_kind(db):
    with pytest.raises(UnknownJobKind, match=r"cases\.nope"):
        enqueue("cases.nope", {})
    assert not Job.objects.exists()


def _change_that_fails() -> None:
    with transaction.atomic():
        enqueue("test.ok", {})
        raise RuntimeError("the change that needed the job failed")


def test_it_rolls_back_with_the_callers_transaction(db):
    with pytest.raises(RuntimeError):
        _change_that_fails()
    assert not Job.objects.exists()
