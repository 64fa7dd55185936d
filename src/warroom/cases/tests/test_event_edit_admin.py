"""Staff see an event's corrections in the admin, read only."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from warroom.cases.actions import edit_event, record_event
from warroom.cases.choices import EventKind

WHEN = datetime(2025, 8, 12, 7, 0, tzinfo=UTC)


def test_the_admin_shows_what_an_event_said_before(client, case, bob, charlie):
    event = record_event(case, bob, EventKind.OBSERVATION, "tpyo", occurred_at=WHEN)
    edit_event(event, bob, {"text": "typo"}, now=WHEN + timedelta(minutes=5))
    charlie.is_staff = charlie.is_superuser = True
    charlie.save()
    client.force_login(charlie)
    page = client.get(reverse("admin:cases_timelineevent_change", args=[event.pk])).text
    assert "tpyo" in page  # the old text, in the edit's "before"
