"""Reminders of a deadline, through the jobs queue and the outbox, each sent exactly once.

    schedule(obligation, now=now)   queue a `clocks.remind` job for each reminder point of the
                                    obligation's current deadline that is still ahead
    remind(payload)                 the job: mail the case's commander, legal and
                                    communications members, and post the signed webhook
    points()                        the configured points, from settings.CLOCK_REMINDERS

A point is a share of the window elapsed ("50%"), a time before the deadline ("-4h"), the
deadline itself ("0") or a time after it ("+1h"; units m, h, d). Each job carries the deadline
it was scheduled for. When it runs, it does nothing if the obligation is no longer open or its
deadline has moved since: a moved deadline has its own jobs, scheduled by the recompute that
moved it.

Exactly once: every message has an outbox key naming the obligation, the point and the
deadline (`clock:<obligation>:<point>:<due_at>`; e-mails add `:user:<id>`), and the outbox
creates one delivery per key however often the job runs. A worker killed half-way through a
reminder runs it again and adds only what is missing; a deadline that moves away and back
reuses the keys of its first reminders and sends nothing twice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from warroom.accounts.models import Membership, Role
from warroom.clocks.choices import ObligationStatus
from warroom.clocks.display import moment, span
from warroom.clocks.facts import format_time
from warroom.clocks.models import Obligation
from warroom.jobs.errors import PermanentError
from warroom.jobs.models import Job
from warroom.jobs.queue import enqueue
from warroom.jobs.registry import Payload
from warroom.notify.outbox import send_email, send_webhook

__all__ = ["DEFAULT_POINTS", "REMIND", "Point", "parse_point", "points", "remind", "schedule"]

logger = logging.getLogger("warroom.clocks")

REMIND = "clocks.remind"
DEFAULT_POINTS = "50%,-4h,0,+1h"
PURPOSE = "clocks.reminder"
# The roles that own a case's clocks: they get the mail (responders and observers do not).
REMINDED_ROLES = (Role.COMMANDER, Role.LEGAL, Role.COMMUNICATIONS)

_SHARE = re.compile(r"^(\d{1,3}(?:\.\d+)?)%$")
_OFFSET = re.compile(r"^([+-])(\d+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class Point:
    """One reminder point: a share of the window (SHARE) or an OFFSET from the deadline."""

    token: str
    share: float | None = None
    offset: timedelta | None = None

    def at(self, starts_at: datetime | None, due_at: datetime) -> datetime | None:
        """When this point falls for a window; None for a share of a window with no start."""
        if self.offset is not None:
            return due_at + self.offset
        if starts_at is None or self.share is None:
            return None
        return starts_at + (due_at - starts_at) * self.share

    def headline(self, starts_at: datetime | None, due_at: datetime) -> str:
        """What the reminder says first: "Due in 4 h", "Due now", "Overdue by 1 h"."""
        if self.share is not None:
            when = self.at(starts_at, due_at) or due_at
            return f"{self.token} of the time gone, due in {span(due_at - when)}"
        assert self.offset is not None
        if self.offset < timedelta(0):
            return f"Due in {span(self.offset)}"
        if self.offset == timedelta(0):
            return "Due now"
        return f"Overdue by {span(self.offset)}"


def parse_point(token: str) -> Point:
    """TOKEN ("50%", "-4h", "0", "+1h") as a Point; ValueError names what is wrong."""
    token = token.strip()
    if token in {"0", "+0", "-0"}:
        return Point("0", offset=timedelta(0))
    if share := _SHARE.match(token):
        value = float(share.group(1))
        if not 0 < value < 100:
            raise ValueError(f"{token!r}: a share of the window is between 0% and 100%")
        return Point(token, share=value / 100)
    if offset := _OFFSET.match(token):
        sign, amount, unit = offset.groups()
        delta = timedelta(**{_UNITS[unit]: int(amount)})
        return Point(token, offset=-delta if sign == "-" else delta)
    raise ValueError(f"{token!r} is not a share (50%), an offset (-4h, +30m, +1d) or 0")


def points(setting: str | None = None) -> tuple[Point, ...]:
    """The reminder points of SETTING, default settings.CLOCK_REMINDERS ("50%,-4h,0,+1h")."""
    text = setting if setting is not None else getattr(settings, "CLOCK_REMINDERS", DEFAULT_POINTS)
    try:
        return tuple(parse_point(token) for token in text.split(",") if token.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"CLOCK_REMINDERS ({text!r}): {exc}") from exc


def schedule(obligation: Obligation, *, now: datetime) -> list[Job]:
    """Queue the reminders of OBLIGATION's deadline that fall after NOW (and after its start).

    Call inside the transaction that set the deadline. Points already past are not sent late:
    whoever set the deadline is looking at it.
    """
    if obligation.status != ObligationStatus.OPEN or obligation.due_at is None:
        return []
    due, starts = obligation.due_at, obligation.starts_at
    jobs, taken = [], set()
    for point in points():
        at = point.at(starts, due)
        if at is None or at < now or (starts is not None and at <= starts) or at in taken:
            continue
        taken.add(at)
        payload = {"obligation": obligation.pk, "point": point.token, "due_at": format_time(due)}
        jobs.append(enqueue(REMIND, payload, run_at=at, now=now))
    return jobs


# --- the job -----------------------------------------------------------------------------------


def remind(payload: Payload) -> None:
    """Job handler: send the reminder PAYLOAD names, unless it has gone stale."""
    pk, token, due = payload.get("obligation"), payload.get("point"), payload.get("due_at")
    if not isinstance(pk, int) or not isinstance(token, str) or not isinstance(due, str):
        raise PermanentError(f"a clocks.remind payload names obligation, point, due_at: {payload}")
    try:
        point = parse_point(token)
    except ValueError as exc:
        raise PermanentError(f"clocks.remind for obligation {pk}: {exc}") from exc
    now = timezone.now()
    with transaction.atomic():
        obligation = Obligation.objects.select_related("case").filter(pk=pk).first()
        reason = _stale(obligation, due)
        if reason or obligation is None:
            logger.info("reminder %s of obligation %s not sent: %s", token, pk, reason)
            return
        _send(obligation, point, now)


def _stale(obligation: Obligation | None, due: str) -> str:
    """Why a reminder for the deadline DUE no longer applies; "" when it does."""
    if obligation is None:
        return "the obligation was deleted"
    if obligation.status != ObligationStatus.OPEN:
        return f"it is {obligation.get_status_display().lower()}"
    if obligation.due_at is None or format_time(obligation.due_at) != due:
        return f"the deadline moved from {due} to {moment(obligation.due_at)}"
    return ""


def recipients(obligation: Obligation) -> list[tuple[int, str]]:
    """(user id, address) of the case's active commander, legal and communications members."""
    rows = (
        Membership.objects.active()
        .filter(case_id=obligation.case_id, role__in=REMINDED_ROLES, user__is_active=True)
        .exclude(user__email="")
        .order_by("user_id")
        .values_list("user_id", "user__email")
    )
    seen: set[str] = set()
    unique = []
    for user_id, address in rows:
        if address.lower() not in seen:
            seen.add(address.lower())
            unique.append((user_id, address))
    return unique


