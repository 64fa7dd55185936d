"""`record_submission`: a step sent; the steps counted from that submission start."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from warroom.cases.choices import EventKind
from warroom.clocks.actions import facts_for, record_submission, reopen
from warroom.clocks.choices import ObligationStatus, SubmissionMethod
from warroom.clocks.models import Obligation
from warroom.clocks.tests.conftest import AWARE, FINAL_DE, NOTIFICATION_DE, RECORDED

SENT = AWARE + timedelta(hours=50)
NOW = SENT + timedelta(minutes=20)
FINAL = "EU NIS2 Art. 23: Final report (National CSIRT or competent authority of Germany)"


def _submit(obligation, user, **extra):
    return record_submission(
        obligation,
        user,
        submitted_at=SENT,
        method=SubmissionMethod.PORTAL,
        reference="BSI-2025-4711",
        now=NOW,
        **extra,
    )


def _notification(case):
    return Obligation.objects.get(case=case, key=NOTIFICATION_DE)


def test_it_records_the_submission_with_its_file(clock_case, dana):
    pdf = SimpleUploadedFile("notification-de.pdf", b"%PDF-1.7 notification", "application/pdf")
    submission, _change = _submit(_notification(clock_case), dana, file=pdf, note="Via portal.")
    submission.refresh_from_db()
    assert (submission.submitted_at, submission.method) == (SENT, SubmissionMethod.PORTAL)
    assert (submission.reference, submission.recorded_by, submission.recorded_at) == (
        "BSI-2025-4711",
        dana,
        NOW,
    )
    assert submission.file.name.startswith("clocks/")
    assert submission.file.read() == b"%PDF-1.7 notification"
    assert _notification(clock_case).status == ObligationStatus.SUBMITTED


def test_the_final_report_starts_from_the_notifications_submission(clock_case, dana):
    assert not Obligation.objects.filter(case=clock_case, key=FINAL_DE).exists()
    _submission, change = _submit(_notification(clock_case), dana)
    final = Obligation.objects.get(case=clock_case, key=FINAL_DE)
    assert final.starts_at == SENT
    assert final.due_at == SENT.replace(month=9)  # one calendar month after the submission
    assert change.added == (f"{FINAL}, due 2025-09-14 12:00 UTC",)
    assert facts_for(clock_case).submissions == {NOTIFICATION_DE: SENT}


def test_it_writes_a_communication_on_the_timeline(clock_case, dana):
    _submit(_notification(clock_case), dana)
    event = clock_case.events.get(kind=EventKind.COMMUNICATION)
    assert (event.actor, event.occurred_at, event.recorded_at) == (dana, SENT, NOW)
    assert event.text == (
        "EU NIS2 Art. 23: Incident notification (National CSIRT or competent authority of "
        "Germany) submitted by regulator's portal at 2025-08-14 12:00 UTC, reference "
        f"BSI-2025-4711. New obligation: {FINAL}, due 2025-09-14 12:00 UTC."
    )


def test_reopening_a_submission_made_by_mistake_stops_what_it_started(clock_case, dana):
    _submit(_notification(clock_case), dana)
    change = reopen(_notification(clock_case), dana, now=NOW + timedelta(hours=1))
    assert _notification(clock_case).status == ObligationStatus.OPEN
    assert _notification(clock_case).submissions.count() == 1  # kept on record
    assert change.dropped == (FINAL,)
    final = Obligation.objects.get(case=clock_case, key=FINAL_DE)
    assert final.status == ObligationStatus.NOT_APPLICABLE
    assert facts_for(clock_case).submissions == {}


def test_the_first_submission_of_a_step_counts(clock_case, dana):
    notification = _notification(clock_case)
    _submit(notification, dana)
    record_submission(
        notification,
        dana,
        submitted_at=SENT + timedelta(days=3),
        method=SubmissionMethod.EMAIL,
        note="Update with the indicators.",
        now=RECORDED + timedelta(days=6),
    )
    assert facts_for(clock_case).submissions == {NOTIFICATION_DE: SENT}
