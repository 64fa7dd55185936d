"""Subscribing to the status page: double opt-in, one-click unsubscribe; verbs, then views.

    subscribe(...)             a new unconfirmed subscriber and its confirmation mail
    confirm(subscriber, now)   the address is confirmed: updates start
    unsubscribe(subscriber, now)

The pages work without JavaScript: each is a plain form that posts to its own address. GET
never changes anything, because mail scanners follow links; only the button's POST confirms
or unsubscribes. The one exception is RFC 8058's one-click POST from a mail client, which is a
POST too. The answer to a subscription is the same whether or not the address is known, so
the form tells nobody who subscribes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from warroom.catalog.models import Component, Language
from warroom.notify.outbox import send_email
from warroom.statuspage.choices import SubscriberKind
from warroom.statuspage.fanout import webhook_documentation_url
from warroom.statuspage.mail import confirmation_mail
from warroom.statuspage.models import Subscriber
from warroom.statuspage.site import page_context
from warroom.statuspage.subscription_forms import SubscribeForm, component_groups

__all__ = [
    "SUBSCRIBE_LIMIT_PER_HOUR",
    "client_address",
    "confirm",
    "confirm_view",
    "subscribe",
    "subscribe_view",
    "unsubscribe",
    "unsubscribe_view",
]

SUBSCRIBE_LIMIT_PER_HOUR = 10  # subscription requests per client address
# A confirmation link works this long. An unconfirmed request older than that is deleted (the
# next request purges them), so an address nobody confirmed is not kept.
CONFIRM_WITHIN = timedelta(days=7)
TEMPLATES = "statuspage/subscribe/"


# --- verbs ------------------------------------------------------------------------------------


@transaction.atomic
def subscribe(
    *,
    email: str,
    endpoint: str = "",
    components: Iterable[Component] = (),
    language: Language | str = Language.EN,
    now: datetime,
) -> Subscriber:
    """A new unconfirmed subscriber, and its confirmation mail queued in the same transaction.

    An address may ask again (a lost mail, a new choice of components): each request is a new
    subscriber with its own confirmation, and confirming one replaces the older ones.
    Requests left unconfirmed for CONFIRM_WITHIN are deleted here.
    """
    Subscriber.objects.filter(confirmed_at=None, created_at__lt=now - CONFIRM_WITHIN).delete()
    subscriber = Subscriber.objects.create(
        kind=SubscriberKind.WEBHOOK if endpoint else SubscriberKind.EMAIL,
        email=email,
        endpoint=endpoint,
        language=language,
        created_at=now,
    )
    subscriber.components.set(list(components))
    mail = confirmation_mail(subscriber)
    key = f"confirm:{subscriber.code}"
    send_email(
        key, email, mail.subject, mail.text, html=mail.html, purpose="statuspage.confirm", now=now
    )
    return subscriber


@transaction.atomic
def confirm(subscriber: Subscriber, now: datetime) -> bool:
    """Confirm SUBSCRIBER; True if this call did (False: it was confirmed before).

    Older subscriptions of the same address (and webhook URL) end here, so one address holds
    one subscription: the one it confirmed last.
    """
    locked = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if locked.confirmed_at is not None:
        return False
    locked.confirmed_at = subscriber.confirmed_at = now
    locked.save(update_fields=["confirmed_at"])
    older = Subscriber.objects.active().filter(
        kind=locked.kind, email__iexact=locked.email, endpoint=locked.endpoint
    )
    older.exclude(pk=locked.pk).update(unsubscribed_at=now)
    return True


def unsubscribe(subscriber: Subscriber, now: datetime) -> None:
    """End SUBSCRIBER's subscription; doing it twice keeps the first time."""
    Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=now
    )


# --- views ------------------------------------------------------------------------------------


