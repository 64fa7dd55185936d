"""A catalog of 5,000 components, 20,000 dependencies (cycles included) and 2,000 customers.

The impact through the ORM must equal a naive reachability over the same rows, in a fixed
number of queries. Not timed: speed belongs to `make bench`.
"""

import random

import pytest

from warroom.cases.choices import AssetState
from warroom.catalog.choices import ComponentStatus
from warroom.catalog.impact import IN_LIST_LIMIT, case_impact, component_impact
from warroom.catalog.models import (
    Component,
    ComponentDependency,
    ComponentHost,
    Customer,
)
from warroom.catalog.tests.helpers import asset_in

COMPONENTS, EDGES, CUSTOMERS, GROUPS = 5000, 20000, 2000, 50


@pytest.fixture
def big(db):
    """The catalog's rows; returns (edges, groups, links) as ids for the naive answer."""
    rng = random.Random(5)
    groups = Component.objects.bulk_create(
        Component(name=f"group {n}", is_group=True) for n in range(GROUPS)
    )
    components = Component.objects.bulk_create(
        Component(name=f"component {n}", group=rng.choice([None, *groups]))
        for n in range(COMPONENTS)
    )
    ids = [c.pk for c in components]
    # Mostly "later needs earlier", with one edge in ten pointing back: many cycles.
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < EDGES:
        a, b = rng.sample(range(COMPONENTS), 2)
        if (a > b) or rng.random() < 0.1:
            pairs.add((ids[a], ids[b]))
    ComponentDependency.objects.bulk_create(
        ComponentDependency(component_id=a, depends_on_id=b) for a, b in pairs
    )
    ComponentHost.objects.bulk_create(
        ComponentHost(component_id=pk, host=f"node{n}.corp.example") for n, pk in enumerate(ids)
    )
    customers = Customer.objects.bulk_create(
        Customer(name=f"customer {n}", is_reseller=n % 7 == 0) for n in range(CUSTOMERS)
    )
    through = Customer.components.through
    links = {(c.pk, pk) for c in customers for pk in rng.sample(ids, 3)}
    through.objects.bulk_create(through(customer_id=c, component_id=pk) for c, pk in links)
    group_of = {c.pk: c.group.pk for c in components if c.group is not None}
    return ids, pairs, group_of, links


def _reach(edges, group_of, start):
    """Everything that needs START, by passes over all edges until nothing changes."""
    needs = [*edges, *((group, child) for child, group in group_of.items())]
    found = {start}
    changed = True
    while changed:
        changed = False
        for component, depends_on in needs:
            if depends_on in found and component not in found:
                found.add(component)
                changed = True
    return found


def test_a_case_on_a_big_catalog(big, case, bob, django_assert_max_num_queries):
    ids, edges, group_of, links = big
    # Three isolated hosts, two suspected; one component in partial outage, far down the order.
    roots = {ids[4000]: 4, ids[4500]: 4, ids[4990]: 4, ids[100]: 0, ids[2500]: 0, ids[4999]: 3}
    for index, state in [(4000, "isolated"), (4500, "offline"), (4990, "isolated")]:
        asset_in(case, bob, f"NODE{index}", AssetState(state))
    for index in (100, 2500):
        asset_in(case, bob, f"node{index}.corp.example", AssetState.SUSPECTED)
    Component.objects.filter(pk=ids[4999]).update(status=ComponentStatus.PARTIAL_OUTAGE)

    with django_assert_max_num_queries(5):
        impact = case_impact(case)

    reach = {root: _reach(edges, group_of, root) for root in roots}
    expected = set().union(*reach.values())
    assert len(expected) > IN_LIST_LIMIT  # customers are read whole, not through an IN list
    assert {a.component_id for a in impact.components} == expected
    for affected in impact.components:
        worst = max(rank for root, rank in roots.items() if affected.component_id in reach[root])
        assert affected.implied.rank == worst
    expected_customers = {c for c, pk in links if pk in expected}
    assert {c.customer_id for c in impact.customers} == expected_customers
    assert (
        impact.reseller_count
        == Customer.objects.filter(pk__in=expected_customers, is_reseller=True).count()
    )


def test_a_component_on_a_big_catalog(big, django_assert_max_num_queries):
    ids, edges, group_of, links = big
    component = Component.objects.get(pk=ids[4700])
    with django_assert_max_num_queries(3):
        impact = component_impact(component)
    expected = _reach(edges, group_of, ids[4700])
    assert {a.component_id for a in impact.components} == expected
    assert {c.customer_id for c in impact.customers} == {c for c, pk in links if pk in expected}
    assert impact.current is None
