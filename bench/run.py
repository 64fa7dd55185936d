"""`make bench`: how the case page and the timeline API hold up on a case of 100,000 events.

    .venv/bin/python bench/run.py [--events 100000] [--requests 200] [--out PATH]

Everything is written to a throw-away database: SQLite (WAL, as in production) in a temporary
WARROOM_DATA directory, or, when WARROOM_DATABASE_URL names PostgreSQL, a fresh `<name>_bench`
database on that server, dropped at the end; the named database itself is never touched.

Requests go through django.test.Client: the whole Django stack (middleware, auth, templates,
queries) without a network or a web server. Each route is also measured on a case of 100
events in the same run, so results can be quoted as ratios, which travel between machines
better than milliseconds. The Markdown table is printed and written to bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from django.test import Client
    from timing import Result

from provenance import commit

HERE = Path(__file__).resolve().parent
DETECTED = datetime(2025, 8, 12, 6, 30, tzinfo=UTC)
SEED = 2025
DEEP = 50_000  # where the deep API page starts, in events from the newest


@dataclass
class Scenario:
    label: str
    client: Client
    url: str
    events: int


def main(argv: list[str] | None = None) -> int:
    """Generate the data, time every scenario, print and save the table."""
    args = _parse(argv)
    data_dir = _environment()
    import django

    django.setup()
    bench_db = _create_database()
    try:
        report = _run(args)
    finally:
        _drop_database(bench_db)
        shutil.rmtree(data_dir, ignore_errors=True)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + "\n", encoding="utf-8")
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=100_000, help="events in the big case")
    parser.add_argument("--baseline-events", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per route")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.md")
    return parser.parse_args(argv)


def _environment() -> str:
    """Point warroom at a temporary data directory; production settings otherwise."""
    data_dir = tempfile.mkdtemp(prefix="warroom-bench-")
    Path(data_dir, "static").mkdir()  # WhiteNoise warns on every start without it
    os.environ["WARROOM_DATA"] = data_dir
    os.environ["WARROOM_DEBUG"] = "0"
    os.environ["WARROOM_ALLOWED_HOSTS"] = "testserver"  # the test client's host name
    os.environ["WARROOM_SECURE_COOKIES"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    return data_dir


def _create_database() -> str | None:
    """Migrate a fresh database; returns the PostgreSQL name to restore, None for SQLite."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # Templates resolve {% static %} through the manifest in production, which needs
    # collectstatic; the plain storage gives the same URLs' cost without that step.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
        return None
    original = str(connection.settings_dict["NAME"])
    connection.settings_dict["TEST"]["NAME"] = f"{original}_bench"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return original


def _drop_database(original: str | None) -> None:
    from django.db import connection

    if original is not None:
        connection.creation.destroy_test_db(original, verbosity=0)


def _run(args: argparse.Namespace) -> str:
    from django.db import connection
    from timing import prepare, table, time_rounds

    started = time.perf_counter()
    big, small, member = _generate(args.events, args.baseline_events)
    generated = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # Autovacuum would gather planner statistics soon after a bulk load; do it now.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    scenarios = _scenarios(big, small, member)
    results = [prepare(s.client, s.label, s.url, events=s.events) for s in scenarios]
    for result in results:
        print(f"  {result.label}: {result.status}", file=sys.stderr)
    _link_baselines(results)
    print(f"timing {args.requests} rounds ...", file=sys.stderr)
    ready = [(r, s.client) for r, s in zip(results, scenarios, strict=True) if r.status == "ok"]
    time_rounds(ready, args.requests)
    return _header(args, big, generated) + "\n\n" + table(results)


def _generate(events: int, baseline_events: int) -> tuple[Incident, Incident, User]:
    from casedata import make_case, make_users

    rng = random.Random(SEED)
    users = make_users(6)
    print(f"generating {events:,} events ...", file=sys.stderr)
    big = make_case("Bench: big case", users, events=events, detected=DETECTED, rng=rng)
    small = make_case("Bench: baseline", users, events=baseline_events, detected=DETECTED, rng=rng)
    return big, small, users[1]  # users[1] is a responder on both cases


