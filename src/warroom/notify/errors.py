"""The notify package's exceptions, one hierarchy.

    NotifyError          base of everything below
    └── DeliveryFailed   one attempt at sending a delivery did not get through; `retry` says
                         whether trying again later can help (a 503 can, a 404 cannot)

The job handler (`tasks.deliver`) turns a DeliveryFailed that cannot be retried, or the last
allowed attempt, into the jobs package's PermanentError; any other it re-raises, and the worker
retries the job with back-off.
"""

from __future__ import annotations

from datetime import timedelta


class NotifyError(Exception):
    """Base of the notify package's exceptions."""


class DeliveryFailed(NotifyError):
    """An attempt failed; STATUS_CODE is the HTTP or SMTP reply code when there was one.

    RETRY_AFTER is how long the receiver asked to be left alone (its Retry-After header); the
    worker waits at least that long before the next attempt.
    """

    def __init__(
        self,
        message: str,
        *,
        retry: bool,
        status_code: int | None = None,
        retry_after: timedelta | None = None,
    ) -> None:
        super().__init__(message)
        self.retry = retry
        self.status_code = status_code
        self.retry_after = retry_after
