"""Job handlers the tests register under "test.*" kinds (see conftest.py)."""

from __future__ import annotations

import os
import signal
import threading

from warroom.jobs.errors import PermanentError
from warroom.jobs.registry import Payload

CALLS: list[Payload] = []
RELEASE = threading.Event()  # `slow` runs until a test sets it


def ok(payload: Payload) -> None:
    CALLS.append(payload)


def boom(payload: Payload) -> None:
    raise RuntimeError(f"share not mounted for {payload}")


def permanent(payload: Payload) -> None:
    raise PermanentError("evidence was deleted")


def sigterm_self(payload: Payload) -> None:
    """Ask our own process to stop while a job is in hand; the job must still finish."""
    os.kill(os.getpid(), signal.SIGTERM)
    CALLS.append(payload)


def slow(payload: Payload) -> None:
    """A long job: runs until the test releases it (a minute at most, should a test fail)."""
    RELEASE.wait(timeout=60)
    CALLS.append(payload)
