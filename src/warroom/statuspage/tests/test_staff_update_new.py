from django.urls import reverse

from warroom.cases.choices import EventKind
from warroom.statuspage.choices import ReviewState
from warroom.statuspage.models import IncidentUpdate


def _post(client, incident, **data):
    form = {"status": "identified", "body": "We found the cause.", "language": "en"}
    return client.post(reverse("comms-update-new", args=[incident.code]), {**form, **data})


def test_it_saves_a_draft_with_component_changes(client, bob, public_incident, catalog):
    client.force_login(bob)
    response = _post(
        client,
        public_incident,
        deliver_notifications="on",
        **{f"component_{catalog['api'].pk}": "major_outage"},
    )
    update = IncidentUpdate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{public_incident.get_absolute_url()}#update-{update.code}"
    assert (update.review, update.status, update.deliver_notifications) == (
        ReviewState.DRAFT,
        "identified",
        True,
    )
    assert [(row.component, row.new_status) for row in update.affected.all()] == [
        (catalog["api"], "major_outage")
    ]


def test_it_writes_timeline_event(client, bob, public_incident, case):
    client.force_login(bob)
    _post(client, public_incident)
    event = case.events.filter(kind=EventKind.COMMUNICATION).latest("id")
    assert event.text.endswith("(Identified): “We found the cause.”")


def test_a_status_of_the_other_kind_is_refused(client, bob, public_incident):
    client.force_login(bob)
    response = _post(client, public_incident, status="in_progress")
    assert response.status_code == 400
    assert (
        "Select a valid choice. in_progress is not one of the available choices." in response.text
    )
    assert not IncidentUpdate.objects.exists()


def test_a_group_is_not_offered(client, bob, public_incident, catalog):
    client.force_login(bob)
    response = _post(
        client, public_incident, **{f"component_{catalog['voice'].pk}": "major_outage"}
    )
    assert response.status_code == 302
    assert not IncidentUpdate.objects.get().affected.exists()


def test_an_outsider_gets_404(client, charlie, public_incident):
    client.force_login(charlie)
    assert _post(client, public_incident).status_code == 404


def test_get_is_not_allowed(client, bob, public_incident):
    client.force_login(bob)
    assert client.get(reverse("comms-update-new", args=[public_incident.code])).status_code == 405


def test_it_needs_the_csrf_token(bob, public_incident):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(bob)
    assert _post(client, public_incident).status_code == 403
    assert not IncidentUpdate.objects.exists()
