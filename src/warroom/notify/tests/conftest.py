"""Fixtures for tests of what warroom sends: a real SMTP server and a webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from warroom.notify.testing import SmtpServer, WebhookReceiver


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    """An SMTP server on 127.0.0.1 that Django's mail settings point at for this test."""
    with SmtpServer() as server:
        for name, value in server.settings.items():
            setattr(settings, name, value)
        yield server


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    with WebhookReceiver() as receiver:
        yield receiver
