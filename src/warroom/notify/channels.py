"""How one attempt at a delivery goes out: by SMTP, or as a signed HTTP POST.

    send_mail(delivery)           -> None, or raises DeliveryFailed
    post_webhook(delivery, now)   -> the 2xx status code, or raises DeliveryFailed

Both only send; recording the attempt is `tasks.deliver`'s job.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import cache

import httpx
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from warroom.notify.addresses import refusal
from warroom.notify.errors import DeliveryFailed
from warroom.notify.models import Delivery
from warroom.notify.signing import HEADER, sign

__all__ = ["WEBHOOK_TIMEOUT", "message_id", "post_webhook", "send_mail", "webhook_headers"]

WEBHOOK_TIMEOUT = 10.0  # seconds, for connecting and for each read; as Statuspage
# Worth trying again: the receiver timed out, asked us to slow down, or had an error of its own.
RETRY_STATUS = frozenset({408, 429})
ERROR_BODY_BYTES = 500


def message_id(key: str) -> str:
    """The Message-ID of the mail sent under KEY: the same on every attempt."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@warroom>"


def send_mail(delivery: Delivery) -> None:
    """Send DELIVERY's mail through the configured backend (SMTP, or files when none is set)."""
    headers = {**delivery.headers, "Message-ID": message_id(delivery.key)}
    message = EmailMultiAlternatives(
        delivery.subject,
        delivery.body,
        settings.DEFAULT_FROM_EMAIL,
        [delivery.recipient],
        headers=headers,
    )
    if delivery.html:
        message.attach_alternative(delivery.html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _reply in exc.recipients.values()]
        # 5xx for the address (no such mailbox) will not change; 4xx (greylisting) may.
        permanent = all(500 <= code < 600 for code in codes)
        raise DeliveryFailed(_smtp_text(exc), retry=not permanent, status_code=max(codes)) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(_smtp_text(exc), retry=True, status_code=exc.smtp_code) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"SMTP: {exc or type(exc).__name__}", retry=True) from exc


def _smtp_text(exc: smtplib.SMTPException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = [f"{code} {_decoded(reply)}" for code, reply in exc.recipients.values()]
        return "SMTP recipient refused: " + "; ".join(replies)
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP {exc.smtp_code} {_decoded(exc.smtp_error)}"
    return f"SMTP: {exc}"


def _decoded(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def webhook_headers(delivery: Delivery, now: datetime) -> dict[str, str]:
    """The headers of DELIVERY's POST at NOW, signature included."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "warroom",
        "Idempotency-Key": delivery.key,
        "X-Warroom-Delivery": str(delivery.pk),
        HEADER: sign(delivery.secret, delivery.body.encode(), int(now.timestamp())),
    }


def post_webhook(delivery: Delivery, now: datetime) -> int:
    """POST DELIVERY's body to its URL; the status code if it was 2xx.

    Redirects are not followed: a 3xx is a failure, as on Statuspage, since following it
    would send the payload somewhere the subscriber never confirmed.
    """
    refused = refusal(delivery.recipient) if delivery.public_only else None
    if refused:
        raise DeliveryFailed(f"refused: {refused}", retry=False)
    try:
        with (
            httpx.Client(
                timeout=WEBHOOK_TIMEOUT, follow_redirects=False, verify=_tls_context()
            ) as client,
            client.stream(
                "POST",
                delivery.recipient,
                content=delivery.body.encode(),
                headers=webhook_headers(delivery, now),
            ) as response,
        ):
            return _judge(response)
    except httpx.UnsupportedProtocol as exc:
        raise DeliveryFailed(f"not an http(s) URL: {exc}", retry=False) from exc
    except httpx.InvalidURL as exc:
        raise DeliveryFailed(f"invalid URL: {exc}", retry=False) from exc
    except httpx.TransportError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}", retry=True) from exc


def _judge(response: httpx.Response) -> int:
    """The status code of a 2xx RESPONSE; raise DeliveryFailed for any other."""
    code = response.status_code
    if 200 <= code < 300:
        return code
    detail = f"HTTP {code}"
    if 300 <= code < 400:
        detail += f" (redirect to {response.headers.get('location', '?')} not followed)"
    excerpt = _excerpt(response)
    if excerpt:
        detail += f": {excerpt}"
    raise DeliveryFailed(
        detail,
        retry=code in RETRY_STATUS or code >= 500,
        status_code=code,
        retry_after=retry_after(response.headers.get("retry-after", "")),
    )


def retry_after(value: str, now: datetime | None = None) -> timedelta | None:
    """A Retry-After header (RFC 9110: seconds, or an HTTP date) as a wait; None if absent or
    unreadable, and never negative."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(when - (now or datetime.now(UTC)), timedelta(0))


def _excerpt(response: httpx.Response) -> str:
    """The start of the receiver's answer, for the delivery history; never the whole body."""
    read = b""
    try:
        for chunk in response.iter_bytes():
            read += chunk
            if len(read) >= ERROR_BODY_BYTES:
                break
    except httpx.HTTPError:
        pass  # the answer is only a detail of a failure already decided
    return read[:ERROR_BODY_BYTES].decode(errors="replace").strip()


@cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every POST (building it reads the CA bundle)."""
    return ssl.create_default_context()
