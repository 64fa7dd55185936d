from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from warroom.jobs import registry
from warroom.jobs.tests import handlers

NOW = datetime(2025, 8, 12, 7, 0, tzinfo=UTC)


def at(when: datetime) -> Callable[[], datetime]:
    """A clock that always says WHEN."""
    return lambda: when


@pytest.fixture(autouse=True)
def test_handlers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[registry.Payload]]:
    """Register the test handlers; yields the list of payloads `ok` was called with."""
    for name in ["ok", "boom", "permanent", "sigterm_self", "slow"]:
        monkeypatch.setitem(registry.HANDLERS, f"test.{name}", f"{handlers.__name__}.{name}")
    handlers.CALLS.clear()
    handlers.RELEASE.clear()
    yield handlers.CALLS
    handlers.RELEASE.set()
    handlers.CALLS.clear()
