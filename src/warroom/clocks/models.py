"""Regulatory clocks on a case: the facts that start them, the obligations, what was sent.

The rules themselves are data (`regimes/*.yaml`, read by `regimes.py`) and the arithmetic is
pure (`engine.py`); these tables hold only what happened on one case:

- `Fact`: one answer of the applicability questionnaire (or a time such as `aware_at`), as a
  person decided it. Answers are never edited: a change is a newer row, so the history of who
  decided what, and when, stays. The newest row per (case, name) is the current answer.
- `Obligation`: one step of one regime that the current facts create (the NIS2 early warning
  to Germany's CSIRT, say), with its computed deadline. Recomputing updates these rows in
  place by `key`; an obligation the facts no longer create is kept, marked not applicable.
- `Submission`: how and when the step was sent, with the regulator's reference and the file.
- `Draft`: the text being prepared for the step, field by field in the regulator's order.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from warroom.cases.models import Incident
from warroom.clocks.choices import ClockState, ObligationStatus, SubmissionMethod

USER = settings.AUTH_USER_MODEL

# An open obligation is "due soon" when less than this share of its window is left, or less
# than DUE_SOON_FLOOR, whichever is longer.
DUE_SOON_SHARE = 0.25
DUE_SOON_FLOOR = timedelta(hours=4)


class Fact(models.Model):
    """One recorded answer: NAME (a key of FACTS.json, docs/clocks.md) has VALUE."""

    case = models.ForeignKey(Incident, models.CASCADE, related_name="clock_facts")
    name = models.CharField(max_length=40)
    # The value exactly as FACTS.json holds it: an ISO 8601 time, a bool, a list of codes.
    # JSON null means "not known yet" (an answer withdrawn).
    value = models.JSONField(null=True)
    decided_by = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(help_text="When the person recorded the answer.")
    note = models.TextField(blank=True, help_text="Why, or on what information.")

    class Meta:
        ordering = ["case", "name", "-decided_at", "-id"]
        indexes = [models.Index(fields=["case", "name", "-decided_at"], name="clock_fact_newest")]

    def __str__(self) -> str:
        return f"{self.name} = {self.value!r}"


class ObligationQuerySet(models.QuerySet["Obligation"]):
    def open(self) -> ObligationQuerySet:
        return self.filter(status=ObligationStatus.OPEN)

    def by_time_left(self) -> ObligationQuerySet:
        """Soonest deadline first; steps with no fixed deadline after all others."""
        return self.order_by(models.F("due_at").asc(nulls_last=True), "case_id", "key")


class Obligation(models.Model):
    """One step of one regime on one case, e.g. the NIS2 early warning to the CSIRT of DE."""

    case = models.ForeignKey(Incident, models.CASCADE, related_name="obligations")
    # The engine's stable name for the step, also the key of FACTS.json's `submissions`:
    # "eu_nis2.early_warning:DE", "eu_gdpr.art33". Unique per case.
    key = models.CharField(max_length=120)
    regime = models.CharField(max_length=40, help_text="Regime id, e.g. eu_nis2.")
    regime_version = models.CharField(
        max_length=20, help_text="Effective-from date of the regime file applied."
    )
    step = models.CharField(max_length=60, help_text="Step id within the regime.")
    title = models.CharField(max_length=200)
    recipient = models.CharField(max_length=200)
    basis = models.CharField(max_length=200, help_text="The legal basis (article).")
    starts_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty where the law sets no fixed time."
    )
    notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ObligationStatus.choices, default=ObligationStatus.OPEN
    )
    reason = models.TextField(blank=True, help_text="Why it is not applicable.")
    computed_at = models.DateTimeField(default=timezone.now)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["case", models.F("due_at").asc(nulls_last=True), "key"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="clock_obligation_key_per_case")
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="clock_open_by_due")]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.title} ({self.recipient})"

    def get_absolute_url(self) -> str:
        return reverse("clock-obligation", args=[self.case.reference, self.pk])

    def state(self, now: datetime) -> ClockState:
        """The state shown to people at NOW."""
        if self.status == ObligationStatus.SUBMITTED:
            return ClockState.SUBMITTED
        if self.status == ObligationStatus.NOT_APPLICABLE:
            return ClockState.NOT_APPLICABLE
        if self.due_at is None:
            return ClockState.PENDING
        if now >= self.due_at:
            return ClockState.OVERDUE
        window = self.due_at - (self.starts_at or self.due_at)
        if self.due_at - now <= max(window * DUE_SOON_SHARE, DUE_SOON_FLOOR):
            return ClockState.DUE_SOON
        return ClockState.PENDING

    def time_left(self, now: datetime) -> timedelta | None:
        """Negative when overdue; None where there is no fixed deadline."""
        return None if self.due_at is None else self.due_at - now


class Submission(models.Model):
    """The record that a step was sent to its recipient."""

    obligation = models.ForeignKey(Obligation, models.CASCADE, related_name="submissions")
    submitted_at = models.DateTimeField(help_text="When it reached the regulator.")
    method = models.CharField(max_length=8, choices=SubmissionMethod.choices)
    reference = models.CharField(
        max_length=200, blank=True, help_text="The regulator's reference number, if given."
    )
    file = models.FileField(upload_to="clocks/%Y/%m/", blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.obligation} sent {self.submitted_at:%Y-%m-%d %H:%M}"


class Draft(models.Model):
    """The text prepared for one step: {content field id: text}, in the regime's order."""

    obligation = models.OneToOneField(Obligation, models.CASCADE, related_name="draft")
    fields = models.JSONField(default=dict)
    # Bumped on every save; an edit made against an older version is refused (409), so two
    # people editing the same draft never overwrite each other silently.
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(USER, models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Draft for {self.obligation}"
