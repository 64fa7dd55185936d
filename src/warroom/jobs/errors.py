"""The jobs package's exceptions, one hierarchy.

    JobError                 base of everything below
    ├── UnknownJobKind       a kind not in `registry.HANDLERS` (a programming error)
    └── PermanentError       raised by a handler: retrying cannot help, fail the job now

Any other exception a handler raises is treated as transient: the job is retried with back-off
until it has used `max_attempts`. An exception with a `retry_after` attribute (a timedelta, as
a receiver's Retry-After header asks) waits at least that long, up to an hour. This module
imports nothing from Django so handlers anywhere can raise `PermanentError` without pulling in
the worker.
"""

from __future__ import annotations


class JobError(Exception):
    """Base of the jobs package's exceptions."""


class UnknownJobKind(JobError):
    """A job kind that is not in the registry."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"unknown job kind {kind!r}: add it to warroom.jobs.registry.HANDLERS")
        self.kind = kind


class PermanentError(JobError):
    """Raised by a handler when retrying cannot help; the job fails at once with this message."""
