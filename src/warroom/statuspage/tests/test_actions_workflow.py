"""The whole review of one update of a case-linked incident: draft, approve, publish."""

from warroom.cases.choices import EventKind
from warroom.statuspage.actions import approve_update, publish_update
from warroom.statuspage.choices import IncidentStatus, ReviewState

from .conftest import NOW

TEXT = "We are aware of an issue affecting Customer portal and Voice API."


def _communications(case):
    return list(case.events.filter(kind=EventKind.COMMUNICATION).order_by("id"))


def test_it_writes_three_timeline_events_quoting_the_text(case, bob, dana, draft):
    approve_update(draft, dana, now=NOW)
    publish_update(draft, dana, now=NOW)
    # The first communication event is the opening of the public incident.
    opened, *events = _communications(case)
    assert opened.text.startswith("Public incident “Customer portal")
    assert [event.actor for event in events] == [bob, dana, dana]
    assert [event.text.split(" for ")[0] for event in events] == [
        "Status page update drafted",
        "Status page update approved",
        "Status page update published",
    ]
    assert all(f"“{TEXT}”" in event.text for event in events)


def test_the_drafted_event_names_the_component_changes(case, draft):
    event = case.events.filter(kind=EventKind.COMMUNICATION).latest("id")
    assert event.text == (
        "Status page update drafted for “Customer portal and Voice API unavailable” "
        f"(Investigating): “{TEXT}” Components: Customer portal → Major outage, "
        "Voice API → Partial outage."
    )


def test_it_ends_published_with_who_did_each_step(bob, dana, draft):
    approve_update(draft, dana, now=NOW)
    publish_update(draft, dana, now=NOW)
    draft.refresh_from_db()
    assert (draft.review, draft.drafted_by, draft.approved_by, draft.published_by) == (
        ReviewState.PUBLISHED,
        bob,
        dana,
        dana,
    )
    assert draft.incident.status == IncidentStatus.INVESTIGATING


def test_an_unlinked_incident_writes_no_timeline_event(erin, maintenance, case):
    from warroom.statuspage.actions import draft_update

    before = case.events.count()
    update = draft_update(
        maintenance,
        erin,
        status="scheduled",
        body="We will be performing scheduled maintenance on Hosting.",
        changes={},
        language="en",
        now=NOW,
    )
    approve_update(update, erin, now=NOW)
    publish_update(update, erin, now=NOW)
    assert case.events.count() == before
