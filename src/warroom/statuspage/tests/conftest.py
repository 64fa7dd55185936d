"""Fixtures of the editorial workflow: a communications person, a catalog, public incidents.

Besides the project's alice (commander), bob (responder) and charlie (outsider): dana has the
Communications role on `case`, and erin is in the Communications group (the global
permissions) without being on any case.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

# The time of the workflow tests: the afternoon the provider took its portal offline.
NOW = datetime(2025, 8, 12, 14, 0, tzinfo=UTC)


@pytest.fixture
def dana(case):
    """A member of `case` with the Communications role: she approves its public text."""
    from django.contrib.auth.models import User

    from warroom.accounts.models import Membership, Role

    user = User.objects.create_user("dana", "dana@example.com", "correct horse battery staple")
    Membership.objects.create(case=case, user=user, role=Role.COMMUNICATIONS)
    return user


@pytest.fixture
def erin(db):
    """A member of the Communications group, on no case."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("erin", "erin@example.com", "correct horse battery staple")
    user.groups.add(Group.objects.get(name="Communications"))
    return user


@pytest.fixture
def catalog(db):
    """Voice (a group) holding Voice API and SIP trunking; Customer portal; Hosting."""
    from warroom.catalog.models import Component

    voice = Component.objects.create(name="Voice", is_group=True, position=1)
    return {
        "voice": voice,
        "api": Component.objects.create(name="Voice API", group=voice, position=1),
        "sip": Component.objects.create(name="SIP trunking", group=voice, position=2),
        "portal": Component.objects.create(name="Customer portal", position=2),
        "hosting": Component.objects.create(name="Hosting", position=3),
    }


@pytest.fixture
def public_incident(case, bob, catalog):
    """bob's public incident about `case`: the portal and the Voice API are down."""
    from warroom.statuspage.actions import open_public_incident
    from warroom.statuspage.choices import IncidentKind

    return open_public_incident(
        "Customer portal and Voice API unavailable",
        kind=IncidentKind.INCIDENT,
        case=case,
        actor=bob,
        now=NOW,
        components=[catalog["portal"], catalog["api"]],
    )


@pytest.fixture
def maintenance(erin, catalog):
    """erin's maintenance of Hosting, linked to no case, next Saturday night."""
    from warroom.statuspage.actions import schedule_maintenance

    return schedule_maintenance(
        "Hosting platform upgrade",
        scheduled_for=datetime(2025, 8, 16, 22, 0, tzinfo=UTC),
        scheduled_until=datetime(2025, 8, 17, 2, 0, tzinfo=UTC),
        actor=erin,
        now=NOW,
        components=[catalog["hosting"]],
    )


@pytest.fixture
def customer(catalog):
    """A reseller of SIP trunks."""
    from warroom.catalog.models import Customer

    reseller = Customer.objects.create(name="Starface Cloud", is_reseller=True)
    reseller.components.set([catalog["sip"], catalog["api"]])
    return reseller


@pytest.fixture
def draft(public_incident, bob, catalog):
    """bob's first update of `public_incident`, a draft: the portal down, the Voice API partly."""
    from warroom.catalog.choices import ComponentStatus
    from warroom.statuspage.actions import draft_update

    return draft_update(
        public_incident,
        bob,
        status="investigating",
        body="We are aware of an issue affecting Customer portal and Voice API.",
        changes={
            catalog["portal"]: ComponentStatus.MAJOR_OUTAGE,
            catalog["api"]: ComponentStatus.PARTIAL_OUTAGE,
        },
        language="en",
        now=NOW,
    )


@pytest.fixture
def approved(draft, dana):
    """`draft`, approved by dana."""
    from warroom.statuspage.actions import approve_update

    return approve_update(draft, dana, now=NOW)
