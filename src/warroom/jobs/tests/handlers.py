"""Job handlers the tests register under "test.*" kinds (see conftest.py)."""

from __future__ import annotations

import os
import signal

from warroom.jobs.errors import PermanentError
from warroom.jobs.registry import Payload

CALLS: list[Payload] = []


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
