"""The public status page in a real Chromium: subscribing, mail, webhooks, phones, axe-core.

Everything a customer does goes through the browser, with JavaScript on and off (the page has
no script of its own and must not need one). Mail goes to a real SMTP server on 127.0.0.1 and
webhooks to a real HTTP receiver there; the worker's loop runs in the test between steps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from warroom.jobs.worker import run_once
from warroom.notify.signing import HEADER, verify
from warroom.notify.testing import SmtpServer, WebhookReceiver
from warroom.statuspage.fanout import fan_out
from warroom.statuspage.models import PublicIncident
from warroom.statuspage.tests import site_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def smtp(settings: Any, live_server: Any) -> Iterator[SmtpServer]:
    cache.clear()  # the subscribe form's rate limit counts per address
    settings.STATUS_PAGE_URL = f"{live_server.url}/status/"
    settings.STATUS_CACHE_SECONDS = 0
    with SmtpServer() as server:
        for name, value in server.settings.items():
            setattr(settings, name, value)
        yield server


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def visitor(request: Any, browser: Any, live_server: Any) -> Iterator[Any]:
    """A customer's browser, with JavaScript on or off."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=request.param)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _work() -> None:
    """What the worker would do now: run every due job."""
    while run_once(worker_id="browser-test"):
        pass


def _link(text: str, pattern: str) -> str:
    match = re.search(pattern, text)
    assert match, f"no link like {pattern} in:\n{text}"
    return match.group(0)


def _subscribe(page: Any, smtp: SmtpServer, email: str, component: str, endpoint: str = "") -> None:
    """Fill in the form, then confirm from the mail that arrives."""
    page.goto("/status/subscribe/")
    form = page.get_by_role("main")
    form.get_by_label("E-mail address").fill(email)
    if endpoint:
        form.get_by_role("textbox", name=re.compile("Webhook URL")).fill(endpoint)
    form.get_by_role("checkbox", name=component, exact=True).check()
    form.get_by_role("button", name=re.compile("Subscribe", re.I)).click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    _work()
    [confirmation] = smtp.to(email)
    page.goto(_link(confirmation.part("text/plain"), r"http://\S+/status/subscribe/confirm/\S+/"))
    page.get_by_role("button", name="Confirm subscription").click()
    page.get_by_role("heading", name="Subscription confirmed").wait_for()


def _publish(rows: dict[str, Any], text: str, *, incident: PublicIncident | None = None) -> Any:
    """A published update of the Voice API outage, fanned out to subscribers and delivered."""
    incident = incident or site_data.incident("Voice API unavailable", at=timezone.now())
    update = site_data.update(
        incident, text, at=timezone.now(), affected={rows["api"]: "major_outage"}
    )
    fan_out({"update": update.pk})
    _work()
    return incident


def test_a_customer_subscribes_hears_of_the_update_and_leaves(
    visitor: Any, smtp: SmtpServer
) -> None:
    rows = site_data.catalog()
    _subscribe(visitor, smtp, "noc@reseller.example", "Voice API")

    incident = _publish(rows, "We are aware of an issue affecting the Voice API.")
    [_, update] = smtp.to("noc@reseller.example")
    text = update.part("text/plain")
    assert "We are aware of an issue affecting the Voice API." in text
    assert "List-Unsubscribe-Post" in update.message

    visitor.goto(_link(text, r"http://\S+/status/unsubscribe/\S+/"))
    visitor.get_by_role("button", name="Unsubscribe").click()
    visitor.get_by_role("heading", name=re.compile("unsubscribed", re.I)).wait_for()

    _publish(rows, "Service restored.", incident=incident)
    assert len(smtp.to("noc@reseller.example")) == 2  # nothing after leaving


def test_only_the_chosen_components_are_sent(visitor: Any, smtp: SmtpServer) -> None:
    rows = site_data.catalog()
    _subscribe(visitor, smtp, "portal@customer.example", "Customer portal")
    _publish(rows, "Voice API calls fail.")
    assert len(smtp.to("portal@customer.example")) == 1  # the confirmation only


def test_a_webhook_receiver_gets_a_signed_payload(page: Any, smtp: SmtpServer) -> None:
    rows = site_data.catalog()
    with WebhookReceiver() as receiver:
        _subscribe(page, smtp, "ops@reseller.example", "Voice API", receiver.url("/hook"))
        secret = page.locator("code.secret").inner_text().strip()

        _publish(rows, "We are aware of an issue affecting the Voice API.")
        requests = receiver.to("/hook")
    # As on Statuspage: one incident update, and one component update per changed component.
    kinds = sorted("incident" if "incident" in r.json() else "component" for r in requests)
    assert kinds == ["component", "incident"]
    for request in requests:
        assert verify(secret, request.body, request.headers[HEADER.lower()], now=timezone.now())
    payload = next(r.json() for r in requests if "incident" in r.json())
    assert payload["incident"]["name"] == "Voice API unavailable"
    assert payload["incident"]["incident_updates"][0]["body"].startswith("We are aware")
    assert payload["page"]["id"]
    forged = requests[0]
    assert not verify("another secret", forged.body, forged.headers[HEADER.lower()], now=0)


def _axe(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"  # it ran, on this page
    assert results.response["url"] == page.url
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_public_pages_pass_axe_core(page: Any, smtp: SmtpServer, viewport: Any) -> None:
    rows = site_data.catalog()
    incident = _publish(rows, "We are aware of an issue affecting the Voice API.")
    site_data.maintenance("Core router upgrade", timezone.now() + timedelta(days=2))
    if viewport:
        page.set_viewport_size(viewport)
    for path in ("/status/", f"/status/incidents/{incident.code}.html", "/status/subscribe/"):
        page.goto(path)
        _axe(page)


def test_it_fits_a_phone(page: Any, smtp: SmtpServer) -> None:
    rows = site_data.catalog()
    _publish(rows, "We are aware of an issue affecting the Voice API.")
    page.set_viewport_size(PHONE)
    page.goto("/status/")
    page.get_by_text("Voice API unavailable").first.wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    assert page.get_by_text("Major outage").first.is_visible()
