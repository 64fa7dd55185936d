"""/api/cases/{ref}/timeline: read it page by page, add to it, correct it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from pytest_django import DjangoAssertNumQueries

from warroom.cases import actions
from warroom.cases.choices import EventKind
from warroom.cases.models import Incident, TimelineEvent
from warroom.cases.tests.api_client import DETECTED, ApiClient, error_fields

TIMELINE = "/cases/INC-2025-0001/timeline"


def _events(
    case: Incident,
    count: int,
    *,
    step: timedelta = timedelta(minutes=1),
    kind: EventKind = EventKind.OBSERVATION,
) -> None:
    TimelineEvent.objects.bulk_create(
        TimelineEvent(case=case, kind=kind, text=f"e{i}", occurred_at=DETECTED + i * step)
        for i in range(count)
    )


def _all_pages(api: ApiClient, **query: object) -> list[str]:
    texts: list[str] = []
    cursor = None
    while True:
        page = api.get(TIMELINE, **query, **({"cursor": cursor} if cursor else {})).json()
        texts += [event["text"] for event in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return texts


def test_it_lists_newest_first(case: Incident, bob: User) -> None:
    _events(case, 3)
    texts = [e["text"] for e in ApiClient(bob).get(TIMELINE).json()["items"]]
    assert texts == ["e2", "e1", "e0", "Case opened as SEV1 in phase Detected."]


def test_it_pages_through_every_event_once(case: Incident, bob: User) -> None:
    # Events at the same moment are split across pages by id, never lost or repeated.
    _events(case, 25, step=timedelta(0))
    texts = _all_pages(ApiClient(bob), limit=7)
    assert sorted(texts) == sorted([f"e{i}" for i in range(25)] + [texts[-1]])
    assert len(texts) == len(set(texts)) == 26


def test_it_filters_by_kind(case: Incident, bob: User) -> None:
    _events(case, 3)
    _events(case, 2, kind=EventKind.DECISION)
    assert _all_pages(ApiClient(bob), kind="decision", limit=1) == ["e1", "e0"]


def test_it_reads_a_page_in_a_fixed_number_of_queries(
    case: Incident, bob: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _events(case, 300)
    api = ApiClient(bob)
    cursor = api.get(TIMELINE, limit=100).json()["next_cursor"]
    # Token lookup, its last-used stamp, membership with the case, one page with its actors.
    with django_assert_num_queries(4):
        assert len(api.get(TIMELINE, limit=100, cursor=cursor).json()["items"]) == 100


def test_it_rejects_a_bad_cursor_or_limit(case: Incident, bob: User) -> None:
    assert error_fields(ApiClient(bob).get(TIMELINE, cursor="not-a-cursor")) == {"cursor"}
    assert error_fields(ApiClient(bob).get(TIMELINE, limit=0)) == {"limit"}
    assert error_fields(ApiClient(bob).get(TIMELINE, kind="gossip")) == {"kind"}


def test_it_records_an_event(case: Incident, bob: User) -> None:
    body = {
        "kind": "finding",
        "text": "Webshell spinstall0.aspx",
        "occurred_at": "2025-08-12T05:00:00Z",
    }
    response = ApiClient(bob).post(TIMELINE, body)
    assert response.status_code == 201
    assert (response.json()["actor"], response.json()["source"]) == ("bob", "person")
    assert case.events.filter(text="Webshell spinstall0.aspx", actor=bob).exists()


def test_it_rejects_bad_events(case: Incident, bob: User) -> None:
    api = ApiClient(bob)
    gossip = {"kind": "gossip", "text": "x", "occurred_at": "2025-08-12T05:00:00Z"}
    assert error_fields(api.post(TIMELINE, gossip)) == {"kind"}
    status = {**gossip, "kind": "status_change"}
    assert error_fields(api.post(TIMELINE, status)) == {"kind"}
    naive = {**gossip, "kind": "finding", "occurred_at": "2025-08-12T05:00:00"}
    assert error_fields(api.post(TIMELINE, naive)) == {"occurred_at"}
    assert case.events.count() == 1


def test_it_lets_the_author_correct_an_event(case: Incident, bob: User) -> None:
    event = actions.record_event(case, bob, EventKind.OBSERVATION, "tpyo", occurred_at=DETECTED)
    body = {"text": "typo", "kind": "finding", "occurred_at": "2025-08-12T05:00:00Z"}
    response = ApiClient(bob).patch(f"{TIMELINE}/{event.pk}", body)
    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.text, event.kind, event.occurred_at.hour) == ("typo", "finding", 5)


def test_a_correction_keeps_what_the_event_said_before(case: Incident, bob: User) -> None:
    # Before, a PATCH overwrote the text and the time, and the old ones were gone.
    event = actions.record_event(case, bob, EventKind.OBSERVATION, "tpyo", occurred_at=DETECTED)
    api = ApiClient(bob)
    body = {"text": "typo", "occurred_at": "2025-08-12T05:00:00Z", "kind": "observation"}
    corrected = api.patch(f"{TIMELINE}/{event.pk}", body).json()
    assert corrected["edited_at"] is not None
    [edit] = api.get(f"{TIMELINE}/{event.pk}/edits").json()
    assert edit["editor"] == "bob"
    assert edit["before"] == {"text": "tpyo", "occurred_at": "2025-08-12T06:30:00+00:00"}
    assert edit["after"] == {"text": "typo", "occurred_at": "2025-08-12T05:00:00+00:00"}


def test_a_correction_that_changes_nothing_records_nothing(case: Incident, bob: User) -> None:
    event = actions.record_event(case, bob, EventKind.OBSERVATION, "same", occurred_at=DETECTED)
    assert ApiClient(bob).patch(f"{TIMELINE}/{event.pk}", {"text": "same"}).status_code == 200
    event.refresh_from_db()
    assert event.edited_at is None
    assert not event.edits.exists()


def test_an_outsider_cannot_read_the_edits(case: Incident, bob: User, charlie: User) -> None:
    event = actions.record_event(case, bob, EventKind.OBSERVATION, "x", occurred_at=DETECTED)
    assert ApiClient(charlie).get(f"{TIMELINE}/{event.pk}/edits").status_code == 404


def test_it_lets_the_commander_correct_any_person_event(
    case: Incident, alice: User, bob: User
) -> None:
    event = actions.record_event(case, bob, EventKind.OBSERVATION, "tpyo", occurred_at=DETECTED)
    assert ApiClient(alice).patch(f"{TIMELINE}/{event.pk}", {"text": "typo"}).status_code == 200


def test_it_keeps_others_events_from_responders(case: Incident, alice: User, bob: User) -> None:
    event = actions.record_event(case, alice, EventKind.OBSERVATION, "x", occurred_at=DETECTED)
    response = ApiClient(bob).patch(f"{TIMELINE}/{event.pk}", {"text": "y"})
    assert response.status_code == 403
    assert "author" in response.json()["detail"]


def test_it_keeps_status_changes_as_written(case: Incident, alice: User) -> None:
    opened = case.events.get()
    response = ApiClient(alice).patch(f"{TIMELINE}/{opened.pk}", {"text": "nothing happened"})
    assert response.status_code == 403
    opened.refresh_from_db()
    assert opened.text.startswith("Case opened")
