"""Webhook signatures: HMAC-SHA256 over the timestamp and the exact body bytes.

Every webhook carries the header

    X-Warroom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

The timestamp is inside the signed text, so a captured request cannot be replayed later than
the receiver's tolerance (five minutes by default). A receiver checks it with `verify`, or with
the few lines in docs/notifications.md; nothing here needs Django.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

__all__ = ["HEADER", "TOLERANCE_SECONDS", "sign", "verify"]

HEADER = "X-Warroom-Signature"
TOLERANCE_SECONDS = 300
SCHEME = "v1"


def _digest(secret: str, body: bytes, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value for BODY sent at TIMESTAMP (unix seconds)."""
    return f"t={timestamp},{SCHEME}={_digest(secret, body, timestamp)}"


def verify(
    secret: str,
    body: bytes,
    header: str,
    *,
    now: datetime | float,
    tolerance: int = TOLERANCE_SECONDS,
) -> bool:
    """True if HEADER signs BODY with SECRET and its time is within TOLERANCE seconds of NOW.

    NOW is a datetime or unix seconds. Several `v1=` parts are allowed (any one may match), so
    a sender can sign with an old and a new secret while receivers move over.
    """
    timestamp, signatures = _parse(header)
    if timestamp is None or not signatures:
        return False
    seconds = now.timestamp() if isinstance(now, datetime) else now
    if abs(seconds - timestamp) > tolerance:
        return False
    expected = _digest(secret, body, timestamp)
    # Compare against every candidate, in constant time, without stopping at the first match.
    matches = [hmac.compare_digest(expected, candidate) for candidate in signatures]
    return any(matches)


def _parse(header: str) -> tuple[int | None, list[str]]:
    """The timestamp and the v1 signatures of a header value; (None, []) when malformed."""
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit():
            timestamp = int(value)
        elif name == SCHEME and value and value.isascii():
            # compare_digest accepts only ASCII text; anything else cannot be our hex anyway.
            signatures.append(value)
    return timestamp, signatures
