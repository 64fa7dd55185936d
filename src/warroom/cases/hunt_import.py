"""Hunt findings into a case: timeline events, indicators seen, affected assets.

    case, user = resolve("INC-2025-0001", "bob")
    summary = import_findings(case, user, result.findings, now=now)

One transaction. Idempotent: each finding carries a fingerprint (matcher, rule, place in the
evidence) on its timeline event, so importing the same findings again adds nothing, and
indicator sightings and asset states only ever move to where the first import put them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from warroom.accounts.access import Need, get_case_for_user
from warroom.cases.actions import add_asset, add_indicator, change_asset_state
from warroom.cases.choices import AssetState, EventKind, EventSource
from warroom.cases.models import Asset, Incident, Indicator, TimelineEvent
from warroom.hunt.finding import Finding
from warroom.intel import IndicatorType

SOURCE = "warroom hunt"


@dataclass(frozen=True)
class FindingEntry:
    """One hunt finding as the timeline records it; `fingerprint` makes re-imports no-ops."""

    fingerprint: str
    text: str
    occurred_at: datetime
    asset: Asset | None = None
    indicator: Indicator | None = None


@transaction.atomic
def record_findings(
    case: Incident, actor: User, entries: Sequence[FindingEntry], *, now: datetime
) -> int:
    """Add hunt findings to CASE's timeline, skipping any whose fingerprint is already there.

    Returns how many were added. Conflicts are ignored by the database too, so two imports of
    the same findings racing each other still add each finding once.
    """
    known = known_fingerprints(case, [entry.fingerprint for entry in entries])
    fresh = {e.fingerprint: e for e in entries if e.fingerprint not in known}
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                case=case,
                actor=actor,
                kind=EventKind.FINDING,
                source=EventSource.HUNT,
                text=entry.text,
                occurred_at=entry.occurred_at,
                recorded_at=now,
                asset=entry.asset,
                indicator=entry.indicator,
                fingerprint=entry.fingerprint,
            )
            for entry in fresh.values()
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    return len(fresh)


def known_fingerprints(case: Incident, fingerprints: Sequence[str]) -> set[str]:
    """Which of FINGERPRINTS are already on CASE's timeline."""
    known: set[str] = set()
    # In chunks: SQLite limits the parameters of one statement.
    for start in range(0, len(fingerprints), 500):
        chunk = fingerprints[start : start + 500]
        events = TimelineEvent.objects.filter(case=case, fingerprint__in=chunk)
        known.update(p for p in events.values_list("fingerprint", flat=True) if p)
    return known


def note_indicator_seen(indicator: Indicator, first: datetime, last: datetime) -> None:
    """Widen INDICATOR's first/last seen to include FIRST..LAST (a sighting in evidence)."""
    first_seen = min(indicator.first_seen, first) if indicator.first_seen else first
    last_seen = max(indicator.last_seen, last) if indicator.last_seen else last
    if (first_seen, last_seen) != (indicator.first_seen, indicator.last_seen):
        indicator.first_seen, indicator.last_seen = first_seen, last_seen
        indicator.save(update_fields=["first_seen", "last_seen"])


# Longest first, so that "file:hashes.SHA-256" wins over any shorter type it starts with.
_IOC_TYPES = sorted((t.value for t in IndicatorType), key=len, reverse=True)


class HuntImportError(Exception):
    """The case or user named for an import cannot be used; the message says why."""


@dataclass
class ImportSummary:
    """What an import changed on the case."""

    findings: int = 0
    already_there: int = 0
    indicators_added: int = 0
    indicators_seen: int = 0
    assets_added: int = 0
    assets_suspected: int = 0

    def __str__(self) -> str:
        return (
            f"{self.findings} findings added to the timeline ({self.already_there} already "
            f"there), {self.indicators_added} indicators added, {self.indicators_seen} seen "
            f"again, {self.assets_added} assets added, {self.assets_suspected} marked suspected"
        )