def _scenarios(big: Incident, small: Incident, member: User) -> list[Scenario]:
    from django.test import Client

    from warroom.accounts.models import ApiToken

    web = Client()
    web.force_login(member)
    _token, raw = ApiToken.issue(member, "bench")
    api = Client(headers={"authorization": f"Bearer {raw}"})
    n_big, n_small = big.events.count(), small.events.count()
    page = f"/cases/{big.reference}/"
    timeline = f"/api/cases/{big.reference}/timeline"
    last = math.ceil(n_big / _events_per_page())
    deep = min(DEEP, n_big // 2) // 500 * 500
    deep_url = _deep_url(api, timeline, deep)
    return [
        Scenario("Case page (baseline)", web, f"/cases/{small.reference}/", n_small),
        Scenario("Case page", web, page, n_big),
        Scenario("Case page, page 50", web, f"{page}?page=50", n_big),
        Scenario(f"Case page, last page ({last})", web, f"{page}?page={last}", n_big),
        Scenario("Case page, kind=finding", web, f"{page}?kind=finding", n_big),
        Scenario("Case page, kind=finding, page 50", web, f"{page}?kind=finding&page=50", n_big),
        Scenario("Timeline API (baseline)", api, f"/api/cases/{small.reference}/timeline", n_small),
        Scenario("Timeline API", api, timeline, n_big),
        Scenario("Timeline API, kind=finding", api, f"{timeline}?kind=finding", n_big),
        Scenario(f"Timeline API, cursor at event {deep:,}", api, deep_url, n_big),
    ]


def _link_baselines(results: list[Result]) -> None:
    """Each row is compared with the nearest "(baseline)" row above it."""
    baseline = None
    for result in results:
        if "(baseline)" in result.label:
            baseline = result
        else:
            result.baseline = baseline


def _deep_url(api: Client, timeline: str, position: int) -> str:
    """The timeline URL with the cursor found by following next_cursor POSITION events deep.

    The cursor is opaque, so it is obtained the way a client would. Without the route, or
    without cursors, the plain URL comes back and its row says what went wrong.
    """
    from django.urls import Resolver404, resolve

    try:
        resolve(timeline)
    except Resolver404:
        return timeline
    cursor = None
    for _ in range(position // 500):
        query = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        response = api.get(f"{timeline}?{urlencode(query)}")
        cursor = response.json().get("next_cursor") if response.status_code == 200 else None
        if not cursor:
            return f"{timeline}?cursor=unavailable"
    return f"{timeline}?{urlencode({'cursor': cursor})}"


def _events_per_page() -> int:
    try:
        from warroom.cases.views import EVENTS_PER_PAGE
    except ImportError:
        return 50
    return int(EVENTS_PER_PAGE)


def _header(args: argparse.Namespace, big: Incident, generated: float) -> str:
    import django
    from django.db import connection
    from timing import WARMUP

    with connection.cursor() as cursor:
        sqlite = connection.vendor == "sqlite"
        cursor.execute("SELECT sqlite_version()" if sqlite else "SHOW server_version")
        version = cursor.fetchone()[0]
    database = f"SQLite {version} (file, WAL)" if sqlite else f"PostgreSQL {version}"
    now = datetime.now(UTC)
    return "\n".join(
        [
            f"# Benchmark: the case page and timeline API on {big.events.count():,} events",
            "",
            f"- Run {now:%Y-%m-%d %H:%M} UTC at commit {commit()}; Python "
            f"{platform.python_version()}, Django {django.get_version()}, {database}",
            f"- Machine: {platform.platform()}, {os.cpu_count()} CPUs",
            f"- Data: one case with {args.events:,} generated events over 10 days (plus its "
            f"opening event), 20 assets, 100 indicators; baseline case {args.baseline_events} "
            f"events, same assets and indicators; generated in {generated:.1f} s",
            f"- Each route: {WARMUP} warm-up then {args.requests} timed requests through "
            "django.test.Client, in rounds that request every route once, logged in as a "
            "responder (API: Bearer token). Queries are counted on one extra request. "
            "'vs baseline' is p50 over the same route's p50 on the baseline case.",
        ]
    )


if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from warroom.cases.models import Incident


if __name__ == "__main__":
    sys.exit(main())
