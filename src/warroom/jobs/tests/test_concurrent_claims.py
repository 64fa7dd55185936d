"""Real concurrent workers, each thread with its own connection.

On SQLite the test database is a file (settings), so each thread has a connection of its own
and the claims contend for the write lock exactly as separate worker processes would.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from warroom.jobs.queue import enqueue
from warroom.jobs.tests.conftest import NOW
from warroom.jobs.worker import claim, claim_next

THREADS = 6


def _in_threads(work: Callable[[str], Any]) -> dict[str, Any]:
    """Run WORK(name) in THREADS threads released together; returns {name: result}."""
    barrier = threading.Barrier(THREADS)
    results: dict[str, Any] = {}

    def run(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[name] = work(name)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f"w{n}",)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == THREADS
    return results


@pytest.mark.django_db(transaction=True)
def test_one_job_is_claimed_by_exactly_one_worker():
    job = enqueue("test.ok", {}, now=NOW)
    results = _in_threads(lambda name: claim(job.pk, name, NOW))
    assert sorted(results.values()) == [False] * (THREADS - 1) + [True]


@pytest.mark.django_db(transaction=True)
def test_racing_workers_share_out_every_job_once():
    jobs = {enqueue("test.ok", {"n": n}, now=NOW).pk for n in range(60)}

    def drain(name):
        claimed = []
        while (job := claim_next(name, NOW)) is not None:
            claimed.append(job.pk)
        return claimed

    claimed = [pk for pks in _in_threads(drain).values() for pk in pks]
    assert sorted(claimed) == sorted(jobs)
