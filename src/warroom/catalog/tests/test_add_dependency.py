"""add_dependency: once per pair, cycles allowed, never on itself."""

import pytest
from django.db import IntegrityError, transaction

from warroom.catalog.actions import add_dependency
from warroom.catalog.models import Component, ComponentDependency


@pytest.fixture
def portal(db):
    return Component.objects.create(name="Customer portal")


@pytest.fixture
def identity(db):
    return Component.objects.create(name="Identity service", public=False)


def test_it_records_the_dependency(portal, identity):
    add_dependency(portal, identity, note="sign-in")
    assert list(portal.depends_on.all()) == [identity]
    assert list(identity.dependents.all()) == [portal]


def test_it_records_a_pair_once(portal, identity):
    first = add_dependency(portal, identity)
    assert add_dependency(portal, identity) == first
    assert ComponentDependency.objects.count() == 1


def test_it_allows_a_cycle(portal, identity):
    add_dependency(portal, identity)
    add_dependency(identity, portal)
    assert ComponentDependency.objects.count() == 2


def test_it_refuses_a_component_depending_on_itself(portal):
    with pytest.raises(ValueError, match="Customer portal cannot depend on itself"):
        add_dependency(portal, portal)
    assert not ComponentDependency.objects.exists()


def test_the_database_refuses_it_too(portal):
    with pytest.raises(IntegrityError), transaction.atomic():
        ComponentDependency.objects.create(component=portal, depends_on=portal)
