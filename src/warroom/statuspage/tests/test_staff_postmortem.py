from django.urls import reverse

from warroom.statuspage.choices import IncidentStatus


def _post(client, incident, body="What happened and what we changed."):
    return client.post(reverse("comms-postmortem", args=[incident.code]), {"body": body})


def _resolve(incident):
    incident.status = IncidentStatus.RESOLVED
    incident.save()


def test_dana_publishes_the_postmortem(client, dana, public_incident):
    _resolve(public_incident)
    client.force_login(dana)
    response = _post(client, public_incident)
    assert response.status_code == 302
    assert response["Location"].endswith("#postmortem")
    public_incident.refresh_from_db()
    assert public_incident.status == IncidentStatus.POSTMORTEM
    assert public_incident.postmortem_body == "What happened and what we changed."


def test_an_unresolved_incident_is_400_with_the_reason(client, dana, public_incident):
    client.force_login(dana)
    response = _post(client, public_incident)
    assert response.status_code == 400
    assert "A postmortem follows the resolution" in response.text


def test_the_commander_gets_403(client, alice, public_incident):
    _resolve(public_incident)
    client.force_login(alice)
    assert _post(client, public_incident).status_code == 403


def test_an_outsider_gets_404(client, charlie, public_incident):
    client.force_login(charlie)
    assert _post(client, public_incident).status_code == 404
