"""`warroom up` end to end: a fresh data directory, first admin, web and worker, clean stop."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[str], seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"warroom up exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {seconds} s")


def _start(data: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    env |= {"WARROOM_DATA": str(data), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "warroom.cli", "up", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen[str]) -> str:
    # Ctrl-C in a terminal signals the whole process group: the server and its worker.
    os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=40)
    return output


def test_it_runs_web_and_worker_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    process = _start(tmp_path, port)
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/accounts/login/", process) == 200
        # The worker process is the server's child; it must be alive while the server runs.
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert children, "no worker process was started"
    finally:
        output = _stop(process)
    assert process.returncode == 0, output
    assert re.search(r"created administrator admin with the one-time password", output), output
    assert "warroom stopped." in output
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "warroom.sqlite3").exists()


def test_second_start_keeps_the_admin_and_the_key(tmp_path: Path) -> None:
    for run in range(2):
        port = _free_port()
        process = _start(tmp_path, port)
        try:
            _wait_for(f"http://127.0.0.1:{port}/accounts/login/", process)
        finally:
            output = _stop(process)
        if run == 0:
            key = (tmp_path / "secret_key").read_text()
    assert "one-time password" not in output
    assert (tmp_path / "secret_key").read_text() == key
