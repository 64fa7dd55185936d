"""Where a benchmark ran: the commit, so a table can be traced to the code it measured."""

from __future__ import annotations

import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def commit() -> str:
    """`git describe --always --dirty` of this checkout, or "unknown" outside one."""
    try:
        head = subprocess.run(
            ["git", "describe", "--always", "--dirty"],  # noqa: S607
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip()
