"""One obligation's page: what is due where and on what basis, what was sent, the decisions."""

from datetime import timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from warroom.clocks.choices import ObligationStatus
from warroom.clocks.models import Obligation
from warroom.clocks.tests.conftest import AWARE, FINAL_DE, NOTIFICATION_DE, RECORDED

NOW = RECORDED + timedelta(hours=1)


def _post(client, obligation, name, data):
    url = reverse(name, args=[obligation.case.reference, obligation.pk])
    return client.post(url, data, follow=True)


def test_it_shows_the_obligation(client, dana, early_warning):
    client.force_login(dana)
    with time_machine.travel(NOW, tick=False):
        text = client.get(early_warning.get_absolute_url()).text
    assert "<h1>EU NIS2 Art. 23: Early warning</h1>" in text
    assert "<dd>National CSIRT or competent authority of Germany</dd>" in text
    assert early_warning.basis in text
    assert "rules in force from 2024-10-18" in text
    assert '<time datetime="2025-08-13T10:00:00+00:00">' in text
    assert '<span class="badge clock-pending">Pending</span> 22 h left' in text
    assert '<span class="badge warn">Caution</span> <strong>Unconfirmed:' in text
    assert "Nothing recorded as sent yet." in text


def test_it_links_to_the_draft_when_drafts_are_routed(client, dana, early_warning):
    client.force_login(dana)
    text = client.get(early_warning.get_absolute_url()).text
    try:
        draft = reverse("clock-draft", args=[early_warning.case.reference, early_warning.pk])
    except NoReverseMatch:
        assert "The draft of this notification" not in text
    else:
        assert f'<a href="{draft}">The draft of this notification</a>' in text


def test_recording_a_submission_with_its_file(client, dana, clock_case):
    notification = Obligation.objects.get(case=clock_case, key=NOTIFICATION_DE)
    client.force_login(dana)
    data = {
        "submitted_at": "2025-08-14T09:30",
        "method": "portal",
        "reference": "BSI-4711",
        "file": SimpleUploadedFile("notification.pdf", b"%PDF-1.7 sent"),
        "note": "Sent by dana.",
    }
    response = _post(client, notification, "clock-submit", data)
    messages = [str(m) for m in response.context["messages"]]
    assert messages[0] == "Submission of EU NIS2 Art. 23: Incident notification recorded."
    assert messages[1].startswith("New obligation: EU NIS2 Art. 23: Final report")
    assert messages[1].endswith("due 2025-09-14 09:30 UTC.")
    notification.refresh_from_db()
    assert notification.status == ObligationStatus.SUBMITTED
    submission = notification.submissions.get()
    assert (submission.reference, str(submission.recorded_by)) == ("BSI-4711", "dana")
    text = response.text
    assert '<td class="mono">BSI-4711</td>' in text
    assert "<td>Regulator&#x27;s portal</td>" in text
    download = reverse(
        "clock-submission-file", args=[clock_case.reference, notification.pk, submission.pk]
    )
    assert f'<a href="{download}">Download the file sent</a>' in text
    file = client.get(download)
    assert b"".join(file.streaming_content) == b"%PDF-1.7 sent"
    assert file["Content-Disposition"].startswith("attachment;")
    assert Obligation.objects.filter(case=clock_case, key=FINAL_DE).exists()


def test_a_submission_needs_when_and_how(client, dana, early_warning):
    client.force_login(dana)
    url = reverse("clock-submit", args=[early_warning.case.reference, early_warning.pk])
    response = client.post(url, {"reference": "x"})
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert not early_warning.submissions.exists()


def test_not_applicable_needs_a_reason_then_reopen(client, dana, early_warning):
    client.force_login(dana)
    url = reverse("clock-not-applicable", args=[early_warning.case.reference, early_warning.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = _post(client, early_warning, "clock-not-applicable", {"reason": "Not in DE."})
    assert "EU NIS2 Art. 23: Early warning marked not applicable." in [
        str(m) for m in response.context["messages"]
    ]
    assert '<span class="badge clock-not_applicable">Not applicable</span>' in response.text
    assert "<dd>Not applicable: Not in DE.</dd>" in response.text
    assert 'action="/clocks/case/INC-2025-0001/' in response.text
    assert ">Reopen</button>" in response.text
    response = _post(client, early_warning, "clock-reopen", {})
    early_warning.refresh_from_db()
    assert (early_warning.status, early_warning.reason) == (ObligationStatus.OPEN, "")
    assert "EU NIS2 Art. 23: Early warning reopened." in [
        str(m) for m in response.context["messages"]
    ]


def test_reopening_an_open_obligation_changes_nothing(client, dana, early_warning):
    client.force_login(dana)
    before = early_warning.case.events.count()
    response = _post(client, early_warning, "clock-reopen", {})
    assert [str(m) for m in response.context["messages"]] == [
        "EU NIS2 Art. 23: Early warning is already open."
    ]
    assert early_warning.case.events.count() == before
    assert AWARE < NOW
