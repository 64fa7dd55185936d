"""Fixtures of the clock tests: a case with its clock owners, answers recorded, clocks computed.

On top of the root conftest's case (alice commands, bob responds, charlie is an outsider):
dana is the case's legal / DPO member and erin its communications member, both reminded of
deadlines with alice. `clock_case` has the first answers of the questionnaire recorded an
hour after awareness (a telecom provider and essential entity serving GB and DE), so its
obligations are computed: the NIS2 early warnings to the CSIRTs of DE, among others.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

AWARE = datetime(2025, 8, 12, 10, 0, tzinfo=UTC)
RECORDED = AWARE + timedelta(hours=1)
EARLY_WARNING_DE = "eu_nis2.early_warning:DE"
NOTIFICATION_DE = "eu_nis2.notification:DE"
FINAL_DE = "eu_nis2.final_report:DE"


def _member(case, username, role):
    from django.contrib.auth.models import User

    from warroom.accounts.models import Membership

    user = User.objects.create_user(username, f"{username}@example.com", "x")
    Membership.objects.create(case=case, user=user, role=role)
    return user


@pytest.fixture
def dana(case):
    """The legal / DPO member of `case`."""
    from warroom.accounts.models import Role

    return _member(case, "dana", Role.LEGAL)


@pytest.fixture
def erin(case):
    """The communications member of `case`."""
    from warroom.accounts.models import Role

    return _member(case, "erin", Role.COMMUNICATIONS)


@pytest.fixture
def clock_case(case, alice, dana, erin):
    """`case` with awareness, entity and countries answered by dana at RECORDED."""
    from warroom.clocks.actions import record_fact

    record_fact(case, dana, "aware_at", AWARE, now=RECORDED, note="Portal down at 11:00 BST.")
    record_fact(case, dana, "entity", ["telecom_provider", "essential_entity"], now=RECORDED)
    record_fact(case, dana, "countries", ["GB", "DE"], now=RECORDED)
    return case


@pytest.fixture
def early_warning(clock_case):
    """The NIS2 early warning to the CSIRT of Germany, due 24 h after awareness."""
    return clock_case.obligations.get(key=EARLY_WARNING_DE)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that Django's mail settings point at for this test."""
    from warroom.notify.testing import SmtpServer

    with SmtpServer() as server:
        for name, value in server.settings.items():
            setattr(settings, name, value)
        yield server


@pytest.fixture
def webhook_receiver():
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    from warroom.notify.testing import WebhookReceiver

    with WebhookReceiver() as receiver:
        yield receiver
