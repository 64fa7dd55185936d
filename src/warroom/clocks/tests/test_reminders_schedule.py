"""`reminders.schedule`: a job per reminder point of a deadline, queued with its run_at."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from warroom.clocks.actions import mark_not_applicable, record_fact
from warroom.clocks.reminders import REMIND, Point, parse_point, points, schedule
from warroom.clocks.tests.conftest import AWARE, RECORDED
from warroom.jobs.models import Job

DUE = AWARE + timedelta(hours=24)


def _jobs(obligation):
    jobs = Job.objects.filter(kind=REMIND, payload__obligation=obligation.pk).order_by("run_at")
    return [(job.payload["point"], job.payload["due_at"], job.run_at) for job in jobs]


def test_the_default_points_are_half_time_four_hours_before_at_and_an_hour_after(settings):
    del settings.CLOCK_REMINDERS
    assert [p.token for p in points()] == ["50%", "-4h", "0", "+1h"]


@pytest.mark.parametrize(
    ("token", "point"),
    [
        ("50%", Point("50%", share=0.5)),
        ("12.5%", Point("12.5%", share=0.125)),
        ("-4h", Point("-4h", offset=timedelta(hours=-4))),
        ("-30m", Point("-30m", offset=timedelta(minutes=-30))),
        (" 0 ", Point("0", offset=timedelta(0))),
        ("+1d", Point("+1d", offset=timedelta(days=1))),
    ],
)
def test_it_reads_each_kind_of_point(token, point):
    assert parse_point(token) == point


@pytest.mark.parametrize("text", ["50%,soon", "150%", "4h", "-4x", "0%"])
def test_a_wrong_setting_names_the_setting_and_the_point(settings, text):
    settings.CLOCK_REMINDERS = text
    with pytest.raises(ImproperlyConfigured, match=r"CLOCK_REMINDERS \("):
        points()


def test_computing_a_deadline_queues_its_reminders(early_warning, settings):
    due = "2025-08-13T10:00:00Z"
    assert _jobs(early_warning) == [
        ("50%", due, AWARE + timedelta(hours=12)),
        ("-4h", due, DUE - timedelta(hours=4)),
        ("0", due, DUE),
        ("+1h", due, DUE + timedelta(hours=1)),
    ]


def test_points_already_past_are_not_queued(early_warning):
    Job.objects.filter(kind=REMIND).delete()
    schedule(early_warning, now=DUE - timedelta(hours=2))
    assert [point for point, _due, _at in _jobs(early_warning)] == ["0", "+1h"]


def test_a_moved_deadline_queues_reminders_for_the_new_one(early_warning, alice):
    record_fact(early_warning.case, alice, "aware_at", AWARE + timedelta(hours=3), now=RECORDED)
    new = [(p, at) for p, due, at in _jobs(early_warning) if due == "2025-08-13T13:00:00Z"]
    assert [p for p, _at in new] == ["50%", "-4h", "0", "+1h"]
    assert new[0][1] == AWARE + timedelta(hours=3 + 12)


def test_closed_obligations_and_those_without_a_deadline_get_none(clock_case, early_warning, dana):
    mark_not_applicable(early_warning, dana, reason="Not in DE.", now=RECORDED)
    assert schedule(early_warning, now=RECORDED) == []
    notice = clock_case.obligations.get(key="eu_nis2.service_recipients")
    assert schedule(notice, now=RECORDED) == []


def test_points_at_or_before_the_start_are_skipped(early_warning, settings):
    settings.CLOCK_REMINDERS = "-24h,-1d,-30h,0"
    Job.objects.filter(kind=REMIND).delete()
    schedule(early_warning, now=RECORDED - timedelta(hours=2))
    assert [point for point, _due, _at in _jobs(early_warning)] == ["0"]
