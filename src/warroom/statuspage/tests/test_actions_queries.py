"""The querysets the public page and the fan-out read: what is published, open, upcoming."""

from datetime import timedelta

from warroom.statuspage.actions import approve_update, draft_update, publish_update
from warroom.statuspage.models import IncidentUpdate, PublicIncident, Subscriber

from .conftest import NOW


def _publish(incident, author, approver, status, now=NOW):
    update = draft_update(
        incident, author, status=status, body="Text.", changes={}, language="en", now=now
    )
    approve_update(update, approver, now=now)
    return publish_update(update, approver, now=now)


def test_a_draft_incident_is_not_published(public_incident, draft):
    assert not PublicIncident.objects.published().exists()
    assert not IncidentUpdate.objects.published().exists()


def test_unresolved_lists_open_published_incidents(public_incident, maintenance, bob, dana, erin):
    _publish(public_incident, bob, dana, "identified")
    _publish(maintenance, erin, erin, "in_progress")
    assert list(PublicIncident.objects.unresolved()) == [public_incident]
    _publish(public_incident, bob, dana, "resolved")
    assert not PublicIncident.objects.unresolved().exists()
    assert IncidentUpdate.objects.published().count() == 3


def test_upcoming_lists_scheduled_maintenances_until_their_window_ends(maintenance, erin):
    _publish(maintenance, erin, erin, "scheduled")
    assert list(PublicIncident.objects.upcoming(NOW)) == [maintenance]
    after = maintenance.scheduled_until + timedelta(seconds=1)
    assert not PublicIncident.objects.upcoming(after).exists()
    assert not PublicIncident.objects.active_maintenance().exists()


def test_active_maintenance_lists_work_in_progress_or_verifying(maintenance, erin):
    _publish(maintenance, erin, erin, "in_progress")
    assert list(PublicIncident.objects.active_maintenance()) == [maintenance]
    _publish(maintenance, erin, erin, "verifying")
    assert list(PublicIncident.objects.active_maintenance()) == [maintenance]
    _publish(maintenance, erin, erin, "completed")
    assert not PublicIncident.objects.active_maintenance().exists()


def _subscriber(email, *components, confirmed=True, unsubscribed=False):
    subscriber = Subscriber.objects.create(
        kind="email",
        email=email,
        confirmed_at=NOW if confirmed else None,
        unsubscribed_at=NOW if unsubscribed else None,
    )
    subscriber.components.set(components)
    return subscriber


def test_active_subscribers_confirmed_and_did_not_leave(db):
    live = _subscriber("live@example.com")
    _subscriber("pending@example.com", confirmed=False)
    _subscriber("gone@example.com", unsubscribed=True)
    assert list(Subscriber.objects.active()) == [live]


def test_for_components_takes_everything_subscribers_and_those_of_the_components(catalog):
    everything = _subscriber("all@example.com")
    api = _subscriber("api@example.com", catalog["api"], catalog["sip"])
    voice = _subscriber("voice@example.com", catalog["voice"])
    _subscriber("portal@example.com", catalog["portal"])
    chosen = Subscriber.objects.for_components([catalog["api"].pk])
    assert list(chosen) == [everything, api, voice]


def test_for_no_components_takes_only_everything_subscribers(catalog):
    everything = _subscriber("all@example.com")
    _subscriber("api@example.com", catalog["api"])
    assert list(Subscriber.objects.active().for_components([])) == [everything]
