import re
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from warroom.cases.choices import EventKind
from warroom.cases.models import TimelineEvent

START = datetime(2025, 8, 12, 7, 0, tzinfo=UTC)


def _url(case):
    return reverse("case-detail", args=[case.reference])


def _events(case, user, count, kind=EventKind.OBSERVATION, **links):
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            case=case,
            actor=user,
            kind=kind,
            text=f"event {number}",
            occurred_at=START + timedelta(minutes=number),
            **links,
        )
        for number in range(count)
    )


def test_it_shows_the_case(client, case, bob):
    client.force_login(bob)
    response = client.get(_url(case))
    assert response.status_code == 200
    assert "SharePoint servers breached" in response.text
    assert "SEV1 — critical" in response.text
    assert "Webshell found" in response.text


def test_it_shows_times_in_utc(client, case, bob):
    client.force_login(bob)
    response = client.get(_url(case))
    assert "2025-08-12 06:30&nbsp;UTC" in response.text


def test_it_shows_phase_and_severity_forms_to_the_commander(client, case, alice):
    client.force_login(alice)
    response = client.get(_url(case))
    assert reverse("case-phase", args=[case.reference]) in response.text
    assert reverse("case-severity", args=[case.reference]) in response.text


def test_it_hides_phase_and_severity_forms_from_responders(client, case, bob):
    client.force_login(bob)
    response = client.get(_url(case))
    assert reverse("case-phase", args=[case.reference]) not in response.text
    assert 'id="quick-add"' in response.text


def test_it_shows_observers_no_write_forms(client, case, observer):
    client.force_login(observer)
    response = client.get(_url(case))
    assert response.status_code == 200
    assert 'id="quick-add"' not in response.text
    assert reverse("asset-add", args=[case.reference]) not in response.text


def test_it_lists_the_timeline_newest_first(client, case, bob):
    _events(case, bob, 3)
    client.force_login(bob)
    text = client.get(_url(case)).text
    assert text.index("event 2") < text.index("event 1") < text.index("event 0")


def test_it_filters_the_timeline_by_kind(client, case, bob):
    _events(case, bob, 1, kind=EventKind.DECISION)
    client.force_login(bob)
    response = client.get(_url(case), {"kind": "decision"})
    assert "event 0" in response.text
    assert "Case opened" not in response.text


def test_it_names_an_unknown_kind(client, case, bob):
    client.force_login(bob)
    response = client.get(_url(case), {"kind": "gossip"})
    assert response.status_code == 400
    assert "kind" in response.text


def test_it_pages_the_timeline_by_fifty(client, case, bob):
    _events(case, bob, 60)
    client.force_login(bob)
    first = client.get(_url(case)).text
    second = client.get(_url(case), {"page": 2}).text
    assert "event 59" in first
    assert "event 9<" not in first
    assert "event 9<" in second
    assert "Case opened" in second
    assert "Page 2 of 2 (61 events)" in second


def test_it_keeps_a_query_budget(client, case, bob, asset, indicator, evidence, task, action):
    client.force_login(bob)
    with CaptureQueriesContext(connection) as few:
        client.get(_url(case))
    _events(case, bob, 200, asset=asset, indicator=indicator, evidence=evidence)
    with CaptureQueriesContext(connection) as many:
        response = client.get(_url(case))
    assert response.text.count('class="event"') == 50
    assert (
        len(many) == len(few) <= 13
    )  # 11 for the case, 1 for the impact, 1 for the regulatory clocks


def test_it_has_no_inline_script_or_style(client, case, alice, asset, action):
    # The CSP (default-src 'self') would block them; htmx comes from a static file.
    client.force_login(alice)
    text = client.get(_url(case)).text
    assert re.findall(r"<script[^>]*>", text) == [
        f'<script src="{static("django_htmx/htmx-2.min.js")}" defer>'
    ]
    assert "style=" not in text
    assert "<style" not in text


def test_a_corrected_event_says_so(client, case, bob):
    from warroom.cases.actions import edit_event, record_event

    when = datetime(2025, 8, 12, 7, 0, tzinfo=UTC)
    event = record_event(case, bob, EventKind.OBSERVATION, "tpyo", occurred_at=when)
    edit_event(event, bob, {"text": "typo"}, now=when + timedelta(minutes=5))
    client.force_login(bob)
    text = client.get(_url(case)).text
    item = text[text.index(f'id="event-{event.pk}"') :]
    assert "(corrected" in item[: item.index("</li>")]
