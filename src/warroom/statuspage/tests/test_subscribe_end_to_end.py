"""Subscribe, confirm from the mail, receive an update, leave with one click: all real mail."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from warroom.jobs.worker import run_once
from warroom.notify.testing import SmtpServer
from warroom.statuspage.fanout import fan_out
from warroom.statuspage.tests import site_data


@pytest.fixture
def smtp(settings):
    cache.clear()
    with SmtpServer() as server:
        for name, value in server.settings.items():
            setattr(settings, name, value)
        yield server


def _work():
    run_once(worker_id="test")


def _link(text: str, pattern: str) -> str:
    match = re.search(pattern, text)
    assert match, f"no link like {pattern} in:\n{text}"
    return urlsplit(match.group(0)).path


def test_a_subscriber_hears_of_an_update_and_can_leave(db, smtp, settings):
    settings.STATUS_PAGE_URL = "http://testserver/status/"
    rows = site_data.catalog()
    browser = Client(enforce_csrf_checks=True)
    browser.post(
        "/status/subscribe/", {"email": "noc@reseller.example", "components": rows["api"].code}
    )
    _work()
    [confirmation] = smtp.to("noc@reseller.example")
    confirm = _link(
        confirmation.part("text/plain"), r"http://testserver/status/subscribe/confirm/\S+/"
    )
    assert browser.get(confirm).status_code == 200
    assert browser.post(confirm).status_code == 200

    outage = site_data.incident("Voice API unavailable")
    first = site_data.update(outage, "We are aware of it.", affected={rows["api"]: "major_outage"})
    fan_out({"update": first.pk})
    _work()
    [_, update] = smtp.to("noc@reseller.example")
    assert "We are aware of it." in update.part("text/plain")

    one_click = _link(
        update.message["List-Unsubscribe"], r"http://testserver/status/unsubscribe/[^>]+/"
    )
    response = Client(enforce_csrf_checks=True).post(
        one_click, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200

    later = site_data.update(
        outage, "Resolved.", status="resolved", at=site_data.T0 + timedelta(hours=5)
    )
    fan_out({"update": later.pk})
    _work()
    assert len(smtp.to("noc@reseller.example")) == 2
