"""Fanning one published update out to the subscribers it concerns, once each, restartably."""

from datetime import UTC, datetime

import pytest

from warroom.catalog.choices import ComponentStatus
from warroom.jobs.errors import PermanentError
from warroom.jobs.models import Job
from warroom.notify.models import Channel, Delivery
from warroom.statuspage import fanout
from warroom.statuspage.choices import ReviewState, SubscriberKind
from warroom.statuspage.fanout import fan_out
from warroom.statuspage.models import AffectedComponent, Subscriber
from warroom.statuspage.tests import site_data

NOW = datetime(2025, 8, 12, 14, 0, tzinfo=UTC)


def _subscriber(name, *components, kind=SubscriberKind.EMAIL, confirmed=True, left=False):
    subscriber = Subscriber.objects.create(
        kind=kind,
        email=f"{name}@reseller.example",
        endpoint=f"https://hooks.reseller.example/{name}" if kind == SubscriberKind.WEBHOOK else "",
        confirmed_at=NOW if confirmed else None,
        unsubscribed_at=NOW if left else None,
    )
    subscriber.components.set(components)
    return subscriber


@pytest.fixture
def rows(db):
    return site_data.catalog()


@pytest.fixture
def update(rows):
    """The Voice API is down; the incident also names the portal."""
    outage = site_data.incident("Voice API unavailable")
    outage.components.add(rows["portal"])
    return site_data.update(
        outage, "We have identified the cause.", affected={rows["api"]: "major_outage"}
    )


def _keys(channel=None):
    deliveries = Delivery.objects.all()
    if channel:
        deliveries = deliveries.filter(channel=channel)
    return set(deliveries.values_list("key", flat=True))


def test_each_concerned_subscriber_gets_one_delivery(rows, update):
    everything = _subscriber("all")
    api = _subscriber("api", rows["api"])
    portal = _subscriber("portal", rows["portal"])
    fan_out({"update": update.pk})
    assert _keys() == {f"update:{update.code}:{s.code}" for s in (everything, api, portal)}
    assert Job.objects.filter(kind="notify.deliver").count() == 3


def test_a_subscriber_of_a_group_hears_of_its_components(rows, update):
    voice = _subscriber("voice", rows["voice"])
    fan_out({"update": update.pk})
    assert _keys() == {f"update:{update.code}:{voice.code}"}


def test_subscribers_of_unaffected_components_get_nothing(rows, update):
    _subscriber("sip", rows["sip"])
    fan_out({"update": update.pk})
    assert _keys() == set()


def test_unconfirmed_and_unsubscribed_get_nothing(rows, update):
    _subscriber("pending", confirmed=False)
    _subscriber("gone", left=True)
    fan_out({"update": update.pk})
    assert not Delivery.objects.exists()


def test_a_webhook_subscriber_also_gets_one_webhook_per_changed_component(rows, update):
    hook = _subscriber("hook", kind=SubscriberKind.WEBHOOK)
    fan_out({"update": update.pk})
    assert _keys(Channel.WEBHOOK) == {
        f"update:{update.code}:{hook.code}",
        f"component:{update.code}:{rows['api'].code}:{hook.code}",
    }
    assert set(Delivery.objects.values_list("recipient", "secret")) == {
        (hook.endpoint, hook.secret)
    }


def test_no_component_webhook_when_the_status_did_not_change(rows, update):
    AffectedComponent.objects.update(old_status=ComponentStatus.MAJOR_OUTAGE)
    hook = _subscriber("hook", kind=SubscriberKind.WEBHOOK)
    fan_out({"update": update.pk})
    assert _keys() == {f"update:{update.code}:{hook.code}"}


def test_no_component_webhook_for_a_component_the_subscriber_does_not_follow(rows, update):
    hook = _subscriber("hook", rows["portal"], kind=SubscriberKind.WEBHOOK)
    fan_out({"update": update.pk})
    assert _keys() == {f"update:{update.code}:{hook.code}"}


def test_e_mail_subscribers_get_mail_with_one_click_unsubscribe(rows, update):
    subscriber = _subscriber("noc")
    fan_out({"update": update.pk})
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.recipient) == (Channel.EMAIL, subscriber.email)
    assert delivery.subject == "[Service status] Voice API unavailable — Identified"
    assert subscriber.unsubscribe_token in delivery.headers["List-Unsubscribe"]
    assert delivery.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_running_again_creates_only_the_missing_deliveries(rows, update):
    subscribers = [_subscriber(f"s{n}") for n in range(5)]
    fan_out({"update": update.pk})
    before = dict(Delivery.objects.values_list("key", "pk"))
    # As if the first run had been killed before the last two deliveries committed.
    lost = [f"update:{update.code}:{s.code}" for s in subscribers[3:]]
    Delivery.objects.filter(key__in=lost).delete()
    fan_out({"update": update.pk})
    after = dict(Delivery.objects.values_list("key", "pk"))
    assert after.keys() == before.keys()
    assert {k: after[k] for k in before if k not in lost} == {
        k: v for k, v in before.items() if k not in lost
    }
    assert Job.objects.filter(kind="notify.deliver").count() == 5 + 2


def test_an_unpublished_update_fails_for_good(rows):
    draft = site_data.update(site_data.incident(), "draft", review=ReviewState.DRAFT)
    with pytest.raises(PermanentError, match="no published update"):
        fan_out({"update": draft.pk})
    with pytest.raises(PermanentError, match="no published update"):
        fan_out({"update": 10**9})


def test_an_update_sent_without_notifications_tells_nobody(rows, update):
    _subscriber("all")
    update.deliver_notifications = False
    update.save()
    fan_out({"update": update.pk})
    assert not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_reads_subscribers_in_batches_and_commits_each(monkeypatch):
    rows = site_data.catalog()
    update = site_data.update(site_data.incident(), "x", affected={rows["api"]: "major_outage"})
    monkeypatch.setattr(fanout, "BATCH", 2)
    subscribers = [_subscriber(f"s{n}") for n in range(5)]
    fan_out({"update": update.pk})
    assert _keys() == {f"update:{update.code}:{s.code}" for s in subscribers}
