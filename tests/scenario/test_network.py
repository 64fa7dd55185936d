"""The firewall and proxy CSV logs: layout, determinism, rhythm, volume, the attack."""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from warroom.hunt.collect import detect
from warroom.hunt.hunt import BUILTIN_RULES, Hunt, load_rules
from warroom.hunt.source import Event, LogSource, Problems
from warroom.hunt.sources.csv import ColumnMap, CsvSource
from warroom.scenario.model import NetRecord, World
from warroom.scenario.network import (
    FIREWALL_COLUMNS,
    NGROK_EDGE,
    PROXY_COLUMNS,
    column_maps,
    firewall_files,
    proxy_files,
    write_csv,
)
from warroom.scenario.plan import build_world
from warroom.scenario.web import attack_requests

BERLIN = ZoneInfo("Europe/Berlin")
Files = Callable[[World], Iterator[tuple[str, Iterator[NetRecord]]]]


class Written:
    """One scenario's firewall and proxy files as bytes, with the (step, line) pairs reported."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.files: dict[str, bytes] = {}
        self.steps: dict[tuple[str, int], str] = {}
        for files in (firewall_files, proxy_files):
            for path, records in files(world):
                out = io.StringIO(newline="")
                write_csv(out, records, self._recorder(path))
                self.files[path] = out.getvalue().encode()

    def _recorder(self, path: str) -> Callable[[str, int], None]:
        def record(step: str, line: int) -> None:
            self.steps[(path, line)] = step

        return record

    def rows(self, path: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.files[path].decode())))

    def events(self, path: str, cmap: ColumnMap | None = None) -> list[Event]:
        problems = Problems()
        stream = io.BytesIO(self.files[path])
        events = list(CsvSource(cmap).events(stream, path, problems))
        assert problems.count == 0, problems.skipped[:3]
        return events

    def tagged_rows(self, kind: str) -> list[tuple[str, dict[str, str]]]:
        """(step, row) of every tagged row of the KIND ("firewall" or "proxy") files."""
        found = []
        for path in self.files:
            if path.startswith(kind):
                for number, row in enumerate(self.rows(path), start=2):
                    if (path, number) in self.steps:
                        found.append((self.steps[(path, number)], row))
        return found


def world(seed: int = 5, days: int = 7, scale: float = 0.1) -> World:
    w = build_world(seed=seed, days=days)
    w.scale = scale
    return w


@pytest.fixture(scope="module")
def written() -> Written:
    return Written(world())


def when(row: dict[str, str]) -> datetime:
    return datetime.fromisoformat(row["time"].replace("Z", "+00:00"))


def indicators(w: World) -> set[str]:
    return {*w.attacker_ips, *w.scanner_ips, w.exfil_ip, w.exfil_host, *w.c2_domains, NGROK_EDGE}


def involves_the_attack(row: dict[str, str], w: World) -> bool:
    values = {row.get("src_ip"), row.get("dst_ip"), row.get("cs-host")}
    return bool(values & indicators(w))


# -- layout and determinism --------------------------------------------------------------------


def test_one_file_per_day_with_the_header_of_its_columns(written: Written) -> None:
    w = written.world
    days = [f"{w.start + timedelta(days=n):%Y-%m-%d}" for n in range(w.days)]
    assert set(written.files) == {f"firewall/fw-edge01_{d}.csv" for d in days} | {
        f"proxy/proxy01_{d}.csv" for d in days
    }
    for path, data in written.files.items():
        header = data.split(b"\n", 1)[0].decode().split(",")
        columns = FIREWALL_COLUMNS if path.startswith("firewall") else PROXY_COLUMNS
        assert header == list(columns)
        assert b"\r" not in data
        assert data.endswith(b"\n")


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(written: Written) -> None:
    assert Written(world()).files == written.files
    other = Written(world(seed=6))
    assert all(other.files[path] != data for path, data in written.files.items())


def test_the_hunt_reads_every_row_without_a_map_or_a_problem(written: Written) -> None:
    for path, data in written.files.items():
        assert detect(data[:65536], path) is CsvSource
        events = written.events(path)
        assert len(events) == data.count(b"\n") - 1
        category = "firewall" if path.startswith("firewall") else "proxy"
        assert {e.logsource for e in events} == {LogSource(category=category)}
        assert all(e.time is not None and e.time.date().isoformat() in path for e in events)


def test_the_column_maps_load_and_read_the_files(written: Written) -> None:
    maps = column_maps()
    assert set(maps) == {"firewall/columns.yml", "proxy/columns.yml"}
    for name, text in maps.items():
        cmap = ColumnMap.from_dict(yaml.safe_load(text))
        path = next(p for p in written.files if p.startswith(name.split("/")[0]))
        events = written.events(path, cmap)
        assert events[0].logsource.category == name.split("/")[0]
        if name.startswith("firewall"):
            assert {e.host for e in events} == {"fw-edge01"}
            assert isinstance(events[0].fields["dst_port"], int)
        else:
            assert {"c-uri", "c-useragent", "cs-host"} <= set(events[0].fields)


def test_rows_are_in_time_order(written: Written) -> None:
    for path in written.files:
        times = [when(row) for row in written.rows(path)]
        assert times == sorted(times)


def test_write_csv_numbers_lines_from_two_and_writes_nothing_for_no_records() -> None:
    at = datetime(2025, 8, 8, tzinfo=UTC)
    records = [
        NetRecord(at, (("time", "a"), ("ua", "Mozilla/5.0 (KHTML, like Gecko)"))),
        NetRecord(at, (("time", "b"), ("ua", "x")), step="c2"),
    ]
    out, seen = io.StringIO(newline=""), []
    write_csv(out, records, lambda step, n: seen.append((step, n)))
    assert out.getvalue() == 'time,ua\na,"Mozilla/5.0 (KHTML, like Gecko)"\nb,x\n'
    assert seen == [("c2", 3)]
    empty = io.StringIO()
    write_csv(empty, [])
    assert empty.getvalue() == ""


# -- benign traffic ------------------------------------------------------------------------------


def test_benign_rows_look_like_an_edge_firewall(written: Written) -> None:
    w = written.world
    rows = [
        row
        for path in written.files
        if path.startswith("firewall")
        for row in written.rows(path)
        if not involves_the_attack(row, w)
    ]
    apps = Counter(row["app"] for row in rows)
    assert {"ssl", "dns", "ms-office365", "ntp", "incomplete"} <= set(apps)
    for row in rows:
        assert (row["action"] == "deny") == (row["session_end_reason"] == "policy-deny")
        if row["dst_zone"] == "dmz" and row["action"] == "allow":
            assert row["dst_port"] == "443"
            assert row["nat_dst_ip"].startswith("10.20.1.")
        assert (row["bytes_received"] == "0") == (row["packets_received"] == "0")


def test_remote_staff_reach_sharepoint_from_the_addresses_iis_logs(written: Written) -> None:
    from warroom.scenario.web import staff_clients

    home = {c.ip for c in staff_clients(written.world) if c.remote}
    inbound = {
        row["src_ip"]
        for path in written.files
        if path.startswith("firewall")
        for row in written.rows(path)
        if row["rule"] == "allow-inbound-sharepoint"
    }
    assert home & inbound


def test_benign_proxy_rows_are_staff_and_machines(written: Written) -> None:
    w = written.world
    for path in written.files:
        if path.startswith("proxy"):
            for row in written.rows(path):
                if involves_the_attack(row, w):
                    continue
                assert row["c-ip"].startswith("10.")
                assert row["c-uri"].startswith(f"https://{row['cs-host']}/")
                assert (row["action"] == "blocked") == (row["sc-status"] == "403")
                assert "rclone" not in row["c-useragent"]


def count_by_berlin_hour(kind: Files, w: World, day: date) -> Counter[int]:
    hours: Counter[int] = Counter()
    for path, records in kind(w):
        if day.isoformat() in path:
            hours.update(r.time.astimezone(BERLIN).hour for r in records)
    return hours


@pytest.mark.parametrize("kind", [firewall_files, proxy_files])
def test_there_is_more_traffic_at_ten_than_at_three_in_berlin(kind: Files) -> None:
    hours = count_by_berlin_hour(kind, world(scale=1.0), date(2025, 8, 11))
    assert hours[10] > 3 * hours[3]


def benign_rows(kind: Files, scale: float) -> int:
    w = world(days=3, scale=scale)
    return sum(1 for _, records in kind(w) for r in records if r.step is None)


@pytest.mark.parametrize("kind", [firewall_files, proxy_files])
def test_volume_is_linear_in_scale(kind: Files) -> None:
    one, two, four = benign_rows(kind, 0.25), benign_rows(kind, 0.5), benign_rows(kind, 1.0)
    assert two / one == pytest.approx(2, rel=0.1)
    assert four / one == pytest.approx(4, rel=0.1)


# -- the attack ----------------------------------------------------------------------------------


def test_every_row_of_the_attack_is_tagged_and_nothing_else(written: Written) -> None:
    w = written.world
    for path in written.files:
        for number, row in enumerate(written.rows(path), start=2):
            assert ((path, number) in written.steps) == involves_the_attack(row, w), row


def test_each_malicious_web_request_has_its_firewall_session(written: Written) -> None:
    w = written.world
    public = {h.ip: h.public_ip for h in w.hosts}
    sessions = {
        (row["src_ip"], row["dst_ip"], when(row), step)
        for step, row in written.tagged_rows("firewall")
        if row["dst_port"] == "443"
    }
    for r in attack_requests(w):
        assert any(
            (r.client_ip, public[r.server_ip], r.time - timedelta(seconds=lag), r.step) in sessions
            for lag in (0, 1, 2)
        ), r


@pytest.mark.parametrize(("step", "ip"), [("exploit", 0), ("key_theft", 0), ("exploit_bypass", 1)])
def test_the_exploitation_reaches_the_front_end_at_its_time(
    written: Written, step: str, ip: int
) -> None:
    w = written.world
    s = w.step(step)
    host = w.host(s.host)
    hits = [
        row for tag, row in written.tagged_rows("firewall") if tag == step and when(row) == s.time
    ]
    assert [(r["src_ip"], r["dst_ip"], r["dst_port"], r["nat_dst_ip"]) for r in hits] == [
        (w.attacker_ips[ip], host.public_ip, "443", host.ip)
    ]


def test_scanners_are_denied_on_other_ports(written: Written) -> None:
    w = written.world
    denied = [
        r for tag, r in written.tagged_rows("firewall") if tag == "scan" and r["action"] == "deny"
    ]
    assert denied
    assert {r["src_ip"] for r in denied} <= set(w.scanner_ips)
    assert all(when(r) < w.step("exploit").time for r in denied)


def test_the_implant_beacons_every_five_minutes_from_the_step_on(written: Written) -> None:
    w = written.world
    s = w.step("c2")
    for kind in ("firewall", "proxy"):
        beacons = sorted(when(r) for tag, r in written.tagged_rows(kind) if tag == "c2")
        assert beacons[0] == s.time
        gaps = {(b - a).total_seconds() for a, b in itertools.pairwise(beacons)}
        assert min(gaps) >= 240
        assert max(gaps) <= 360
        assert beacons[-1] > w.end - timedelta(minutes=6)
    rows = [r for tag, r in written.tagged_rows("firewall") if tag == "c2"]
    sp = w.host(s.host).ip
    assert {(r["src_ip"], r["dst_ip"], r["dst_port"]) for r in rows} == {
        (sp, w.attacker_ips[3], "443")
    }
    proxied = [r for tag, r in written.tagged_rows("proxy") if tag == "c2"]
    assert {(r["c-ip"], r["cs-host"]) for r in proxied} == {(sp, w.c2_domains[0])}


def test_the_web_server_fetches_the_powershell_script(written: Written) -> None:
    w = written.world
    s = w.step("encoded_powershell")
    (row,) = [r for tag, r in written.tagged_rows("proxy") if tag == "encoded_powershell"]
    assert when(row) == s.time
    assert row["c-ip"] == w.host(s.host).ip
    assert row["c-uri"] == "https://c34718cbb4c6.ngrok-free.app/file.ps1"
    assert "WindowsPowerShell" in row["c-useragent"]


def test_rclone_moves_hundreds_of_gigabytes_from_the_file_server(written: Written) -> None:
    w = written.world
    s = w.step("exfil")
    fs = w.host(s.host).ip
    sessions = [r for tag, r in written.tagged_rows("firewall") if tag == "exfil"]
    assert when(sessions[0]) == s.time
    assert {(r["src_ip"], r["dst_ip"], r["dst_port"]) for r in sessions} == {
        (fs, w.exfil_ip, "443")
    }
    assert 400e9 < sum(int(r["bytes_sent"]) for r in sessions) < 500e9
    assert min(int(r["bytes_sent"]) for r in sessions) > 1e9 or len(sessions) > 100
    last = max(when(r) + timedelta(seconds=int(r["elapsed"])) for r in sessions)
    assert timedelta(hours=3) < last - s.time < timedelta(hours=10)
    requests = [r for tag, r in written.tagged_rows("proxy") if tag == "exfil"]
    assert when(requests[0]) == s.time
    assert {(r["c-ip"], r["cs-host"], r["c-useragent"]) for r in requests} == {
        (fs, w.exfil_host, "rclone/v1.66.0")
    }
    assert {r["cs-method"] for r in requests} == {"PUT", "POST"}


def test_nothing_is_written_past_the_end_of_the_window() -> None:
    w = world(days=3, scale=0.05)  # the exfiltration runs past midnight of the last day
    for kind in (firewall_files, proxy_files):
        for _, records in kind(w):
            assert all(w.start <= r.time < w.end for r in records)


def test_warrooms_rules_fire_on_no_benign_row(written: Written, tmp_path: Path) -> None:
    for path, data in written.files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    result = Hunt([tmp_path], matchers=load_rules(sigma=[BUILTIN_RULES]).matchers).run()
    assert result.problems.count == 0
    tagged = {(str(tmp_path / p), n) for p, n in written.steps}
    assert {(f.origin.path, f.origin.position) for f in result.findings} <= tagged


def test_the_public_api_stays_importable_from_network() -> None:
    """colt writes the edge logs through `network`, wherever the parts are defined."""
    from warroom.scenario import network

    names = ("firewall_files", "proxy_files", "write_csv", "column_maps")
    assert all(callable(getattr(network, name)) for name in names)
