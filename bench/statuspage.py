"""`make bench`: requests/s of the public status page on loopback, under load.

    .venv/bin/python bench/statuspage.py [--seconds 10] [--connections 32] [--out PATH]

A throw-away SQLite database (WAL, as in production) in a temporary WARROOM_DATA gets a
catalog of 30 components in 6 groups with 90 days of status changes, 20 published incidents
(one still open) and two maintenances. The app is then served as `warroom up` serves it
(waitress, 8 threads, production settings) in a subprocess on 127.0.0.1, and loaded with `wrk`
when it is installed, else with a small Python keep-alive client (which saturates sooner).

Routes: `summary.json` and the page itself (`/status/`), each with the status page's fast-path
middleware (`StatusPageMiddleware`, the default) and through the whole middleware stack, and
a baseline: a static file served by WhiteNoise in the same server. Results are quoted as
ratios to the baseline, which travel between machines better than requests/s. The target
(issue 5) is at least 2,000 requests/s for summary.json. The Markdown table is printed and
written to bench/results/statuspage.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from provenance import commit

HERE = Path(__file__).resolve().parent
SEED = 2025
FAST_PATH = "warroom.statuspage.middleware.StatusPageMiddleware"
BASELINE = "/static/warroom/warroom.css"
NOW = datetime.now(UTC)


@dataclass
class Row:
    label: str
    url: str
    rps: float = 0.0
    latency_ms: float = 0.0
    size: int = 0
    status: str = "ok"
    gzip: bool = False


def main(argv: list[str] | None = None) -> int:
    """Populate, serve, load each route, print and save the table."""
    args = _parse(argv)
    if args.serve:
        return _serve(args.serve, fast_path=not args.no_fast_path)
    data_dir = _environment()
    try:
        _prepare()
        rows = _measure(args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    report = _header(args) + "\n\n" + _table(rows)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + "\n", encoding="utf-8")
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=int, default=10, help="load per route")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive connections")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "statuspage.md")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the server subprocess
    parser.add_argument("--no-fast-path", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _environment() -> str:
    """Production settings with a temporary data directory."""
    data_dir = tempfile.mkdtemp(prefix="warroom-bench-status-")
    os.environ.update(
        WARROOM_DATA=data_dir,
        WARROOM_DEBUG="0",
        WARROOM_ALLOWED_HOSTS="127.0.0.1",
        WARROOM_SECURE_COOKIES="0",
        WARROOM_STATUS_NAME="Colt status (bench)",
    )
    os.environ.pop("WARROOM_DATABASE_URL", None)  # one SQLite file the server can open too
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    return data_dir


def _prepare() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    _populate(random.Random(SEED))


def _populate(rng: random.Random) -> None:
    """The catalog, its history and the incidents (see the module docstring)."""
    from warroom.catalog.models import Component

    leaves = []
    for g in range(6):
        group = Component.objects.create(name=f"Group {g}", is_group=True, position=g)
        for c in range(5):
            leaves.append(
                Component.objects.create(
                    name=f"Service {g}.{c}",
                    group=group,
                    position=c,
                    created_at=NOW - timedelta(days=200),
                )
            )
    for leaf in leaves:
        _history(leaf, rng)
    _incidents(leaves, rng)


def _history(component: Any, rng: random.Random) -> None:
    from warroom.catalog.choices import ChangeSource, ComponentStatus
    from warroom.catalog.models import ComponentStatusChange

    status = ComponentStatus.OPERATIONAL
    moment = NOW - timedelta(days=95)
    bad = [ComponentStatus.DEGRADED_PERFORMANCE, ComponentStatus.PARTIAL_OUTAGE]
    bad.append(ComponentStatus.MAJOR_OUTAGE)
    while (moment := moment + timedelta(hours=rng.uniform(24, 24 * 12))) < NOW:
        for new in (rng.choice(bad), ComponentStatus.OPERATIONAL):
            ComponentStatusChange.objects.create(
                component=component,
                from_status=status,
                to_status=new,
                changed_at=moment,
                source=ChangeSource.PERSON,
            )
            status, moment = new, moment + timedelta(minutes=rng.randint(5, 240))


def _incidents(leaves: list[Any], rng: random.Random) -> None:
    from warroom.statuspage.choices import IncidentKind, IncidentStatus, ReviewState
    from warroom.statuspage.models import (
        AffectedComponent,
        IncidentUpdate,
        PageRevision,
        PublicIncident,
    )

    steps = [IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED, IncidentStatus.RESOLVED]
    for n in range(20):
        start = NOW - timedelta(days=rng.uniform(0, 88) if n else 0.1)
        final = IncidentStatus.IDENTIFIED if n == 0 else IncidentStatus.RESOLVED
        incident = PublicIncident.objects.create(
            name=f"Incident {n}: calls failing",
            kind=IncidentKind.INCIDENT,
            status=final,
            created_at=start,
            updated_at=start,
            published_at=start,
            started_at=start,
        )
        touched = rng.sample(leaves, 2)
        incident.components.set(touched)
        for i, step in enumerate(steps[: 2 if n == 0 else 3]):
            at = start + timedelta(minutes=40 * i)
            update = IncidentUpdate.objects.create(
                incident=incident,
                status=step,
                body="We are aware of failing calls and are working on it. " * 3,
                review=ReviewState.PUBLISHED,
                display_at=at,
                published_at=at,
                updated_at=at,
            )
            for component in touched:
                AffectedComponent.objects.create(
                    update=update, component=component, new_status="partial_outage"
                )
    _maintenances()
    PageRevision.bump()


def _maintenances() -> None:
    from warroom.statuspage.choices import IncidentKind, MaintenanceStatus
    from warroom.statuspage.models import PublicIncident

    for n, status in enumerate([MaintenanceStatus.SCHEDULED, MaintenanceStatus.IN_PROGRESS]):
        start = NOW + timedelta(days=2 - 2 * n)
        PublicIncident.objects.create(
            name=f"Maintenance {n}",
            kind=IncidentKind.MAINTENANCE,
            status=status,
            created_at=NOW - timedelta(days=3),
            published_at=NOW - timedelta(days=3),
            scheduled_for=start,
            scheduled_until=start + timedelta(hours=4),
        )


# --- the server ------------------------------------------------------------------------------


def _serve(port: int, *, fast_path: bool) -> int:
    """Run in the subprocess: the app as `warroom up` serves it, with or without the fast path."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    import django
    from django.conf import settings

    django.setup()
    middleware = [m for m in settings.MIDDLEWARE if m != FAST_PATH]
    if fast_path:
        middleware.insert(1, FAST_PATH)  # right after SecurityMiddleware
    settings.MIDDLEWARE = middleware
    import waitress
    from django.core.wsgi import get_wsgi_application

    threads = int(os.environ.get("BENCH_THREADS", "8"))
    waitress.serve(get_wsgi_application(), host="127.0.0.1", port=port, threads=threads)
    return 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(fast_path: bool, threads: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    command = [sys.executable, __file__, "--serve", str(port)]
    if not fast_path:
        command.append("--no-fast-path")
    env = {**os.environ, "BENCH_THREADS": str(threads)}
    server = subprocess.Popen(command, env=env)  # noqa: S603 - this very script
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return server, port
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("the bench server did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- load ------------------------------------------------------------------------------------


def _headers(row: Row) -> dict[str, str]:
    return {"Accept-Encoding": "gzip"} if row.gzip else {}


def _get(port: int, row: Row) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", row.url, headers=_headers(row))
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, len(body)


def _wrk(url: str, row: Row, seconds: int, connections: int) -> tuple[float, float]:
    headers = [f"-H{name}: {value}" for name, value in _headers(row).items()]
    done = subprocess.run(  # noqa: S603 - wrk, found by shutil.which
        [shutil.which("wrk") or "wrk", "-t2", f"-c{connections}", f"-d{seconds}s", *headers, url],
        capture_output=True,
        text=True,
        check=True,
    )
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)[1])  # type: ignore[index]
    value, unit = re.search(r"Latency\s+([\d.]+)(us|ms|s)", done.stdout).groups()  # type: ignore[union-attr]
    return rps, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _python_load(port: int, row: Row, seconds: int, connections: int) -> tuple[float, float]:
    """Keep-alive clients in threads; requests/s and mean latency."""
    deadline = time.perf_counter() + seconds
    counts: list[tuple[int, float]] = []

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n, busy = 0, 0.0
        while (start := time.perf_counter()) < deadline:
            connection.request("GET", row.url, headers=_headers(row))
            connection.getresponse().read()
            busy += time.perf_counter() - start
            n += 1
        counts.append((n, busy))

    workers = [threading.Thread(target=client) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    total = sum(n for n, _ in counts)
    return total / seconds, 1000 * sum(b for _, b in counts) / max(total, 1)


def _load(row: Row, port: int, args: argparse.Namespace) -> None:
    status, row.size = _get(port, row)
    if status != 200:
        row.status = f"HTTP {status}"
        return
    for _ in range(20):
        _get(port, row)  # warm-up: the first request renders the site
    if shutil.which("wrk"):
        row.rps, row.latency_ms = _wrk(
            f"http://127.0.0.1:{port}{row.url}", row, args.seconds, args.connections
        )
    else:
        row.rps, row.latency_ms = _python_load(port, row, args.seconds, args.connections)


def _measure(args: argparse.Namespace) -> list[Row]:
    plans = [
        (True, [Row("Static file via WhiteNoise (baseline)", BASELINE)]),
        (
            True,
            [
                Row("summary.json", "/status/api/v2/summary.json"),
                Row("The page (/status/)", "/status/"),
                Row("The page, gzip", "/status/", gzip=True),
            ],
        ),
        (
            False,
            [
                Row("summary.json, whole middleware stack", "/status/api/v2/summary.json"),
                Row("The page, whole middleware stack", "/status/"),
            ],
        ),
    ]
    rows = []
    for fast_path, group in plans:
        server, port = _start(fast_path, args.threads)
        try:
            for row in group:
                print(f"  loading {row.label} ...", file=sys.stderr)
                _load(row, port, args)
                rows.append(row)
        finally:
            _stop(server)
    return rows


def _table(rows: list[Row]) -> str:
    baseline = rows[0].rps or 1.0
    lines = [
        "| route | requests/s | vs baseline | mean latency | size |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row.status != "ok":
            lines.append(f"| {row.label} | {row.status} | | | |")
            continue
        lines.append(
            f"| {row.label} | {row.rps:,.0f} | {row.rps / baseline:.2f} | "
            f"{row.latency_ms:.2f} ms | {row.size:,} B |"
        )
    return "\n".join(lines)


def _header(args: argparse.Namespace) -> str:
    import django

    tool = "wrk (2 threads)" if shutil.which("wrk") else "a Python keep-alive client"
    return "\n".join(
        [
            "# Benchmark: the public status page under load",
            "",
            f"- Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit {commit()}; Python "
            f"{platform.python_version()}, Django {django.get_version()}, SQLite (file, WAL)",
            f"- Machine: {platform.platform()}, {os.cpu_count()} CPUs",
            "- Data: 30 components in 6 groups with 90 days of status changes, 20 published "
            "incidents (one open, 2-3 updates each), two maintenances",
            f"- Server: waitress, {args.threads} threads, production settings, "
            "STATUS_CACHE_SECONDS=1; one process on 127.0.0.1",
            f"- Load: {tool}, {args.connections} keep-alive connections, {args.seconds} s "
            "per route after 20 warm-up requests. 'vs baseline' is requests/s over the static "
            "file's. Target: summary.json >= 2,000 requests/s.",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
