"""Message templates for status-page text: one per stage and language, in `messages.yaml`.

A template is a title and a body with placeholders in braces (`PLACEHOLDERS`). Rendering uses
`str.format_map` over a dict that gives back any placeholder without a value as it was
("{support_phone}"), so a drafter sees what is left to fill in; approval refuses text that
still holds one (`unfilled`). `template_problems` checks the whole file, and a test runs it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import models

from warroom.catalog.models import Language

__all__ = [
    "PLACEHOLDERS",
    "MessageError",
    "Rendered",
    "Stage",
    "default_values",
    "join_names",
    "render",
    "render_message",
    "template_problems",
    "unfilled",
]

MESSAGES_PATH = Path(__file__).with_name("messages.yaml")
PLACEHOLDERS = frozenset(
    {"components", "page_name", "support_phone", "support_email", "next_update"}
)
UNFILLED = re.compile(r"\{(" + "|".join(sorted(PLACEHOLDERS)) + r")\}")


class Stage(models.TextChoices):
    """A point in an incident's or a maintenance's life that has its own message.

    Values equal the status an update at that stage has, so a status picks its stage.
    """

    INVESTIGATING = "investigating", "Investigating"
    IDENTIFIED = "identified", "Identified"
    MONITORING = "monitoring", "Monitoring"
    RESOLVED = "resolved", "Resolved"
    POSTMORTEM = "postmortem", "Postmortem"
    SCHEDULED = "scheduled", "Maintenance scheduled"
    IN_PROGRESS = "in_progress", "Maintenance in progress"
    VERIFYING = "verifying", "Maintenance being verified"
    COMPLETED = "completed", "Maintenance completed"
    NOTICE = "notice", "Notice to a customer"


class MessageError(ValueError):
    """A template that is missing or broken, or a value no template knows."""


@dataclass(frozen=True)
class Rendered:
    """A template with its placeholders filled in."""

    title: str
    body: str


class _KeepMissing(dict[str, str]):
    """Values for format_map: a placeholder without a value stays as it was."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(stage: Stage | str, language: Language | str, **values: str) -> Rendered:
    """The title and body of STAGE's template in LANGUAGE, filled with VALUES.

    Raises MessageError for an unknown stage or language, or a value no template uses.
    """
    unknown = set(values) - PLACEHOLDERS
    if unknown:
        raise MessageError(f"unknown placeholder values: {', '.join(sorted(unknown))}")
    template = _templates().get((str(stage), str(language)))
    if template is None:
        raise MessageError(f"no message template for stage {stage!r} in language {language!r}")
    filled = _KeepMissing(values)
    return Rendered(template.title.format_map(filled), template.body.format_map(filled))


def render_message(stage: Stage | str, language: Language | str, **values: str) -> str:
    """The body of STAGE's template in LANGUAGE, filled with VALUES (see `render`)."""
    return render(stage, language, **values).body


def unfilled(text: str) -> list[str]:
    """The placeholders still in TEXT, in order of appearance, each once."""
    return list(dict.fromkeys(UNFILLED.findall(text)))


def join_names(names: Sequence[str], language: Language | str) -> str:
    """NAMES as a list in running text: "A", "A and B", "A, B and C" ("und" in German)."""
    conjunction = "und" if str(language) == Language.DE else "and"
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def default_values(
    components: Sequence[str], language: Language | str, *, now: datetime
) -> dict[str, str]:
    """Values for a fresh draft: the components, the page, support contacts, next update.

    The next update is promised for the next full hour at least 30 minutes after NOW. A
    support contact not configured in settings is left out, so its placeholder stays visible.
    """
    values = {
        "components": join_names(components, language),
        "page_name": settings.STATUS_PAGE_NAME,
        "next_update": f"{_next_full_hour(now):%H:%M} UTC",
        "support_phone": getattr(settings, "STATUS_SUPPORT_PHONE", ""),
        "support_email": getattr(settings, "STATUS_SUPPORT_EMAIL", ""),
    }
    return {name: value for name, value in values.items() if value}


def _next_full_hour(now: datetime) -> datetime:
    later = now + timedelta(minutes=30)
    hour = later.replace(minute=0, second=0, microsecond=0)
    return hour if hour == later else hour + timedelta(hours=1)


# --- the template file --------------------------------------------------------------------


@dataclass(frozen=True)
class _Template:
    title: str
    body: str


@cache
def _templates() -> dict[tuple[str, str], _Template]:
    raw = load_raw()
    problems = template_problems(raw)
    if problems:
        raise MessageError(f"{MESSAGES_PATH.name}: " + "; ".join(problems))
    return {
        (stage, language): _Template(text["title"].strip(), text["body"].strip())
        for stage, languages in raw.items()
        for language, text in languages.items()
    }


def load_raw(path: Path = MESSAGES_PATH) -> Any:
    """The parsed YAML of the template file at PATH."""
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def template_problems(raw: Any) -> list[str]:
    """Everything wrong with parsed templates RAW, each naming its stage and language.

    Every stage needs a title and a body in every language, and may name only PLACEHOLDERS.
    """
    if not isinstance(raw, Mapping):
        return ["the file must map stages to languages"]
    problems = [f"unknown stage {stage!r}" for stage in raw if stage not in Stage.values]
    for stage in Stage.values:
        languages = raw.get(stage)
        if not isinstance(languages, Mapping):
            problems.append(f"stage {stage!r} is missing")
            continue
        problems += [f"{stage}: unknown language {lang!r}" for lang in _extra(languages)]
        for language in Language.values:
            problems += _text_problems(f"{stage}/{language}", languages.get(language))
    return problems


def _extra(languages: Mapping[str, Any]) -> Iterable[str]:
    return (language for language in languages if language not in Language.values)


def _text_problems(where: str, text: Any) -> list[str]:
    if not isinstance(text, Mapping):
        return [f"{where} is missing"]
    problems = []
    for part in ("title", "body"):
        value = text.get(part)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where} has no {part}")
            continue
        problems += [f"{where} {part}: {problem}" for problem in _placeholder_problems(value)]
    return problems


def _placeholder_problems(template: str) -> list[str]:
    """Placeholders of TEMPLATE that are not plain PLACEHOLDERS, or braces that do not parse."""
    try:
        fields = [
            field for _, field, _, _ in string.Formatter().parse(template) if field is not None
        ]
    except ValueError as exc:
        return [f"braces do not parse ({exc})"]
    return [f"unknown placeholder {{{field}}}" for field in fields if field not in PLACEHOLDERS]
