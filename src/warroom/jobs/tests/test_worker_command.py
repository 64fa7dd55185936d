"""The worker as an operator runs it: a process that stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
import threading

import pytest


@pytest.fixture(scope="module")
def sqlite_env(tmp_path_factory):
    """Environment for a child process with its own migrated SQLite file database."""
    env = {**os.environ, "WARROOM_DATA": str(tmp_path_factory.mktemp("data"))}
    env.pop("WARROOM_DATABASE_URL", None)
    migrate = [sys.executable, "-m", "warroom.manage", "migrate", "--verbosity", "0"]
    subprocess.run(migrate, env=env, check=True, timeout=120)  # noqa: S603
    return env


def test_it_exits_0_soon_after_sigterm(sqlite_env):
    # A long poll interval: the worker must answer SIGTERM while sleeping between polls.
    command = [sys.executable, "-m", "warroom.manage", "worker", "--poll-interval", "60"]
    proc = subprocess.Popen(command, env=sqlite_env, stderr=subprocess.PIPE, text=True)  # noqa: S603
    guard = threading.Timer(60, proc.kill)  # never hang the test run
    guard.start()
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "started" in line:
                break
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
    finally:
        guard.cancel()
        proc.kill()
        proc.wait()


def test_once_runs_due_jobs_and_exits(sqlite_env):
    command = [sys.executable, "-m", "warroom.manage", "worker", "--once"]
    done = subprocess.run(command, env=sqlite_env, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert done.returncode == 0
    assert "Ran 0 job(s)." in done.stdout
