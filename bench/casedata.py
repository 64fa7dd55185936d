"""Generated case data for the benchmark: a case with many timeline events, made fast.

The case is opened with the real verb, so its membership and first event are as in
production; the rest skips the verbs in `actions.py` on purpose, since the benchmark measures
reading a large case and 100,000 verb calls would take minutes. Assets and indicators go in
with bulk_create. Events go in with one executemany per batch of prepared tuples, in one
transaction: three times faster than bulk_create, which on SQLite is cut into statements of 99
rows (999 parameters) that Django's compiler builds one by one.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Field

from warroom.accounts.models import Membership, Role
from warroom.cases.actions import open_case
from warroom.cases.choices import AssetState, EventKind, EventSource, Severity
from warroom.cases.models import Asset, Incident, Indicator, TimelineEvent

BATCH = 5000
SPREAD = timedelta(days=10)
ASSETS = 20
INDICATORS = 100

# Roughly what a hunt-heavy case looks like: mostly imported observations and findings.
KIND_WEIGHTS = {
    EventKind.OBSERVATION: 40,
    EventKind.FINDING: 20,
    EventKind.ACTION: 15,
    EventKind.COMMUNICATION: 10,
    EventKind.DECISION: 5,
    EventKind.STATUS_CHANGE: 10,
}
TEXTS = [
    "w3wp.exe spawned {proc} on {host} (parent PID {n})",
    "POST /_layouts/15/ToolPane.aspx?DisplayMode=Edit from {ip} answered 200 on {host}",
    "spinstall0.aspx written under TEMPLATE\\LAYOUTS on {host}",
    "LSASS memory read by {proc} on {host}; credential theft suspected",
    "Outbound transfer of {n} MB to {ip} by a renamed rclone on {host}",
    "Defender real-time protection disabled through the registry on {host}",
    "Blocked {ip} at the perimeter firewall; rule {n}",
    "Status page updated: Voice API still unavailable, next update in {n} minutes",
    "Decision: keep {host} offline until the webshell is eradicated",
    "Called the reseller desk about SIP trunk outage ticket {n}",
]
PROCESSES = ["cmd.exe", "powershell.exe -EncodedCommand", "psexec.exe", "rundll32.exe"]


def make_users(count: int) -> list[User]:
    """COUNT users with unusable passwords (password hashing would dominate set-up time)."""
    users = [User(username=f"bench{n}", email=f"bench{n}@example.com") for n in range(count)]
    for user in users:
        user.set_unusable_password()
    return User.objects.bulk_create(users)


def make_case(
    title: str, users: list[User], *, events: int, detected: datetime, rng: random.Random
) -> Incident:
    """A case commanded by users[0], with the others responding, assets, indicators, EVENTS."""
    case = open_case(
        users[0], title=title, severity=Severity.SEV1, detected_at=detected, now=detected
    )
    Membership.objects.bulk_create(
        [Membership(case=case, user=user, role=Role.RESPONDER) for user in users[1:]]
    )
    assets = [a.pk for a in Asset.objects.bulk_create(_assets(case, rng))]
    indicators = [i.pk for i in Indicator.objects.bulk_create(_indicators(case, rng))]
    people = [user.pk for user in users]
    rows = _events(case.pk, people, assets, indicators, events, detected, rng)
    _insert_events(rows)
    return case


def _assets(case: Incident, rng: random.Random) -> list[Asset]:
    return [
        Asset(
            case=case,
            name=f"SP-FE-{n:02d}" if n < 4 else f"SRV-{n:03d}",
            hostname=f"host{n}.corp.example",
            ip_addresses=[f"10.20.{n}.{rng.randint(1, 254)}"],
            role="SharePoint front end" if n < 4 else "application server",
            internet_facing=n < 4,
            state=rng.choice(list(AssetState)),
        )
        for n in range(ASSETS)
    ]


def _indicators(case: Incident, rng: random.Random) -> list[Indicator]:
    rows = []
    for n in range(INDICATORS):
        if n % 2:
            rows.append(Indicator(case=case, type="ipv4-addr", value=f"203.0.113.{n}"))
        else:
            digest = rng.randbytes(32).hex()
            rows.append(Indicator(case=case, type="file:hashes.SHA-256", value=digest))
    return rows


COLUMNS = [
    "case",
    "occurred_at",
    "recorded_at",
    "actor",
    "kind",
    "text",
    "source",
    "asset",
    "indicator",
    "evidence",
]


def _insert_events(rows: Iterator[tuple[Any, ...]]) -> None:
    meta = TimelineEvent._meta
    fields = [meta.get_field(name) for name in COLUMNS]
    columns = ", ".join(
        connection.ops.quote_name(field.column) for field in fields if isinstance(field, Field)
    )
    table = connection.ops.quote_name(meta.db_table)
    marks = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from _meta)
    with transaction.atomic(), connection.cursor() as cursor:
        while batch := list(itertools.islice(rows, BATCH)):
            cursor.executemany(sql, batch)


def _events(
    case: int,
    users: list[int],
    assets: list[int],
    indicators: list[int],
    count: int,
    start: datetime,
    rng: random.Random,
) -> Iterator[tuple[Any, ...]]:
    """COUNT event rows in COLUMNS order, at random times over SPREAD from START."""
    adapt = connection.ops.adapt_datetimefield_value
    texts = [_text(rng) for _ in range(2000)]
    kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=count)
    spread = int(SPREAD.total_seconds() * 1000)
    for kind in kinds:
        occurred = start + timedelta(milliseconds=rng.randrange(spread))
        recorded = occurred + timedelta(minutes=rng.randrange(240))
        from_hunt = kind in {EventKind.OBSERVATION, EventKind.FINDING} and rng.random() < 0.7
        yield (
            case,
            adapt(occurred),
            adapt(recorded),
            None if from_hunt else rng.choice(users),
            kind.value,
            rng.choice(texts),
            EventSource.HUNT.value if from_hunt else EventSource.PERSON.value,
            rng.choice(assets) if rng.random() < 0.3 else None,
            rng.choice(indicators) if rng.random() < 0.1 else None,
            None,
        )


def _text(rng: random.Random) -> str:
    return rng.choice(TEXTS).format(
        proc=rng.choice(PROCESSES),
        host=f"SP-FE-{rng.randint(0, 3):02d}",
        ip=f"198.51.100.{rng.randint(1, 254)}",
        n=rng.randint(1, 99_999),
    )
