"""component_impact: what a component's failure would hit, and how it is impaired now."""

from django.utils import timezone

from warroom.catalog.actions import set_component_status
from warroom.catalog.choices import ChangeSource, ComponentStatus
from warroom.catalog.impact import component_impact
from warroom.catalog.tests.helpers import named


def _set(name, status):
    set_component_status(named(name), status, None, now=timezone.now(), source=ChangeSource.PERSON)


def test_it_lists_what_would_fail_with_it(provider):
    impact = component_impact(named("SharePoint intranet"))
    assert {a.name for a in impact.components} == {
        "SharePoint intranet",
        "Customer portal",
        "Billing",
        "Number porting",
        "Customer services",
    }
    billing = impact.get(named("Billing").pk)
    assert billing is not None
    assert billing.explanation == ("Billing ← Customer portal ← SharePoint intranet (if it fails)")
    assert all(a.implied == ComponentStatus.MAJOR_OUTAGE for a in impact.components)
    assert impact.reseller_count == 2


def test_it_counts_the_customers_of_the_component_itself(provider):
    impact = component_impact(named("SIP trunking FR"))
    assert [c.name for c in impact.customers] == ["Appel Nuage SAS"]
    assert {a.name for a in impact.components} == {"SIP trunking FR", "Network"}


def test_it_shows_no_current_impairment_when_all_is_well(provider):
    assert component_impact(named("Customer portal")).current is None


def test_it_shows_an_impairment_upstream(provider):
    _set("Identity service", ComponentStatus.DEGRADED_PERFORMANCE)
    current = component_impact(named("Number porting")).current
    assert current is not None
    assert current.worst == ComponentStatus.DEGRADED_PERFORMANCE
    assert current.observed == ComponentStatus.OPERATIONAL
    assert current.explanation == (
        "Number porting ← Customer portal ← Identity service (degraded performance)"
    )


def test_it_shows_its_own_status(provider):
    _set("Hosting", ComponentStatus.UNDER_MAINTENANCE)
    current = component_impact(named("Hosting")).current
    assert current is not None
    assert (current.distance, current.explanation) == (0, "Hosting (under maintenance)")


def test_it_takes_three_queries(provider, django_assert_num_queries):
    portal = named("Customer portal")
    with django_assert_num_queries(3):
        impact = component_impact(portal)
        assert [a.explanation for a in impact.components]
