"""`python -m warroom.manage worker`: the same loop as `warroom worker`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from warroom.jobs.worker import run_once, run_worker


class Command(BaseCommand):
    help = "Run background jobs until SIGTERM or Ctrl-C; the job in hand is finished first."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--poll-interval", type=float, default=1.0, help="Seconds between looks for due jobs."
        )
        parser.add_argument("--once", action="store_true", help="Run the due jobs, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            ran = run_once()
            self.stdout.write(f"Ran {ran} job(s).")
            return
        run_worker(poll_interval=options["poll_interval"])
