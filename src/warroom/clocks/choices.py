"""The vocabulary of regulatory clocks: every state is an enum, never a bare string."""

from django.db import models


class ObligationStatus(models.TextChoices):
    """What a person (or the facts) decided about an obligation; stored."""

    OPEN = "open", "Open"
    SUBMITTED = "submitted", "Submitted"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ClockState(models.TextChoices):
    """What the dashboard shows: the stored status read against the clock; never stored."""

    PENDING = "pending", "Pending"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    SUBMITTED = "submitted", "Submitted"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class SubmissionMethod(models.TextChoices):
    PORTAL = "portal", "Regulator's portal"
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Telephone"
    LETTER = "letter", "Letter"
    OTHER = "other", "Other"
