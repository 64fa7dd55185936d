"""A job is a row: what to run (kind and payload), when (run_at) and how it went.

State moves queued → running → done, or back to queued with a later run_at after a failure,
or to failed when attempts run out. Only the worker (`worker.py`) changes state, always with a
conditional UPDATE so two workers never both own a job.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class JobQuerySet(models.QuerySet["Job"]):
    def due(self, now: datetime) -> JobQuerySet:
        """Queued jobs whose time has come, oldest first."""
        return self.filter(state=JobState.QUEUED, run_at__lte=now).order_by("run_at", "id")


class Job(models.Model):
    """One unit of background work, claimed and run by `warroom worker`."""

    kind = models.CharField(max_length=100, help_text="A key of warroom.jobs.registry.HANDLERS.")
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    run_at = models.DateTimeField(default=timezone.now, help_text="Not run before this time.")
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    locked_by = models.CharField(max_length=100, blank=True, help_text="Worker running it.")
    locked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["state", "run_at"], name="job_claim")]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} ({self.state})"
