"""The worker: claim due jobs with a conditional UPDATE, run them, record how it went.

    run_worker(stop)    the loop behind `warroom worker` and `manage.py worker`; returns 0 after
                        SIGTERM or SIGINT, once the job in hand is finished
    run_once()          run every due job, then return (tests, cron)
    claim(job_id, ...)  one conditional UPDATE: True for exactly one of any number of racers
    requeue_stale(now)  give back jobs whose worker died without finishing them
    requeue_orphans(now)  at once, the jobs of workers on this host whose process is gone

Modelled on healthchecks' `sendalerts`. A claim is `UPDATE ... WHERE id = ? AND state =
'queued'`: on PostgreSQL the loser waits for the winner's row lock, re-reads the row and
matches nothing; on SQLite writers are serialised. Every later change to the job is fenced by
(worker, attempt), so a worker that lost its lease cannot overwrite the result of the worker
that took the job over.

Handlers run outside any transaction: hashing a disk image takes minutes and must not hold
SQLite's write lock; each handler opens its own short transactions.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from django.db import DatabaseError, close_old_connections, connection
from django.db.models import F, QuerySet
from django.utils import timezone

from warroom.jobs.errors import PermanentError, UnknownJobKind
from warroom.jobs.models import Job, JobState
from warroom.jobs.registry import handler_for

__all__ = [
    "LEASE",
    "RENEW_EVERY",
    "backoff",
    "claim",
    "claim_next",
    "requeue_orphans",
    "requeue_stale",
    "retry_delay",
    "run_job",
    "run_once",
    "run_worker",
]

logger = logging.getLogger("warroom.jobs")

Clock = Callable[[], datetime]
Stop = threading.Event | Callable[[], bool]

# A job whose lease was not renewed for this long is taken to belong to a dead worker. The
# worker running it renews it every RENEW_EVERY while the handler runs (hashing a disk image
# from a network share can take hours), so only a dead or stuck worker lets it lapse.
LEASE = timedelta(minutes=30)
RENEW_EVERY = timedelta(minutes=5)
BACKOFF_BASE_SECONDS = 10
BACKOFF_CAP_SECONDS = 3600
TICK_SECONDS = 0.2  # how often a sleeping worker checks whether it was asked to stop
CANDIDATES = 10
TRACE_FRAMES = 5
ERROR_LIMIT = 8000
WORKER_ID_LENGTH = 100  # Job.locked_by's max_length


def default_worker_id() -> str:
    """host:pid, which tells an operator where a running job is running."""
    return f"{socket.gethostname()}:{os.getpid()}"[:WORKER_ID_LENGTH]


def backoff(attempts: int, jitter: float | None = None) -> timedelta:
    """How long to wait after the ATTEMPTS-th failure: 20 s, 40 s, 80 s, ... up to an hour.

    JITTER (0..1, random when None) adds up to 10% so jobs that failed together do not all
    come back in the same second.
    """
    if jitter is None:
        jitter = random.random()  # noqa: S311 (spreading retries, not a secret)
    seconds = min(BACKOFF_BASE_SECONDS * 2**attempts, BACKOFF_CAP_SECONDS)
    return timedelta(seconds=seconds * (1 + 0.1 * jitter))


def retry_delay(attempts: int, exc: BaseException, jitter: float | None = None) -> timedelta:
    """The back-off, or longer when EXC asks for it (`retry_after`), capped at an hour."""
    delay = backoff(attempts, jitter)
    asked = getattr(exc, "retry_after", None)
    if isinstance(asked, timedelta):
        delay = max(delay, min(asked, timedelta(seconds=BACKOFF_CAP_SECONDS)))
    return delay


def claim(job_id: int, worker_id: str, now: datetime) -> bool:
    """Take job JOB_ID for WORKER_ID if it is still queued and due; True if this call won."""
    updated = Job.objects.filter(pk=job_id, state=JobState.QUEUED, run_at__lte=now).update(
        state=JobState.RUNNING,
        locked_by=worker_id,
        locked_at=now,
        attempts=F("attempts") + 1,
    )
    return updated == 1


def claim_next(worker_id: str, now: datetime) -> Job | None:
    """Claim the oldest due job, skipping any another worker takes first; None if none is due."""
    while True:
        candidates = list(Job.objects.due(now).values_list("pk", flat=True)[:CANDIDATES])
        if not candidates:
            return None
        # Every lost claim means another worker took that job, so the due set shrinks and
        # this loop ends.
        for job_id in candidates:
            if claim(job_id, worker_id, now):
                return Job.objects.get(pk=job_id)


def requeue_stale(now: datetime, lease: timedelta = LEASE) -> int:
    """Give back jobs left running longer than LEASE; fail those with no attempts left."""
    stale = Job.objects.filter(state=JobState.RUNNING, locked_at__lt=now - lease)
    # Read first: an idle worker polls every second, and on SQLite even an UPDATE that matches
    # nothing takes the database's single write lock.
    if not stale.exists():
        return 0
    reason = f"worker lost: no result within {lease}"
    failed = stale.filter(attempts__gte=F("max_attempts")).update(
        state=JobState.FAILED, finished_at=now, last_error=reason
    )
    # The failed rows are no longer running, so this second UPDATE does not see them.
    requeued = stale.update(
        state=JobState.QUEUED, run_at=now, locked_by="", locked_at=None, last_error=reason
    )
    if failed or requeued:
        logger.warning("stale jobs: %d requeued, %d failed (%s)", requeued, failed, reason)
    return failed + requeued


def requeue_orphans(now: datetime) -> int:
    """Give back at once the running jobs of workers on this host whose process has died.

    A worker's id is `host:pid` (`default_worker_id`). A job held by this host under a pid
    that no longer runs cannot be finished by anyone, so it need not wait out its lease: it is
    requeued (or failed, with no attempts left) now. Jobs of live processes, of other hosts,
    and under ids of another shape are left to the lease. A pid reused by an unrelated process
    looks alive; the lease still catches that job.
    """
    prefix = f"{socket.gethostname()}:"
    running = Job.objects.filter(state=JobState.RUNNING, locked_by__startswith=prefix)
    orphans = [
        (pk, locked_by, attempts)
        for pk, locked_by, attempts in running.values_list("pk", "locked_by", "attempts")
        # An id at the column's full length may have lost digits of its pid: leave it alone.
        if len(locked_by) < WORKER_ID_LENGTH and _pid_is_dead(locked_by.removeprefix(prefix))
    ]
    given_back = sum(
        _give_back(pk, locked_by, attempts, now) for pk, locked_by, attempts in orphans
    )
    if given_back:
        logger.warning("%d job(s) of dead workers on this host given back", given_back)
    return given_back


def _pid_is_dead(pid_text: str) -> bool:
    """True if PID_TEXT is a process id and no such process runs (a zombie counts as dead)."""
    if not pid_text.isdigit() or int(pid_text) <= 0:
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it runs, as another user
    try:
        # Killed but not yet reaped by its parent: it will never run a line again.
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def _give_back(pk: int, locked_by: str, attempts: int, now: datetime) -> int:
    """Requeue (or fail, with no attempts left) one orphan; fenced like every result."""
    reason = f"worker lost: {locked_by} is no longer running"
    mine = Job.objects.filter(pk=pk, state=JobState.RUNNING, locked_by=locked_by, attempts=attempts)
    if mine.filter(attempts__gte=F("max_attempts")).update(
        state=JobState.FAILED, finished_at=now, last_error=reason
    ):
        return 1
    return mine.update(
        state=JobState.QUEUED, run_at=now, locked_by="", locked_at=None, last_error=reason
    )


def run_job(
    job: Job, *, clock: Clock = timezone.now, renew_every: timedelta = RENEW_EVERY
) -> JobState:
    """Run claimed JOB's handler and record the outcome; returns the job's new state.

    While the handler runs, a thread renews the job's lease every RENEW_EVERY.
    """
    logger.info("%s started, attempt %d of %d", _name(job), job.attempts, job.max_attempts)
    started = time.monotonic()
    try:
        with _lease_renewed(job, renew_every, clock):
            handler_for(job.kind)(job.payload)
    except (PermanentError, UnknownJobKind) as exc:
        return _fail(job, exc, clock())
    except Exception as exc:
        if job.attempts >= job.max_attempts:
            return _fail(job, exc, clock())
        return _retry(job, exc, clock())
    _settle(job, state=JobState.DONE, finished_at=clock(), last_error="")
    logger.info("%s done in %.1f s", _name(job), time.monotonic() - started)
    return JobState.DONE


def run_once(
    *,
    worker_id: str | None = None,
    clock: Clock = timezone.now,
    stop: Stop | None = None,
    lease: timedelta = LEASE,
) -> int:
    """Run due jobs one after another until none is due (or STOP); returns how many ran."""
    worker_id = worker_id or default_worker_id()
    should_stop = _as_callable(stop)
    requeue_orphans(clock())
    requeue_stale(clock(), lease)
    ran = 0
    while not should_stop() and (job := claim_next(worker_id, clock())) is not None:
        run_job(job, clock=clock)
        ran += 1
    return ran


def run_worker(
    stop: Stop | None = None,
    *,
    poll_interval: float = 1.0,
    worker_id: str | None = None,
    clock: Clock = timezone.now,
    lease: timedelta = LEASE,
) -> int:
    """Run jobs until asked to stop, then return the exit status 0.

    STOP is a threading.Event or a function that returns True when the worker should stop.
    Called from the main thread, it also stops on SIGTERM and SIGINT (handlers are restored on
    return). A stop request lets the job in hand finish; between polls the worker sleeps in
    short ticks, so it answers within a fraction of a second when idle.
    """
    event = stop if isinstance(stop, threading.Event) else threading.Event()
    extra = _as_callable(stop)

    def should_stop() -> bool:
        return event.is_set() or extra()

    worker_id = worker_id or default_worker_id()
    with _stop_on_signals(event):
        # Logged once the signal handlers are in place: from here on SIGTERM is a clean stop.
        logger.info("worker %s started, polling every %s s", worker_id, poll_interval)
        while not should_stop():
            if _poll(worker_id, clock, should_stop, lease) == 0:
                _sleep(poll_interval, should_stop)
    logger.info("worker %s stopped", worker_id)
    return 0


def _poll(worker_id: str, clock: Clock, should_stop: Callable[[], bool], lease: timedelta) -> int:
    # Long-lived process: drop connections the database closed or that outlived their age,
    # as Django does around each request. Never inside a caller's transaction (tests).
    if not connection.in_atomic_block:
        close_old_connections()
    try:
        return run_once(worker_id=worker_id, clock=clock, stop=should_stop, lease=lease)
    except DatabaseError:
        # A database that is restarting or locked must not kill the worker; try next poll.
        logger.exception(
            "worker %s: database error, trying again after the poll interval", worker_id
        )
        return 0


def _sleep(seconds: float, should_stop: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while not should_stop() and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(TICK_SECONDS, left))


@contextmanager
def _stop_on_signals(event: threading.Event) -> Iterator[None]:
    """Set EVENT on SIGTERM/SIGINT while inside; only the main thread may install handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        # Only set the flag: the loop logs and stops at a safe point.
        event.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        if event.is_set():
            logger.info("stop requested; the job in hand (if any) was finished")