def _page(
    request: HttpRequest, template: str, root: str, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """TEMPLATE on the public page's base; ROOT is the way back to the page's top.

    These pages are forms, not news: they show no "last updated" time.
    """
    context = page_context(root, live=True, updated=None) | extra
    return render(request, TEMPLATES + template, context, status=status)


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or behind a proxy the address it last added.

    X-Forwarded-For is trusted only with WARROOM_BEHIND_PROXY (which sets
    SECURE_PROXY_SSL_HEADER): without a proxy anyone could write it. Behind one, REMOTE_ADDR
    is the proxy's own address for every client, and the last entry is what it saw.
    """
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if settings.SECURE_PROXY_SSL_HEADER and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _over_limit(request: HttpRequest, now: datetime) -> bool:
    """Count this request against its client address; True beyond the hourly limit.

    The cache is per process unless a shared one is configured: a bound per worker process,
    enough to stop one client from mailing a list of strangers.
    """
    hour = int(now.timestamp()) // 3600
    key = f"statuspage:subscribe:{client_address(request)}:{hour}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > SUBSCRIBE_LIMIT_PER_HOUR


# The form is on the public page, which is cached and exported as static files: it cannot
# carry a per-visitor CSRF token. A forged subscription only sends a confirmation mail, and
# double opt-in makes that harmless; the rate limit bounds how many.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe_view(request: HttpRequest) -> HttpResponse:
    """The subscribe form; a valid POST answers "check your inbox" whoever the address is."""
    root = "../"
    now = timezone.now()
    if request.method == "POST":
        if _over_limit(request, now):
            return _page(request, "rate_limited.html", root, status=429, noindex=True)
        form = SubscribeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            subscribe(
                email=data["email"],
                endpoint=data["endpoint"],
                components=form.chosen_components(),
                language=data["language"],
                now=now,
            )
            return _page(request, "check_inbox.html", root, email=data["email"], noindex=True)
    else:
        fields = ("email", "endpoint", "language")
        form = SubscribeForm(initial={k: request.GET[k] for k in fields if k in request.GET})
    return _page(
        request,
        "subscribe.html",
        root,
        status=400 if form.is_bound else 200,
        form=form,
        groups=component_groups(),
        checked=set(form["components"].value() or []),
        documentation=webhook_documentation_url(),
    )


def _by_token(**token: str) -> Subscriber | None:
    return Subscriber.objects.filter(**token).first()


# No CSRF token here: the link's 256-bit secret already proves the request comes from
# someone who read the mail, which a forging site cannot have.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a button; POST: confirm. A webhook's signing secret is shown once, on confirming."""
    root, now = "../../../", timezone.now()
    subscriber = _by_token(confirm_token=token)
    if subscriber is None or subscriber.unsubscribed_at is not None or _expired(subscriber, now):
        return _page(request, "not_found.html", root, status=404, noindex=True)
    if request.method == "GET":
        return _page(request, "confirm.html", root, subscriber=subscriber, noindex=True)
    confirmed_now = confirm(subscriber, now)
    show_secret = confirmed_now and subscriber.kind == SubscriberKind.WEBHOOK
    return _page(
        request,
        "confirmed.html",
        root,
        subscriber=subscriber,
        confirmed_now=confirmed_now,
        secret=subscriber.secret if show_secret else "",
        documentation=webhook_documentation_url(),
        noindex=True,
    )


def _expired(subscriber: Subscriber, now: datetime) -> bool:
    """An unconfirmed request whose link is past CONFIRM_WITHIN."""
    return subscriber.confirmed_at is None and subscriber.created_at < now - CONFIRM_WITHIN


# No CSRF token here either: RFC 8058's one-click unsubscribe is a POST from the mail client
# (body `List-Unsubscribe=One-Click`) that can carry none, and the link's secret is the proof.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a button; POST (the button, or a mail client's one-click): unsubscribe."""
    root, now = "../../", timezone.now()
    subscriber = _by_token(unsubscribe_token=token)
    if subscriber is None:
        return _page(request, "not_found.html", root, status=404, noindex=True)
    page: dict[str, Any] = {"subscriber": subscriber, "noindex": True}
    if request.method == "GET" and subscriber.unsubscribed_at is None:
        return _page(request, "unsubscribe.html", root, **page)
    if request.method == "POST":
        unsubscribe(subscriber, now)
    return _page(request, "unsubscribed.html", root, **page)
