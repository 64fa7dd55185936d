from django.urls import reverse

from warroom.cases.choices import EventKind, Severity


def _url(case):
    return reverse("case-severity", args=[case.reference])


def test_it_changes_severity(client, case, alice):
    client.force_login(alice)
    response = client.post(_url(case), {"severity": "SEV2"})
    case.refresh_from_db()
    assert case.severity == Severity.SEV2
    assert response.status_code == 302


def test_it_writes_timeline_event(client, case, alice):
    client.force_login(alice)
    client.post(_url(case), {"severity": "SEV2", "note": "Contained to one host."})
    event = case.events.newest_first().first()
    assert event.kind == EventKind.STATUS_CHANGE
    assert event.text == "Severity changed from SEV1 to SEV2. Contained to one host."


def test_it_writes_nothing_when_unchanged(client, case, alice):
    client.force_login(alice)
    client.post(_url(case), {"severity": "SEV1"})
    assert case.events.count() == 1


def test_it_requires_commander(client, case, bob):
    client.force_login(bob)
    assert client.post(_url(case), {"severity": "SEV4"}).status_code == 403
    case.refresh_from_db()
    assert case.severity == Severity.SEV1


def test_it_rejects_an_unknown_severity(client, case, alice):
    client.force_login(alice)
    response = client.post(_url(case), {"severity": "SEV9"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.severity == Severity.SEV1
