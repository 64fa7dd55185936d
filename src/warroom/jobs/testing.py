"""For tests that kill a real worker process mid-job: its environment and the process itself.

    env = worker_environment(tmp_path, smtp.env, {"WARROOM_STATUS_URL": ...})
    with worker_process(env, tmp_path / "first.log") as worker:
        ...  # wait until it is mid-delivery
        worker.kill()

The process reaches the test's own database (SQLite with the settings' options, or the
PostgreSQL test database) and nothing else of the caller's WARROOM_* environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

from django.db import connection

__all__ = ["test_database_url", "worker_environment", "worker_process"]


def test_database_url() -> str:
    """The test database, as a worker process must reach it."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        # The options settings.py gives SQLite (WAL, IMMEDIATE writes, a patient lock).
        options = {name: str(value) for name, value in db["OPTIONS"].items()}
        return f"sqlite:///{db['NAME']}?{urlencode(options)}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{user}{password}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"


test_database_url.__test__ = False  # type: ignore[attr-defined]  # not a test, for pytest


def worker_environment(data: Path, *extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without WARROOM_*, then DATA, the test database and EXTRA."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "warroom.settings",
        "WARROOM_DATA": str(data),
        "WARROOM_DATABASE_URL": test_database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    for more in extra:
        env |= more
    return env


@contextmanager
def worker_process(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A `warroom worker` process; killed on the way out if the test has not stopped it."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "warroom.cli", "worker", "--poll", "0.2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
