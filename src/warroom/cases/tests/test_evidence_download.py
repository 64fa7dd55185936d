from django.urls import reverse

from warroom.cases.actions import add_evidence
from warroom.cases.choices import CustodyKind
from warroom.cases.models import Evidence


def _url(case, evidence):
    return reverse("evidence-download", args=[case.reference, evidence.pk])


def test_it_streams_the_file_as_an_attachment(client, case, bob, evidence):
    client.force_login(bob)
    response = client.get(_url(case, evidence))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert b"".join(response.streaming_content) == b"#Fields: date time cs-method\n"


def test_it_logs_custody_naming_the_user(client, case, bob, evidence):
    client.force_login(bob)
    b"".join(client.get(_url(case, evidence)).streaming_content)
    entry = evidence.custody.get(kind=CustodyKind.ACCESSED)
    assert (entry.actor, entry.note) == (bob, "Downloaded by bob.")


def test_it_lets_observers_download(client, case, observer, evidence):
    client.force_login(observer)
    response = client.get(_url(case, evidence))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert evidence.custody.get(kind=CustodyKind.ACCESSED).actor == observer


def test_it_404s_for_evidence_kept_elsewhere(client, case, bob):
    kept = Evidence(
        case=case,
        name="Disk image",
        location="vault://0001/disk.E01",
        acquired_by="bob",
        acquired_at=case.detected_at,
        acquired_from="SP-FE-01",
    )
    add_evidence(kept, bob, now=case.detected_at)
    client.force_login(bob)
    assert client.get(_url(case, kept)).status_code == 404
    assert not kept.custody.filter(kind=CustodyKind.ACCESSED).exists()
