import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from warroom.cases.choices import CustodyKind, EventKind
from warroom.cases.models import Evidence
from warroom.cases.tasks import HASH_EVIDENCE
from warroom.jobs.models import Job

CONTENT = b"2025-08-12 05:10:01 POST /_layouts/15/ToolPane.aspx DisplayMode=Edit 200\n" * 50
FORM = {
    "name": "IIS logs SP-FE-01",
    "description": "W3C logs of the front end, 10-12 August.",
    "acquired_by": "Forensics Ltd",
    "acquired_at": "2025-08-12T09:00",
    "acquired_from": "SP-FE-01",
}


def _url(case):
    return reverse("evidence-add", args=[case.reference])


def _upload():
    return SimpleUploadedFile("u_ex250812.log", CONTENT, content_type="text/plain")


def test_it_hashes_an_upload_while_saving_it(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "file": _upload()})
    evidence = case.evidence.get()
    assert response["Location"] == reverse("evidence-detail", args=[case.reference, evidence.pk])
    assert evidence.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert evidence.size == len(CONTENT)
    with evidence.file.open("rb") as stored:
        assert stored.read() == CONTENT


def test_it_records_evidence_kept_elsewhere(client, case, bob):
    client.force_login(bob)
    client.post(_url(case), {**FORM, "location": r"\\vault\case-0001\sp-fe-01.E01"})
    evidence = case.evidence.get()
    assert (evidence.sha256, evidence.size, bool(evidence.file)) == ("", None, False)


def test_it_opens_the_chain_of_custody(client, case, bob):
    client.force_login(bob)
    client.post(_url(case), {**FORM, "file": _upload()})
    entry = case.evidence.get().custody.get()
    assert (entry.kind, entry.actor) == (CustodyKind.ACQUIRED, bob)
    assert "Forensics Ltd" in entry.note


def test_it_writes_timeline_event(client, case, bob):
    client.force_login(bob)
    client.post(_url(case), {**FORM, "file": _upload()})
    event = case.events.get(evidence__isnull=False)
    assert event.kind == EventKind.OBSERVATION
    assert event.text == "Evidence added: IIS logs SP-FE-01 from SP-FE-01."


def test_it_requires_a_file_or_a_location(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), FORM)
    assert response.status_code == 400
    assert "Upload a file or give the location" in response.text
    assert not Evidence.objects.exists()


def test_it_refuses_an_oversized_upload(client, case, bob, settings, tmp_path):
    settings.MAX_UPLOAD_BYTES = 100
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "file": _upload()})
    assert response.status_code == 413
    assert "larger than the upload limit of 100" in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert not Evidence.objects.exists()
    assert not list((tmp_path / "evidence").rglob("*.log"))


def test_it_refuses_observers(client, case, observer):
    client.force_login(observer)
    response = client.post(_url(case), {**FORM, "file": _upload()})
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_it_queues_evidence_kept_elsewhere_for_hashing(client, case, bob):
    client.force_login(bob)
    client.post(_url(case), {**FORM, "location": "/srv/evidence/sp-fe-01.E01"})
    job = Job.objects.get()
    assert (job.kind, job.payload) == (HASH_EVIDENCE, {"evidence_id": case.evidence.get().pk})


def test_it_queues_nothing_for_an_upload(client, case, bob):
    client.force_login(bob)
    client.post(_url(case), {**FORM, "file": _upload()})
    assert not Job.objects.exists()
