from django.urls import reverse

from warroom.accounts.models import Membership, Role
from warroom.statuspage.choices import IncidentKind
from warroom.statuspage.models import PublicIncident

URL = reverse("comms-incident-new")


def test_the_communications_group_opens_an_unlinked_incident(client, erin, catalog):
    client.force_login(erin)
    response = client.post(
        URL, {"name": "Voice API errors", "kind": "incident", "components": [catalog["api"].pk]}
    )
    incident = PublicIncident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == incident.get_absolute_url()
    assert (incident.case, incident.created_by) == (None, erin)
    assert list(incident.components.all()) == [catalog["api"]]


def test_a_responder_opens_one_about_the_case(client, bob, case):
    client.force_login(bob)
    response = client.post(
        f"{URL}?case={case.reference}", {"name": "Portal down", "kind": "incident"}
    )
    assert response.status_code == 302
    assert PublicIncident.objects.get().case == case


def test_the_form_names_the_case(client, bob, case):
    client.force_login(bob)
    response = client.get(URL, {"case": case.reference})
    assert response.status_code == 200
    assert "About case <strong>INC-2025-0001</strong>" in response.text


def test_an_outsider_gets_404_for_the_case(client, charlie, case):
    client.force_login(charlie)
    assert client.get(URL, {"case": case.reference}).status_code == 404


def test_an_observer_gets_403(client, charlie, case):
    Membership.objects.create(case=case, user=charlie, role=Role.OBSERVER)
    client.force_login(charlie)
    assert (
        client.post(f"{URL}?case={case.reference}", {"name": "X", "kind": "incident"}).status_code
        == 403
    )
    assert not PublicIncident.objects.exists()


def test_without_a_case_it_needs_the_draft_permission(client, bob):
    client.force_login(bob)
    response = client.get(URL)
    assert response.status_code == 403
    assert "permission to draft updates" in response.text


def test_a_maintenance_needs_its_window(client, erin):
    client.force_login(erin)
    response = client.post(URL, {"name": "Upgrade", "kind": IncidentKind.MAINTENANCE})
    assert response.status_code == 400
    assert "A scheduled maintenance needs the start and end of its window." in response.text


def test_it_schedules_a_maintenance(client, erin):
    client.force_login(erin)
    client.post(
        URL,
        {
            "name": "Upgrade",
            "kind": "maintenance",
            "scheduled_for": "2025-08-16T22:00",
            "scheduled_until": "2025-08-17T02:00",
        },
    )
    assert PublicIncident.objects.get().status == "scheduled"
