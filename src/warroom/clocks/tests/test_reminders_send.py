"""Reminders sent by an in-process worker to a real SMTP server and webhook receiver.

The worker runs at each reminder point of the NIS2 early warning to Germany (due 24 h after
awareness at 10:00 UTC on 12 August) with the clock frozen there. Each reminder reaches the
commander, legal and communications members by mail and the configured webhook, once: by
key, by Message-ID and on the wire.
"""

import os
import socket
import subprocess
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User

from warroom.accounts.models import Membership, Role
from warroom.clocks.actions import record_fact, record_submission
from warroom.clocks.choices import SubmissionMethod
from warroom.clocks.reminders import REMIND, remind
from warroom.clocks.tests.conftest import AWARE, EARLY_WARNING_DE, RECORDED
from warroom.jobs.models import Job, JobState
from warroom.jobs.worker import claim, run_once
from warroom.notify.channels import message_id
from warroom.notify.models import Delivery
from warroom.notify.signing import verify

DUE = AWARE + timedelta(hours=24)
HALF, BEFORE, AT, AFTER = (
    AWARE + timedelta(hours=12),
    DUE - timedelta(hours=4),
    DUE,
    DUE + timedelta(hours=1),
)
SECRET = "clock-hook-secret"
DUE_ISO = "2025-08-13T10:00:00Z"
OWNERS = ["alice@example.com", "dana@example.com", "erin@example.com"]


@pytest.fixture
def hooked(settings, webhook_receiver, smtp_server):
    settings.CLOCK_WEBHOOK_URL = webhook_receiver.url("/clocks")
    settings.CLOCK_WEBHOOK_SECRET = SECRET
    settings.CLOCK_REMINDERS = "50%,-4h,0,+1h"
    return webhook_receiver, smtp_server


def _work_at(when):
    with time_machine.travel(when, tick=False):
        return run_once(worker_id="test")


def _hooks(receiver, key=EARLY_WARNING_DE):
    return [r for r in receiver.requests if r.json()["obligation"]["key"] == key]


def _mails(smtp, title="Early warning"):
    return [m for m in smtp.messages if title in m.message["Subject"]]


def test_each_point_is_sent_once_to_each_owner_and_the_webhook(early_warning, hooked):
    receiver, smtp = hooked
    for when in (HALF, BEFORE, AT, AFTER):
        _work_at(when)
    _work_at(AFTER + timedelta(days=2))  # nothing left to send for this step

    assert [r.json()["point"] for r in _hooks(receiver)] == ["50%", "-4h", "0", "+1h"]
    keys = [r.idempotency_key for r in _hooks(receiver)]
    pk = early_warning.pk
    assert keys == [f"clock:{pk}:{p}:{DUE_ISO}" for p in ("50%", "-4h", "0", "+1h")]
    mails = _mails(smtp)
    assert sorted(m.rcpt_tos[0] for m in mails) == sorted(OWNERS * 4)
    assert len({m.message["Message-ID"] for m in mails}) == len(mails) == 12
    dana = User.objects.get(username="dana")
    assert message_id(f"{keys[0]}:user:{dana.pk}") in {m.message["Message-ID"] for m in mails}
    assert not Job.objects.filter(kind=REMIND, state=JobState.FAILED).exists()


def test_the_messages_say_what_is_due_where_and_when(early_warning, hooked):
    receiver, smtp = hooked
    _work_at(BEFORE)  # the 50% point is due too and runs first
    mail = next(m for m in _mails(smtp) if "Due in 4 h" in m.message["Subject"])
    assert mail.message["Subject"] == ("[INC-2025-0001] Due in 4 h: EU NIS2 Art. 23: Early warning")
    text = mail.part("text/plain")
    assert "to National CSIRT or competent authority of Germany." in text
    assert "Due:       2025-08-13 10:00 UTC" in text
    assert "Unconfirmed:" in text
    assert early_warning.get_absolute_url() in text
    assert mail.message["Auto-Submitted"] == "auto-generated"
    hook = next(r for r in _hooks(receiver) if r.json()["point"] == "-4h")
    assert verify(SECRET, hook.body, hook.headers["x-warroom-signature"], now=BEFORE)
    body = hook.json()
    assert body["event"] == "clock.reminder"
    assert body["headline"] == "Due in 4 h"
    assert body["case"]["reference"] == "INC-2025-0001"
    assert body["obligation"]["due_at"] == DUE_ISO
    assert body["obligation"]["starts_at"] == "2025-08-12T10:00:00Z"


def test_links_lead_to_warroom_itself(early_warning, hooked, settings):
    # Before, mail and webhooks carried a bare path ("/clocks/case/..."), which no mail
    # client can open.
    settings.SITE_URL = "https://warroom.example.net/"
    receiver, smtp = hooked
    _work_at(BEFORE)
    link = "https://warroom.example.net" + early_warning.get_absolute_url()
    assert all(link in mail.part("text/plain") for mail in _mails(smtp))
    assert {hook.json()["obligation"]["url"] for hook in _hooks(receiver)} == {link}


