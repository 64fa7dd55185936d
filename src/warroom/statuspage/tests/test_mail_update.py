"""The mail an e-mail subscriber receives for a published update, through a real SMTP server."""

from datetime import UTC, datetime

import pytest

from warroom.jobs.worker import run_once
from warroom.notify.testing import SmtpServer
from warroom.statuspage.fanout import fan_out
from warroom.statuspage.models import Subscriber
from warroom.statuspage.tests import site_data

NOW = datetime(2025, 8, 12, 14, 0, tzinfo=UTC)
BODY = "We have taken the Voice API offline as a precaution. <Support> is reachable by phone."


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        for name, value in server.settings.items():
            setattr(settings, name, value)
        yield server


def _deliver(settings, language="en"):
    """Publish-time state: one subscriber in LANGUAGE, the update fanned out and sent."""
    settings.STATUS_PAGE_URL = "https://status.example.net/status/"
    settings.STATUS_PAGE_NAME = "Colt status"
    rows = site_data.catalog()
    outage = site_data.incident("Voice API unavailable")
    update = site_data.update(outage, BODY, affected={rows["api"]: "major_outage"})
    subscriber = Subscriber.objects.create(
        kind="email", email="noc@reseller.example", language=language, confirmed_at=NOW
    )
    fan_out({"update": update.pk})
    run_once(worker_id="test")
    return subscriber, outage


def test_the_subject_names_page_incident_and_status(db, smtp, settings):
    _deliver(settings)
    [mail] = smtp.messages
    assert mail.message["Subject"].strip() == "[Colt status] Voice API unavailable — Identified"
    assert mail.rcpt_tos == ["noc@reseller.example"]


def test_the_text_has_the_update_components_and_links(db, smtp, settings):
    subscriber, outage = _deliver(settings)
    text = smtp.messages[0].part("text/plain")
    assert BODY in text
    assert "- Voice API: Major outage" in text
    assert f"https://status.example.net/status/incidents/{outage.code}.html" in text
    unsubscribe = f"https://status.example.net/status/unsubscribe/{subscriber.unsubscribe_token}/"
    assert f"Unsubscribe: {unsubscribe}" in text
    assert "Change your subscription: https://status.example.net/status/subscribe/?" in text


def test_the_headers_offer_one_click_unsubscribe(db, smtp, settings):
    subscriber, _ = _deliver(settings)
    message = smtp.messages[0].message
    token = subscriber.unsubscribe_token
    # A long header is folded onto a continuation line; readers unfold and trim it.
    assert message["List-Unsubscribe"].strip() == (
        f"<https://status.example.net/status/unsubscribe/{token}/>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"


def test_the_html_part_escapes_the_update_text(db, smtp, settings):
    _deliver(settings)
    html = smtp.messages[0].part("text/html")
    assert '<html lang="en">' in html
    assert "&lt;Support&gt; is reachable by phone." in html
    assert "<Support>" not in html


def test_a_german_subscriber_gets_the_fixed_parts_in_german(db, smtp, settings):
    _deliver(settings, language="de")
    mail = smtp.messages[0]
    text = mail.part("text/plain")
    assert (
        mail.message["Subject"].strip() == "[Colt status] Voice API unavailable — Ursache gefunden"
    )
    assert "- Voice API: Schwerer Ausfall" in text
    assert "Abbestellen: https://status.example.net/status/unsubscribe/" in text
    assert BODY in text  # the update's own words are sent as written
    assert '<html lang="de">' in mail.part("text/html")
