"""Rows of the conftest case, for the page tests.

Each is made through its verb so that the case's timeline looks as it would in use.
"""

from __future__ import annotations

import pytest
from django.utils import timezone


@pytest.fixture
def observer(case, charlie):
    """charlie, invited to `case` read only (an outside expert, say)."""
    from warroom.accounts.models import Membership, Role

    Membership.objects.create(case=case, user=charlie, role=Role.OBSERVER)
    return charlie


@pytest.fixture
def asset(case, bob):
    """The internet-facing SharePoint front end of `case`."""
    from warroom.cases.actions import add_asset
    from warroom.cases.models import Asset

    server = Asset(case=case, name="SP-FE-01", ip_addresses=["192.0.2.10"], internet_facing=True)
    return add_asset(server, bob, now=timezone.now())


@pytest.fixture
def indicator(case, bob):
    """The webshell's file name, an indicator of `case`."""
    from warroom.cases.actions import add_indicator
    from warroom.cases.models import Indicator

    webshell = Indicator(case=case, type="file:name", value="spinstall0.aspx")
    return add_indicator(webshell, bob, now=timezone.now())


@pytest.fixture
def evidence(case, bob):
    """An uploaded IIS log of `case`."""
    from django.core.files.base import ContentFile

    from warroom.cases.actions import add_evidence
    from warroom.cases.models import Evidence

    log = Evidence(
        case=case,
        name="IIS log SP-FE-01",
        file=ContentFile(b"#Fields: date time cs-method\n", name="u_ex250812.log"),
        acquired_by="bob",
        acquired_at=timezone.now(),
        acquired_from="SP-FE-01",
    )
    return add_evidence(log, bob, now=timezone.now())


@pytest.fixture
def task(case, alice, bob):
    """bob's task on `case`."""
    from warroom.cases.actions import add_task
    from warroom.cases.models import Task

    return add_task(Task(case=case, title="Image SP-FE-01", owner=bob), alice, now=timezone.now())


@pytest.fixture
def action(case, bob, asset):
    """bob's proposal to take the SharePoint front end offline."""
    from warroom.cases.actions import propose_action
    from warroom.cases.choices import ActionKind
    from warroom.cases.models import Action

    proposal = Action(
        case=case, kind=ActionKind.TAKE_OFFLINE, description="Pull SP-FE-01", asset=asset
    )
    return propose_action(proposal, bob, now=timezone.now())
