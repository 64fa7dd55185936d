"""The outbox: every e-mail and webhook warroom sends is a Delivery row first.

A delivery is created once per idempotency key (`key`, unique), in the transaction of the
change that causes it, together with the job that sends it. The worker sends it and records
every attempt. A crash between sending and recording can only repeat a send under the same
key, which webhook receivers see in the `Idempotency-Key` header and mail clients in the
Message-ID; it can never lose one, because the delivery row commits before any send.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    WEBHOOK = "webhook", "Webhook"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One message to one recipient, sent by the worker with retries and back-off."""

    key = models.CharField(max_length=200, unique=True, help_text="Idempotency key.")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    purpose = models.CharField(max_length=50, help_text="e.g. statuspage.update, clocks.reminder")
    recipient = models.CharField(max_length=2000, help_text="E-mail address or webhook URL.")
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Plain text of a mail; the exact JSON of a webhook.")
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    secret = models.CharField(max_length=64, blank=True, help_text="Signs a webhook body.")
    public_only = models.BooleanField(
        default=False,
        help_text="The URL came from the public: refuse it if it reaches a private address.",
    )
    state = models.CharField(
        max_length=8, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["purpose", "state"], name="delivery_purpose")]

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient} ({self.state})"


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: the delivery history a subscriber's owner can read."""

    delivery = models.ForeignKey(Delivery, models.CASCADE, related_name="history")
    at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at:%Y-%m-%d %H:%M:%S}: {'ok' if self.ok else 'failed'}"
