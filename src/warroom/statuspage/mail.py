"""The mails subscribers get: the confirmation, and each published update, in EN or DE.

    confirmation_mail(subscriber)              -> Mail
    update_mail(subscriber, update, affected)  -> Mail
    live_url(name, token) / subscriber links   absolute links into the live app

The update's own text is sent as written; the fixed parts around it (greeting, labels,
footer) are in the subscriber's language. Templates are under statuspage/mail/.

Links in mail point at the live app, never at the address a request came from: subscription
routes need the running app (the static export cannot confirm anyone), so they are built from
the origin of STATUS_SUBSCRIBE_URL (where the exported page's form posts), else of
STATUS_PAGE_URL (then the live app itself), plus the route's path. A forged Host header can
therefore never put an attacker's address into a confirmation mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from warroom.catalog.choices import ComponentStatus
from warroom.catalog.models import Language
from warroom.statuspage import v2
from warroom.statuspage.choices import STATUS_CHOICES, SubscriberKind
from warroom.statuspage.models import AffectedComponent, IncidentUpdate, Subscriber

__all__ = [
    "Mail",
    "component_label",
    "confirm_url",
    "confirmation_mail",
    "live_url",
    "manage_url",
    "status_label",
    "unsubscribe_headers",
    "unsubscribe_url",
    "update_mail",
]

# The fixed words in German; English uses the choices' own labels.
STATUS_DE = {
    "investigating": "Wird untersucht",
    "identified": "Ursache gefunden",
    "monitoring": "Wird beobachtet",
    "resolved": "Behoben",
    "postmortem": "Nachbetrachtung",
    "scheduled": "Geplant",
    "in_progress": "In Arbeit",
    "verifying": "Wird überprüft",
    "completed": "Abgeschlossen",
}
COMPONENT_DE = {
    ComponentStatus.OPERATIONAL: "Betriebsbereit",
    ComponentStatus.DEGRADED_PERFORMANCE: "Eingeschränkte Leistung",
    ComponentStatus.UNDER_MAINTENANCE: "In Wartung",
    ComponentStatus.PARTIAL_OUTAGE: "Teilweiser Ausfall",
    ComponentStatus.MAJOR_OUTAGE: "Schwerer Ausfall",
}
CONFIRM_SUBJECT = {
    Language.EN: "[{page}] Please confirm your subscription",
    Language.DE: "[{page}] Bitte bestätigen Sie Ihr Abonnement",
}


@dataclass(frozen=True)
class Mail:
    """A rendered mail: what `outbox.send_email` takes."""

    subject: str
    text: str
    html: str


def _language(subscriber: Subscriber) -> Language:
    return Language(subscriber.language) if subscriber.language in Language.values else Language.EN


def status_label(status: str, language: Language) -> str:
    """An incident or maintenance status in words, in LANGUAGE."""
    if language == Language.DE:
        return STATUS_DE.get(status, status)
    return dict(STATUS_CHOICES).get(status, status)


def component_label(status: str, language: Language) -> str:
    """A component status in words, in LANGUAGE."""
    known = ComponentStatus(status)
    return COMPONENT_DE[known] if language == Language.DE else known.label


# --- links ------------------------------------------------------------------------------------


def live_url(name: str, *args: str) -> str:
    """The absolute address of route NAME in the live app (see the module docstring)."""
    base = urlsplit(settings.STATUS_SUBSCRIBE_URL or settings.STATUS_PAGE_URL)
    return f"{base.scheme}://{base.netloc}{reverse(name, args=args)}"


def confirm_url(subscriber: Subscriber) -> str:
    return live_url("status-confirm", subscriber.confirm_token)


def unsubscribe_url(subscriber: Subscriber) -> str:
    return live_url("status-unsubscribe", subscriber.unsubscribe_token)


def manage_url(subscriber: Subscriber) -> str:
    """The subscribe form filled in with SUBSCRIBER's address: confirming a new choice there
    replaces the old subscription."""
    fields = {"email": subscriber.email, "language": subscriber.language}
    if subscriber.endpoint:
        fields["endpoint"] = subscriber.endpoint
    return f"{live_url('status-subscribe')}?{urlencode(fields)}"


def unsubscribe_headers(subscriber: Subscriber) -> dict[str, str]:
    """List-Unsubscribe with RFC 8058 one-click: mail clients show an Unsubscribe button."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        # RFC 3834: no out-of-office replies to an automatic message.
        "Auto-Submitted": "auto-generated",
    }


# --- the mails --------------------------------------------------------------------------------


def confirmation_mail(subscriber: Subscriber) -> Mail:
    """The double opt-in mail: a link to a page where one button confirms."""
    language = _language(subscriber)
    context = {
        "page_name": settings.STATUS_PAGE_NAME,
        "confirm_url": confirm_url(subscriber),
        "subscriber": subscriber,
        "is_webhook": subscriber.kind == SubscriberKind.WEBHOOK,
        "components": [c.name for c in subscriber.components.order_by("position", "name")],
    }
    subject = CONFIRM_SUBJECT[language].format(page=settings.STATUS_PAGE_NAME)
    return _render("confirm", language, subject, context)


def update_mail(
    subscriber: Subscriber, update: IncidentUpdate, affected: list[AffectedComponent]
) -> Mail:
    """The mail telling SUBSCRIBER about published UPDATE and the components it changed."""
    language = _language(subscriber)
    incident = update.incident
    label = status_label(update.status, language)
    context = {
        "page_name": settings.STATUS_PAGE_NAME,
        "incident": incident,
        "update": update,
        "status_label": label,
        "when": _when(update.display_at or update.published_at),
        "affected": [
            (row.component.name, component_label(row.new_status, language)) for row in affected
        ],
        "incident_url": v2.shortlink(incident),
        "unsubscribe_url": unsubscribe_url(subscriber),
        "manage_url": manage_url(subscriber),
    }
    subject = f"[{settings.STATUS_PAGE_NAME}] {incident.name} — {label}"
    return _render("update", language, subject, context)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%d %H:%M} UTC"


def _render(name: str, language: Language, subject: str, context: dict[str, object]) -> Mail:
    context = {**context, "subject": subject, "language": language.value}
    text = render_to_string(f"statuspage/mail/{name}.{language.value}.txt", context)
    html = render_to_string(f"statuspage/mail/{name}.{language.value}.html", context)
    return Mail(subject=subject, text=text, html=html)
