from django.urls import reverse

from warroom.accounts.models import Membership, Role
from warroom.cases.choices import EventKind
from warroom.cases.models import Incident

URL = reverse("case-new")
FORM = {
    "title": "Voice API outage",
    "severity": "SEV2",
    "detected_at": "2025-08-12T06:30",
    "aware_at": "2025-08-12T08:00",
    "summary": "Voice API platform taken offline.",
}


def test_it_shows_the_form_with_utc_labels(client, charlie):
    client.force_login(charlie)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Detected at (UTC)" in response.text
    assert 'type="datetime-local"' in response.text


def test_it_opens_a_case(client, charlie):
    client.force_login(charlie)
    response = client.post(URL, FORM)
    case = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert (case.title, case.severity, case.commander) == ("Voice API outage", "SEV2", charlie)
    assert case.detected_at.isoformat() == "2025-08-12T06:30:00+00:00"


def test_it_makes_me_the_commander(client, charlie):
    client.force_login(charlie)
    client.post(URL, FORM)
    assert Membership.objects.get(user=charlie).role == Role.COMMANDER


def test_it_writes_timeline_event(client, charlie):
    client.force_login(charlie)
    client.post(URL, FORM)
    event = Incident.objects.get().events.get()
    assert event.kind == EventKind.STATUS_CHANGE
    assert "SEV2" in event.text


def test_it_requires_a_title(client, charlie):
    client.force_login(charlie)
    response = client.post(URL, {**FORM, "title": ""})
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_it_rejects_an_unknown_severity(client, charlie):
    client.force_login(charlie)
    response = client.post(URL, {**FORM, "severity": "SEV0"})
    assert response.status_code == 400
    assert "SEV0" in response.text
    assert not Incident.objects.exists()