def resolve(reference: str, username: str) -> tuple[Incident, User]:
    """The case REFERENCE and the user USERNAME, who must be a member with write access."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise HuntImportError(f"No active user named {username!r}.")
    try:
        case, _role = get_case_for_user(user, reference, Need.WRITE)
    except Http404:
        raise HuntImportError(f"{username} is not a member of a case {reference}.") from None
    except PermissionDenied as exc:
        raise HuntImportError(f"{username} may not change {reference}: {exc}") from None
    return case, user


def fingerprint(finding: Finding) -> str:
    """A stable identity of FINDING: the same rule firing on the same record."""
    origin = finding.origin
    key = "\x1f".join(
        [finding.matcher, finding.rule_id, origin.path, str(origin.position), origin.unit]
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def import_findings(
    case: Incident, actor: User, findings: Iterable[Finding], *, now: datetime
) -> ImportSummary:
    """Put FINDINGS on CASE's timeline with their indicators and assets, once each."""
    unique = {fingerprint(finding): finding for finding in findings}
    known = known_fingerprints(case, list(unique))
    new = {key: f for key, f in unique.items() if key not in known}
    summary = ImportSummary(already_there=len(unique) - len(new))
    assets = _assets(case, actor, new.values(), now, summary)
    indicators = _indicators(case, actor, new.values(), now, summary)
    entries = [
        FindingEntry(
            fingerprint=key,
            text=describe(finding),
            occurred_at=finding.time or now,
            asset=assets.get(finding.host or ""),
            indicator=indicators.get(ioc_of(finding) or ("", "")),
        )
        for key, finding in new.items()
    ]
    summary.findings = record_findings(case, actor, entries, now=now)
    return summary


def describe(finding: Finding) -> str:
    """The timeline text of FINDING: what fired, where, and whose rule it is."""
    host = f" on {finding.host}" if finding.host else ""
    text = f"{finding.title}{host} ({finding.level}), in {finding.origin}."
    if finding.detail:
        text += f" {finding.detail}."
    text += f" {finding.matcher} rule {finding.rule_id}"
    return text + (f" by {finding.author}." if finding.author else ".")


def ioc_of(finding: Finding) -> tuple[str, str] | None:
    """(type, value) of an indicator finding, from its rule id `ioc:<type>:<value>`."""
    if finding.matcher != "ioc" or not finding.rule_id.startswith("ioc:"):
        return None
    rest = finding.rule_id.removeprefix("ioc:")
    for kind in _IOC_TYPES:
        if rest.startswith(kind + ":"):
            return kind, rest.removeprefix(kind + ":")
    return None


def _indicators(
    case: Incident, actor: User, findings: Iterable[Finding], now: datetime, summary: ImportSummary
) -> dict[tuple[str, str], Indicator]:
    seen: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for finding in findings:
        ioc = ioc_of(finding)
        if ioc is not None:
            seen[ioc].append(finding.time or now)
    indicators = {}
    for (kind, value), times in seen.items():
        indicator = Indicator.objects.filter(case=case, type=kind, value=value).first()
        if indicator is None:
            indicator = Indicator(
                case=case, type=kind, value=value, source=SOURCE, first_seen=min(times)
            )
            indicator.last_seen = max(times)
            add_indicator(indicator, actor, now=now)
            summary.indicators_added += 1
        else:
            note_indicator_seen(indicator, min(times), max(times))
            summary.indicators_seen += 1
        indicators[kind, value] = indicator
    return indicators


def _assets(
    case: Incident, actor: User, findings: Iterable[Finding], now: datetime, summary: ImportSummary
) -> dict[str, Asset]:
    by_host: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.host:
            by_host[finding.host].append(finding)
    return {host: _asset(case, actor, host, hits, now, summary) for host, hits in by_host.items()}


def _asset(
    case: Incident,
    actor: User,
    host: str,
    hits: Sequence[Finding],
    now: datetime,
    summary: ImportSummary,
) -> Asset:
    """The asset HOST names, created as suspected, or an online one marked suspected."""
    worst = max(hits, key=lambda finding: finding.level)
    reason = f"{SOURCE}: {len(hits)} findings, the most severe {worst.title} ({worst.level})"
    asset = find_asset(case, host)
    if asset is None:
        asset = Asset(case=case, name=host[:200], hostname=host[:253], state=AssetState.SUSPECTED)
        summary.assets_added += 1
        return add_asset(asset, actor, now=now)
    if asset.state == AssetState.ONLINE:
        change_asset_state(asset, AssetState.SUSPECTED, actor, reason=reason, now=now)
        summary.assets_suspected += 1
    return asset


def find_asset(case: Incident, host: str) -> Asset | None:
    """CASE's asset called HOST, by name or host name, with or without its domain."""
    short = host.split(".", 1)[0]
    return (
        case.assets.filter(
            Q(name__iexact=host)
            | Q(hostname__iexact=host)
            | Q(name__iexact=short)
            | Q(hostname__iexact=short)
            | Q(hostname__istartswith=f"{short}.")
        )
        .order_by("id")
        .first()
    )
