"""The catalog's admin: every list opens, and a status set there enters the history."""

import pytest
from django.urls import reverse

from warroom.catalog.models import ComponentStatusChange
from warroom.catalog.tests.helpers import named


@pytest.fixture
def admin_user(alice):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    return alice


@pytest.mark.parametrize(
    "model",
    [
        "component",
        "componentdependency",
        "componenthost",
        "componentstatuschange",
        "customer",
        "contact",
    ],
)
def test_every_list_opens(client, provider, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:catalog_{model}_changelist")).status_code == 200


def test_a_component_page_opens_with_its_inlines(client, provider, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:catalog_component_change", args=[named("Billing").pk]))
    assert response.status_code == 200
    assert "fs01.corp.nwtelecom.example" in response.text


def test_a_status_set_in_the_admin_is_recorded(client, provider, admin_user):
    hosting = named("Hosting")
    client.force_login(admin_user)
    url = reverse("admin:catalog_component_change", args=[hosting.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "depends_on"}
    data |= {
        "name": "Hosting",
        "status": "major_outage",
        "position": hosting.position,
        "description": "Managed hosting, now recorded",
        "hosts-TOTAL_FORMS": 0,
        "hosts-INITIAL_FORMS": 0,
        "dependency_links-TOTAL_FORMS": 0,
        "dependency_links-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    hosting.refresh_from_db()
    assert hosting.status == "major_outage"
    assert hosting.description == "Managed hosting, now recorded"
    change = ComponentStatusChange.objects.get(component=hosting)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "operational",
        "major_outage",
        admin_user,
    )