def _send(obligation: Obligation, point: Point, now: datetime) -> None:
    assert obligation.due_at is not None
    key = f"clock:{obligation.pk}:{point.token}:{format_time(obligation.due_at)}"
    headline = point.headline(obligation.starts_at, obligation.due_at)
    subject = f"[{obligation.case.reference}] {headline}: {obligation.title}"
    text = _text(obligation, headline)
    for user_id, address in recipients(obligation):
        send_email(
            f"{key}:user:{user_id}",
            address,
            subject,
            text,
            purpose=PURPOSE,
            now=now,
            headers={"Auto-Submitted": "auto-generated"},
        )
    url = getattr(settings, "CLOCK_WEBHOOK_URL", "")
    if url:
        secret = getattr(settings, "CLOCK_WEBHOOK_SECRET", "")
        body = _webhook(obligation, point, headline)
        send_webhook(key, url, body, purpose=PURPOSE, secret=secret, now=now)


def _text(obligation: Obligation, headline: str) -> str:
    case = obligation.case
    lines = [
        f"{headline}: {obligation.title}, to {obligation.recipient}.",
        "",
        f"Case:      {case.reference} {case.title}",
        f"Basis:     {obligation.basis}",
        f"Regime:    {obligation.regime} (rules in force from {obligation.regime_version})",
        f"Started:   {moment(obligation.starts_at)}",
        f"Due:       {moment(obligation.due_at)}",
    ]
    if obligation.notes:
        lines += ["", *obligation.notes.splitlines()]
    lines += [
        "",
        "Record the submission, or why the step does not apply, in warroom:",
        app_url(obligation.get_absolute_url()),
        "",
        "You receive this as a commander, legal or communications member of the case.",
    ]
    return "\n".join(lines) + "\n"


def app_url(path: str) -> str:
    """PATH on warroom itself (settings.SITE_URL), for links in mail and webhooks."""
    return urljoin(settings.SITE_URL, path)


def _webhook(obligation: Obligation, point: Point, headline: str) -> dict[str, Any]:
    assert obligation.due_at is not None
    starts = obligation.starts_at
    return {
        "event": "clock.reminder",
        "point": point.token,
        "headline": headline,
        "case": {"reference": obligation.case.reference, "title": obligation.case.title},
        "obligation": {
            "id": obligation.pk,
            "key": obligation.key,
            "regime": obligation.regime,
            "version": obligation.regime_version,
            "step": obligation.step,
            "title": obligation.title,
            "recipient": obligation.recipient,
            "basis": obligation.basis,
            "starts_at": format_time(starts) if starts else None,
            "due_at": format_time(obligation.due_at),
            "notes": obligation.notes.splitlines(),
            "url": app_url(obligation.get_absolute_url()),
        },
    }
