"""A stranger's webhook URL never reaches inside: loopback, private, link-local, metadata."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.jobs.worker import run_once
from warroom.notify.addresses import private_reason
from warroom.notify.models import DeliveryState
from warroom.notify.outbox import send_webhook

NOW = datetime(2025, 8, 12, 9, 14, tzinfo=UTC)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.20.0.10/",
        "https://192.168.1.1/",
        "http://172.16.5.5/",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fd00::5]/",
        "http://[::ffff:10.0.0.1]/",  # IPv4-mapped
        "http://224.0.0.1/",
    ],
)
def test_inside_addresses_are_refused_with_the_reason(url):
    reason = private_reason(url)
    assert reason is not None
    assert "not a public internet address" in reason


@pytest.mark.parametrize(
    "url", ["https://93.184.215.14/hook", "http://[2606:4700:4700::1111]:8443/x"]
)
def test_public_addresses_pass(url):
    assert private_reason(url) is None


def test_a_name_is_judged_by_what_it_resolves_to():
    reason = private_reason("http://localhost:9/") or ""
    assert reason.startswith("localhost resolves to ")  # 127.0.0.1 or ::1
    assert reason.endswith("which is not a public internet address")


def test_a_bad_port_or_no_host_is_refused():
    assert private_reason("http://example.com:99999/") is not None
    assert private_reason("http:///path") is not None


@given(st.ip_addresses())
def test_any_literal_address_is_refused_exactly_when_it_is_not_global(address):
    host = f"[{address}]" if address.version == 6 else str(address)
    mapped = getattr(address, "ipv4_mapped", None) or address
    public = mapped.is_global and not mapped.is_multicast
    assert (private_reason(f"http://{host}/") is None) == public


def test_the_worker_refuses_a_public_only_delivery_to_loopback(db, webhook_receiver, settings):
    settings.STATUS_WEBHOOK_PRIVATE_OK = False
    delivery = send_webhook(
        "update:u1:s1",
        webhook_receiver.url("/hook"),
        {"x": 1},
        purpose="statuspage.update",
        secret="s",
        now=NOW,
        public_only=True,
    )
    run_once(worker_id="test", clock=lambda: NOW)
    delivery.refresh_from_db()
    assert webhook_receiver.requests == []
    assert delivery.state == DeliveryState.FAILED  # for good: retrying cannot help
    assert "refused: 127.0.0.1, which is not a public internet address" in delivery.last_error


def test_an_operators_own_webhook_may_be_internal(db, webhook_receiver, settings):
    settings.STATUS_WEBHOOK_PRIVATE_OK = False
    send_webhook(
        "clock:1",
        webhook_receiver.url("/hook"),
        {"x": 1},
        purpose="clocks.reminder",
        secret="s",
        now=NOW,
    )
    run_once(worker_id="test", clock=lambda: NOW)
    assert len(webhook_receiver.requests) == 1
