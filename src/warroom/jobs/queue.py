"""Putting work on the queue.

`enqueue` is a plain INSERT on the default database. Call it inside the transaction of the
change that needs the work: the job commits or rolls back with that change, and no worker can
see it before the commit, so `transaction.on_commit` is not needed (and would lose the job if
the process died between the commit and the callback).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from warroom.jobs.models import Job
from warroom.jobs.registry import Payload, check_kind


def enqueue(
    kind: str,
    payload: Payload,
    *,
    run_at: datetime | None = None,
    now: datetime | None = None,
    max_attempts: int = 5,
) -> Job:
    """Queue a job of KIND (a key of `registry.HANDLERS`) to run at RUN_AT, default now.

    PAYLOAD must be JSON-serialisable; raises UnknownJobKind for an unregistered kind.
    """
    check_kind(kind)
    now = now or timezone.now()
    return Job.objects.create(
        kind=kind,
        payload=payload,
        run_at=run_at or now,
        created_at=now,
        max_attempts=max_attempts,
    )
