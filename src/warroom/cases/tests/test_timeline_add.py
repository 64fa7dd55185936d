from datetime import UTC, datetime

from django.urls import reverse

from warroom.cases.actions import add_asset, open_case
from warroom.cases.choices import EventKind, EventSource, Severity
from warroom.cases.models import Asset, TimelineEvent

FORM = {"occurred_at": "2025-08-12T05:10", "kind": "finding", "text": "spinstall0.aspx written"}
HTMX = {"HX-Request": "true"}


def _url(case):
    return reverse("timeline-add", args=[case.reference])


def test_it_writes_timeline_event(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), FORM)
    event = case.events.get(kind=EventKind.FINDING)
    assert response["Location"] == f"{case.get_absolute_url()}#timeline"
    assert (event.text, event.actor, event.source) == (FORM["text"], bob, EventSource.PERSON)
    assert event.occurred_at == datetime(2025, 8, 12, 5, 10, tzinfo=UTC)


def test_it_links_an_asset_of_the_case(client, case, bob, asset):
    client.force_login(bob)
    client.post(_url(case), {**FORM, "asset": asset.pk})
    assert case.events.get(kind=EventKind.FINDING).asset == asset


def test_it_refuses_an_asset_of_another_case(client, case, bob, charlie):
    when = datetime(2025, 9, 1, tzinfo=UTC)
    other = open_case(charlie, title="x", severity=Severity.SEV4, detected_at=when, now=when)
    foreign = add_asset(Asset(case=other, name="HIDDEN"), charlie, now=when)
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "asset": foreign.pk})
    assert response.status_code == 400
    assert not case.events.filter(kind=EventKind.FINDING).exists()


def test_it_returns_the_new_event_to_htmx(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), FORM, headers=HTMX)
    event = TimelineEvent.objects.get(kind=EventKind.FINDING)
    assert response.status_code == 200
    assert f'<li class="event" id="event-{event.pk}">' in response.text
    # A fresh quick-add form replaces the one that was sent, out of band.
    assert 'id="quick-add"' in response.text
    assert 'hx-swap-oob="true"' in response.text


def test_it_shows_htmx_errors_in_place_of_the_form(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "text": ""}, headers=HTMX)
    assert response["HX-Retarget"] == "#quick-add"
    assert response["HX-Reswap"] == "outerHTML"
    assert "This field is required" in response.text
    assert not case.events.filter(kind=EventKind.FINDING).exists()


def test_it_rejects_an_unknown_kind(client, case, bob):
    client.force_login(bob)
    response = client.post(_url(case), {**FORM, "kind": "rumour"})
    assert response.status_code == 400
    assert case.events.count() == 1


def test_it_shows_the_form_on_get(client, case, bob):
    client.force_login(bob)
    response = client.get(_url(case))
    assert response.status_code == 200
    assert "Occurred at (UTC)" in response.text
    assert 'name="evidence"' in response.text


def test_it_refuses_observers(client, case, observer):
    client.force_login(observer)
    assert client.post(_url(case), FORM).status_code == 403
    assert case.events.count() == 1