def test_half_time_says_how_long_is_left(early_warning, hooked):
    receiver, _smtp = hooked
    _work_at(HALF)
    [hook] = _hooks(receiver)
    assert hook.json()["headline"] == "50% of the time gone, due in 12 h"


def test_only_the_commander_legal_and_communications_members_are_mailed(
    early_warning, hooked, bob, charlie
):
    _receiver, smtp = hooked
    frank = User.objects.create_user("frank", "", "x")  # no address: skipped
    Membership.objects.create(case=early_warning.case, user=frank, role=Role.LEGAL)
    expired = User.objects.create_user("gina", "gina@example.com", "x")
    Membership.objects.create(
        case=early_warning.case, user=expired, role=Role.LEGAL, expires_at=AWARE
    )
    _work_at(HALF)
    assert sorted(m.rcpt_tos[0] for m in _mails(smtp)) == OWNERS


def test_without_a_webhook_only_mail_is_sent(early_warning, smtp_server, settings):
    settings.CLOCK_WEBHOOK_URL = ""
    _work_at(HALF)
    assert len(_mails(smtp_server)) == 3
    assert not Delivery.objects.filter(channel="webhook").exists()


def test_a_moved_deadline_sends_nothing_for_the_old_one(early_warning, hooked, alice):
    receiver, _smtp = hooked
    _work_at(HALF)
    earlier = AWARE - timedelta(hours=2)  # due 08:00 instead of 10:00
    record_fact(early_warning.case, alice, "aware_at", earlier, now=HALF + timedelta(minutes=5))
    for when in (BEFORE, AT, AFTER, AFTER + timedelta(days=1)):
        _work_at(when)
    sent = [(r.json()["point"], r.json()["obligation"]["due_at"]) for r in _hooks(receiver)]
    new = "2025-08-13T08:00:00Z"
    # The new half-time point had passed when the deadline moved: not sent late.
    assert sent == [("50%", DUE_ISO), ("-4h", new), ("0", new), ("+1h", new)]
    old_jobs = Job.objects.filter(kind=REMIND, payload__due_at=DUE_ISO)
    assert set(old_jobs.values_list("state", flat=True)) == {JobState.DONE}


def test_a_deadline_moved_away_and_back_sends_nothing_twice(early_warning, hooked, alice):
    receiver, smtp = hooked
    _work_at(HALF)
    moved_at = HALF + timedelta(minutes=5)
    record_fact(early_warning.case, alice, "aware_at", AWARE + timedelta(hours=1), now=moved_at)
    record_fact(early_warning.case, alice, "aware_at", AWARE, now=moved_at)
    for when in (BEFORE, AT, AFTER):
        _work_at(when)
    assert [r.json()["point"] for r in _hooks(receiver)] == ["50%", "-4h", "0", "+1h"]
    assert len(_mails(smtp)) == 12
    # The original jobs and the second set for the same deadline both ran.
    assert Job.objects.filter(kind=REMIND, payload__point="0", payload__due_at=DUE_ISO).count() == 2


def test_a_submitted_obligation_gets_no_more_reminders(early_warning, hooked, dana):
    receiver, _smtp = hooked
    _work_at(HALF)
    sent_at = HALF + timedelta(hours=1)
    record_submission(
        early_warning, dana, submitted_at=sent_at, method=SubmissionMethod.EMAIL, now=sent_at
    )
    for when in (BEFORE, AT, AFTER):
        _work_at(when)
    assert [r.json()["point"] for r in _hooks(receiver)] == ["50%"]


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])  # noqa: S607 (a throw-away process to take a pid)
    process.wait()
    return process.pid


def test_a_reminder_job_whose_worker_died_runs_again_and_sends_nothing_twice(early_warning, hooked):
    receiver, smtp = hooked
    job = Job.objects.get(kind=REMIND, payload__obligation=early_warning.pk, payload__point="50%")
    dead_worker = f"{socket.gethostname()}:{_dead_pid()}"
    with time_machine.travel(HALF, tick=False):
        # The dead worker claimed the job and committed the reminder's deliveries, then died
        # before it could record the job as done.
        assert claim(job.pk, dead_worker, HALF)
        remind(job.payload)
        assert Delivery.objects.count() == 4
        run_once(worker_id="test")  # gives the orphan back, runs it again, sends
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert Delivery.objects.count() == 4
    assert len(_hooks(receiver)) == 1
    assert len(_mails(smtp)) == 3
    assert os.getpid() != int(dead_worker.rpartition(":")[2])


def test_it_gives_up_on_a_payload_it_cannot_read(db):
    job = Job.objects.create(
        kind=REMIND, payload={"point": "50%"}, run_at=RECORDED, created_at=RECORDED
    )
    with time_machine.travel(RECORDED, tick=False):
        run_once(worker_id="test")
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "names obligation, point, due_at" in job.last_error
