from django.urls import reverse

from warroom.cases.choices import EventKind, Phase


def _url(case):
    return reverse("case-phase", args=[case.reference])


def test_it_changes_phase(client, case, alice):
    client.force_login(alice)
    response = client.post(_url(case), {"phase": "triage"})
    case.refresh_from_db()
    assert case.phase == Phase.TRIAGE
    assert response["Location"] == f"{case.get_absolute_url()}#summary"


def test_it_writes_timeline_event(client, case, alice):
    client.force_login(alice)
    client.post(_url(case), {"phase": "contained", "note": "Portal offline."})
    event = case.events.newest_first().first()
    assert event.kind == EventKind.STATUS_CHANGE
    assert event.text == "Phase changed from Detected to Contained. Portal offline."
    assert event.actor == alice


def test_it_requires_commander(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), {"phase": "triage"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.phase == Phase.DETECTED


def test_it_refuses_observers(client, case, observer):
    client.force_login(observer)
    assert client.post(_url(case), {"phase": "triage"}).status_code == 403


def test_it_rejects_an_unknown_phase(client, case, alice):
    client.force_login(alice)
    response = client.post(_url(case), {"phase": "panic"})
    assert response.status_code == 400
    assert "panic is not one of the available choices" in response.text
    case.refresh_from_db()
    assert case.phase == Phase.DETECTED
    assert case.events.count() == 1


def test_it_shows_the_form_on_get(client, case, alice):
    client.force_login(alice)
    response = client.get(_url(case))
    assert response.status_code == 200
    assert 'name="phase"' in response.text
