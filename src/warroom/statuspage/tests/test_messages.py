"""The message templates: every stage in both languages, known placeholders only."""

from datetime import UTC, datetime

import pytest

from warroom.catalog.models import Language
from warroom.statuspage.messages import (
    MessageError,
    Stage,
    default_values,
    join_names,
    load_raw,
    render,
    render_message,
    template_problems,
    unfilled,
)

VALUES = {
    "components": "Voice API",
    "page_name": "Colt status",
    "support_phone": "+44 20 7390 3900",
    "support_email": "support@example.net",
    "next_update": "16:00 UTC",
}


def test_the_template_file_has_no_problems():
    assert template_problems(load_raw()) == []


@pytest.mark.parametrize("stage", Stage.values)
@pytest.mark.parametrize("language", Language.values)
def test_every_template_renders_with_every_placeholder_filled(stage, language):
    text = render(stage, language, **VALUES)
    assert text.title.strip()
    assert text.body.strip()
    assert "Voice API" in text.title
    assert unfilled(text.title + text.body) == []
    assert "{" not in text.body
    assert "}" not in text.body


def test_the_wording_is_a_providers():
    assert render_message("investigating", "en", **VALUES).startswith(
        "We are aware of an issue affecting Voice API"
    )
    assert "Customers can reach our support by phone at +44 20 7390 3900" in render_message(
        "investigating", "en", **VALUES
    )
    german = render_message("investigating", "de", **VALUES)
    assert german.startswith("Wir untersuchen derzeit eine Störung, die Voice API betrifft")
    assert "Unser Support ist während der Störung telefonisch unter +44 20 7390 3900" in german


def test_a_missing_value_stays_a_placeholder():
    body = render_message("identified", "en", components="Hosting")
    assert unfilled(body) == ["support_phone", "support_email", "next_update"]


def test_an_unknown_value_is_refused():
    with pytest.raises(MessageError, match="unknown placeholder values: customer"):
        render_message("identified", "en", customer="Starface")


def test_an_unknown_stage_is_refused():
    with pytest.raises(MessageError, match="no message template for stage 'fixed'"):
        render_message("fixed", "en")


def _templates(**override):
    raw = {
        stage: {lang: {"title": "{components}", "body": "x"} for lang in Language.values}
        for stage in Stage.values
    }
    raw["resolved"]["de"] = override or raw["resolved"]["de"]
    return raw


def test_the_check_names_an_unknown_placeholder():
    problems = template_problems(_templates(title="T", body="Hallo {kunde} und {components.x}"))
    assert problems == [
        "resolved/de body: unknown placeholder {kunde}",
        "resolved/de body: unknown placeholder {components.x}",
    ]


def test_the_check_names_a_missing_part_and_broken_braces():
    assert template_problems(_templates(title="T {", body="")) == [
        "resolved/de title: braces do not parse (Single '{' encountered in format string)",
        "resolved/de has no body",
    ]


def test_the_check_names_a_missing_stage_or_language():
    raw = _templates()
    del raw["monitoring"]
    del raw["notice"]["de"]
    raw["resolved"]["fr"] = {"title": "t", "body": "b"}
    assert template_problems(raw) == [
        "stage 'monitoring' is missing",
        "resolved: unknown language 'fr'",
        "notice/de is missing",
    ]


@pytest.mark.parametrize(
    ("names", "language", "text"),
    [
        ([], "en", ""),
        (["Voice API"], "en", "Voice API"),
        (["Voice API", "Hosting"], "en", "Voice API and Hosting"),
        (["Portal", "Voice API", "Hosting"], "de", "Portal, Voice API und Hosting"),
    ],
)
def test_component_names_read_as_a_list(names, language, text):
    assert join_names(names, language) == text


@pytest.mark.parametrize(
    ("now", "next_update"),
    [
        (datetime(2025, 8, 12, 9, 29, tzinfo=UTC), "10:00 UTC"),
        (datetime(2025, 8, 12, 9, 30, tzinfo=UTC), "10:00 UTC"),
        (datetime(2025, 8, 12, 9, 30, 1, tzinfo=UTC), "11:00 UTC"),
        (datetime(2025, 8, 12, 23, 45, tzinfo=UTC), "01:00 UTC"),
    ],
)
def test_the_next_update_is_promised_at_least_half_an_hour_ahead(now, next_update):
    assert default_values(["Voice API"], "en", now=now)["next_update"] == next_update


def test_support_contacts_come_from_settings(settings):
    settings.STATUS_SUPPORT_PHONE = "+49 69 5660 0"
    settings.STATUS_SUPPORT_EMAIL = ""
    values = default_values(["Voice API"], "de", now=datetime(2025, 8, 12, tzinfo=UTC))
    assert values["support_phone"] == "+49 69 5660 0"
    assert "support_email" not in values
