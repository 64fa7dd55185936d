"""The first hour of the DESIGN.md case, as a commander does it in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import PASSWORD
from django.contrib.auth.models import User

from warroom.cases.models import Asset, Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_commander_records_an_event_and_takes_a_server_offline(
    page: Any, case: Incident, alice: User
) -> None:
    Asset.objects.create(case=case, name="SP-FE-01", role="SharePoint front end")
    _sign_in(page, "alice")

    page.get_by_role("link", name=re.compile(case.reference)).click()
    page.wait_for_url(f"**/cases/{case.reference}/")

    # Quick add goes through htmx: the event appears without a page load.
    quick_add = page.locator("#quick-add")
    quick_add.get_by_label("Occurred at (UTC)").fill("2025-08-12T06:30")
    quick_add.get_by_label("Kind").select_option("finding")
    quick_add.get_by_label("Text").fill("spinstall0.aspx found under LAYOUTS on SP-FE-01")
    url_before = page.url
    quick_add.get_by_role("button", name="Add").click()
    timeline = page.locator("#timeline-list")
    timeline.get_by_text("spinstall0.aspx found under LAYOUTS").wait_for()
    assert page.url == url_before

    page.get_by_label("New state of SP-FE-01").select_option("offline")
    page.get_by_label("Reason for the change of SP-FE-01").fill("Webshell found; pulled")
    page.locator("#assets").get_by_role("button", name="Set").click()
    page.wait_for_load_state()

    timeline = page.locator("#timeline-list")
    timeline.get_by_text("SP-FE-01 changed from Online to Offline").wait_for()
    timeline.get_by_text("spinstall0.aspx found under LAYOUTS").wait_for()
    assert case.assets.get().state == "offline"


def test_the_case_page_works_without_javascript(
    browser: Any, live_server: Any, case: Incident, alice: User
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        _sign_in(page, "alice")
        page.goto(f"/cases/{case.reference}/")
        page.locator("#quick-add").get_by_label("Occurred at (UTC)").fill("2025-08-12T07:00")
        page.locator("#quick-add").get_by_label("Text").fill("Customer portal taken offline")
        page.locator("#quick-add").get_by_role("button", name="Add").click()
        page.locator("#timeline-list").get_by_text("Customer portal taken offline").wait_for()
    finally:
        context.close()