def _as_callable(stop: Stop | None) -> Callable[[], bool]:
    if stop is None:
        return lambda: False
    if isinstance(stop, threading.Event):
        return stop.is_set
    return stop


def _fail(job: Job, exc: BaseException, now: datetime) -> JobState:
    _settle(job, state=JobState.FAILED, finished_at=now, last_error=_summary(exc))
    logger.error("%s failed for good: %s", _name(job), exc, exc_info=exc)
    return JobState.FAILED


def _retry(job: Job, exc: BaseException, now: datetime) -> JobState:
    run_at = now + retry_delay(job.attempts, exc)
    _settle(
        job,
        state=JobState.QUEUED,
        run_at=run_at,
        locked_by="",
        locked_at=None,
        last_error=_summary(exc),
    )
    logger.warning("%s failed, retry at %s: %s", _name(job), run_at.isoformat(), exc)
    return JobState.QUEUED


@contextmanager
def _lease_renewed(job: Job, every: timedelta, clock: Clock) -> Iterator[None]:
    """Renew JOB's lease (its `locked_at`) every EVERY until the block ends.

    The renewal is fenced like a result: once another worker has taken the job over, it
    renews nothing. A failed renewal (a locked SQLite database, say) is logged and tried again
    at the next tick; the lease is long enough to miss several.
    """
    done = threading.Event()
    mine = _held(job)

    def renew() -> None:
        try:
            while not done.wait(every.total_seconds()):
                try:
                    mine.update(locked_at=clock())
                except DatabaseError as exc:
                    logger.warning("%s: lease not renewed: %s", _name(job), exc)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=renew, name=f"lease-{job.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _held(job: Job) -> QuerySet[Job]:
    """JOB's row while it is still this worker's run of it: the fence of every write."""
    return Job.objects.filter(
        pk=job.pk, state=JobState.RUNNING, locked_by=job.locked_by, attempts=job.attempts
    )


def _settle(job: Job, **fields: Any) -> None:
    """Record the outcome, only if JOB is still this worker's run of it."""
    if _held(job).update(**fields) != 1:
        logger.warning("%s: lease lost; another worker took it over, result dropped", _name(job))


def _summary(exc: BaseException) -> str:
    """The error first, then the innermost frames of its traceback, bounded in size."""
    trace = "".join(traceback.format_exception(exc, limit=-TRACE_FRAMES))
    return f"{type(exc).__name__}: {exc}\n\n{trace}"[:ERROR_LIMIT]


def _name(job: Job) -> str:
    return f"job {job.pk} {job.kind}"
