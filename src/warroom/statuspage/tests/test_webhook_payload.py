"""What a webhook subscriber receives: Statuspage's payloads, signed, at a real receiver."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from warroom.jobs.worker import run_once
from warroom.notify.signing import verify
from warroom.notify.testing import WebhookReceiver
from warroom.statuspage import v2
from warroom.statuspage.choices import SubscriberKind
from warroom.statuspage.fanout import fan_out
from warroom.statuspage.models import Subscriber
from warroom.statuspage.tests import site_data

NOW = datetime(2025, 8, 12, 14, 0, tzinfo=UTC)
INCIDENT_KEYS = {
    "id", "name", "status", "impact", "created_at", "updated_at", "started_at",
    "monitoring_at", "resolved_at", "shortlink", "page_id", "incident_updates", "components",
}  # fmt: skip


@pytest.fixture
def receiver():
    with WebhookReceiver() as running:
        yield running


@pytest.fixture
def delivered(db, receiver, settings):
    """A webhook subscriber of everything, told of the Voice API outage; the worker ran."""
    settings.STATUS_PAGE_URL = "https://status.example.net/status/"
    rows = site_data.catalog()
    outage = site_data.incident("Voice API unavailable")
    update = site_data.update(
        outage, "We have identified the cause.", affected={rows["api"]: "major_outage"}
    )
    rows["api"].status = "major_outage"
    rows["api"].save()
    hook = Subscriber.objects.create(
        kind=SubscriberKind.WEBHOOK,
        email="noc@reseller.example",
        endpoint=receiver.url("/statuspage"),
        confirmed_at=NOW,
    )
    fan_out({"update": update.pk})
    run_once(worker_id="test")
    by_kind = {
        next(k for k in r.json() if k in ("incident", "component")): r for r in receiver.requests
    }
    return {"hook": hook, "update": update, "rows": rows, **by_kind}


def test_both_webhooks_arrive_signed_with_the_subscribers_secret(delivered, receiver):
    assert len(receiver.requests) == 2
    for request in receiver.requests:
        header = request.headers["x-warroom-signature"]
        assert verify(delivered["hook"].secret, request.body, header, now=timezone.now())


def test_the_incident_webhook_has_statuspages_keys_exactly(delivered):
    body = delivered["incident"].json()
    assert set(body) == {"meta", "page", "incident"}
    assert set(body["meta"]) == {"unsubscribe", "documentation"}
    assert set(body["page"]) == {"id", "status_indicator", "status_description"}
    assert set(body["incident"]) == INCIDENT_KEYS


def test_the_incident_webhook_carries_the_incident_as_the_api_serves_it(delivered):
    body = delivered["incident"].json()
    outage = delivered["update"].incident
    assert body["incident"] == v2.incident_object(outage)
    assert body["incident"]["incident_updates"][0]["body"] == "We have identified the cause."
    assert body["page"] == {
        "id": v2.page_id(),
        "status_indicator": "critical",
        "status_description": "Major Service Outage",
    }


def test_meta_links_to_unsubscribing_and_to_the_documentation(delivered):
    meta = delivered["incident"].json()["meta"]
    token = delivered["hook"].unsubscribe_token
    assert meta == {
        "unsubscribe": f"https://status.example.net/status/unsubscribe/{token}/",
        "documentation": "https://status.example.net/status/subscribe/#webhooks",
    }


def test_the_component_webhook_has_statuspages_keys_and_values(delivered):
    body = delivered["component"].json()
    api = delivered["rows"]["api"]
    assert set(body) == {"meta", "page", "component_update", "component"}
    update = body["component_update"]
    assert set(update) == {"created_at", "new_status", "old_status", "id", "component_id"}
    assert (update["old_status"], update["new_status"], update["component_id"]) == (
        "operational",
        "major_outage",
        api.code,
    )
    assert update["created_at"] == v2.iso(delivered["update"].published_at)
    assert body["component"] == {
        "created_at": v2.iso(api.created_at),
        "id": api.code,
        "name": "Voice API",
        "status": "major_outage",
    }


def test_each_webhook_names_its_message_in_the_idempotency_key(delivered):
    update, hook, api = delivered["update"], delivered["hook"], delivered["rows"]["api"]
    assert delivered["incident"].idempotency_key == f"update:{update.code}:{hook.code}"
    assert (
        delivered["component"].idempotency_key == f"component:{update.code}:{api.code}:{hook.code}"
    )
