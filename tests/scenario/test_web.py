"""The IIS logs of the SharePoint front ends: layout, determinism, rhythm, volume, the attack."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from warroom.hunt.collect import detect
from warroom.hunt.hunt import BUILTIN_RULES, Hunt, load_rules
from warroom.hunt.source import Event, Problems
from warroom.hunt.sources.w3c import W3cSource
from warroom.scenario.model import WebRequest, World
from warroom.scenario.plan import build_world
from warroom.scenario.web import (
    FIELDS,
    FIREFOX_120,
    attack_requests,
    iis_files,
    write_w3c,
)

BERLIN = ZoneInfo("Europe/Berlin")
# What IIS writes for the requests a SharePoint front end serves.
REALISTIC_CODES = {
    (200, 0, 0),
    (200, 0, 64),
    (207, 0, 0),
    (302, 0, 0),
    (304, 0, 0),
    (401, 1, 2148074254),
    (401, 2, 5),
    (404, 0, 0),
    (404, 0, 2),
    (500, 0, 0),
}
TOOLSHELL_STRINGS = ("ToolPane", "spinstall", "SignOut.aspx", "__VIEWSTATE")


class Written:
    """One scenario's IIS files as bytes, with the (step, line) pairs write_w3c reported."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.files: dict[str, bytes] = {}
        self.steps: dict[str, list[tuple[str, int]]] = {}
        for path, requests in iis_files(world):
            out, seen = io.BytesIO(), self.steps.setdefault(path, [])
            write_w3c(out, _day_of(path), requests, _recorder(seen))
            self.files[path] = out.getvalue()

    def lines(self, path: str) -> list[str]:
        return self.files[path].decode().split("\r\n")[:-1]

    def events(self, path: str) -> list[Event]:
        problems = Problems()
        events = list(W3cSource().events(io.BytesIO(self.files[path]), path, problems))
        assert problems.count == 0, problems.skipped[:3]
        return events

    def tagged(self) -> dict[tuple[str, int], str]:
        return {(path, n): step for path, seen in self.steps.items() for step, n in seen}


def _recorder(seen: list[tuple[str, int]]) -> Callable[[str, int], None]:
    def record(step: str, line: int) -> None:
        seen.append((step, line))

    return record


def _day_of(path: str) -> date:
    stamp = path.rsplit("u_ex", 1)[1][:6]
    return date(2000 + int(stamp[:2]), int(stamp[2:4]), int(stamp[4:6]))


def world(seed: int = 3, days: int = 4, scale: float = 0.25) -> World:
    w = build_world(seed=seed, days=days)
    w.scale = scale
    return w


@pytest.fixture(scope="module")
def written() -> Written:
    return Written(world())


@pytest.fixture(scope="module")
def events(written: Written) -> dict[str, list[Event]]:
    return {path: written.events(path) for path in written.files}


def malicious_ips(w: World) -> set[str]:
    return set(w.attacker_ips) | set(w.scanner_ips)


# -- layout and determinism --------------------------------------------------------------------


def test_one_file_per_front_end_per_day(written: Written) -> None:
    w = written.world
    expected = {
        f"iis/{host.name}/W3SVC1/u_ex{w.start + timedelta(days=n):%y%m%d}.log"
        for host in w.by_role("sharepoint")
        for n in range(w.days)
    }
    assert set(written.files) == expected


def test_files_have_the_iis_10_header_and_crlf_line_ends(written: Written) -> None:
    for path, data in written.files.items():
        lines = written.lines(path)
        assert lines[0] == "#Software: Microsoft Internet Information Services 10.0"
        assert lines[1] == "#Version: 1.0"
        assert lines[2].startswith(f"#Date: {_day_of(path):%Y-%m-%d} ")
        assert lines[3] == f"#Fields: {FIELDS}"
        assert data.count(b"\n") == data.count(b"\r\n") == len(lines)
        assert all(not line.startswith("#") for line in lines[4:])


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(written: Written) -> None:
    again = Written(world())
    assert again.files == written.files
    other = Written(world(seed=4))
    assert all(other.files[path] != data for path, data in written.files.items())


def test_the_hunt_reads_every_line_without_a_problem(
    written: Written, events: dict[str, list[Event]]
) -> None:
    for path, data in written.files.items():
        assert detect(data[:65536], path) is W3cSource
        assert len(events[path]) == len(written.lines(path)) - 4


def test_requests_are_in_time_order_within_their_day(events: dict[str, list[Event]]) -> None:
    for path, evs in events.items():
        times = [e.time for e in evs if e.time is not None]
        assert len(times) == len(evs)
        assert times == sorted(times)
        assert {t.date() for t in times} == {_day_of(path)}


def test_the_writer_encodes_as_iis_does() -> None:
    request = WebRequest(
        datetime(2025, 8, 8, 9, 5, 7, tzinfo=UTC), "10.20.1.11", "GET",
        "/sites/it/Shared Documents/a b.docx", None, 443, "NWT\\anna.becker", "10.30.1.2",
        "Microsoft Office Word 2014", None, 200, 0, 0, 31, step="exploit",
    )  # fmt: skip
    out, seen = io.BytesIO(), []
    write_w3c(out, date(2025, 8, 8), [request], lambda step, n: seen.append((step, n)))
    lines = out.getvalue().split(b"\r\n")
    assert lines[2] == b"#Date: 2025-08-08 09:05:07"
    assert lines[4] == (
        b"2025-08-08 09:05:07 10.20.1.11 GET /sites/it/Shared+Documents/a+b.docx - 443 "
        b"NWT\\anna.becker 10.30.1.2 Microsoft+Office+Word+2014 - 200 0 0 31"
    )
    assert seen == [("exploit", 5)]


def test_a_day_without_requests_is_a_header_only() -> None:
    out = io.BytesIO()
    write_w3c(out, date(2025, 8, 8), [])
    assert out.getvalue().count(b"\r\n") == 4
    assert b"#Date: 2025-08-08 00:00:00" in out.getvalue()


# -- benign traffic ------------------------------------------------------------------------------


def benign(events: dict[str, list[Event]], w: World) -> list[Event]:
    bad = malicious_ips(w)
    return [e for evs in events.values() for e in evs if e.fields["c-ip"] not in bad]


def test_status_codes_are_the_ones_iis_writes(
    written: Written, events: dict[str, list[Event]]
) -> None:
    codes = Counter(
        (e.fields["sc-status"], e.fields["sc-substatus"], e.fields["sc-win32-status"])
        for e in benign(events, written.world)
    )
    assert set(codes) <= REALISTIC_CODES
    common = {(200, 0, 0), (304, 0, 0), (401, 2, 5), (401, 1, 2148074254), (404, 0, 2)}
    assert common <= set(codes)
    assert codes[(200, 0, 0)] > codes[(304, 0, 0)] > codes[(401, 2, 5)] > codes[(500, 0, 0)]


def test_authentication_is_a_handshake_then_a_domain_user(
    written: Written, events: dict[str, list[Event]]
) -> None:
    for e in benign(events, written.world):
        user = e.fields["cs-username"]
        if e.fields["sc-status"] == 401:
            assert user is None
        elif user is not None:
            assert user.startswith("NWT\\")
    ntlm = [e for e in benign(events, written.world) if e.fields["sc-substatus"] == 1]
    assert ntlm, "no NTLM challenges"


def test_staff_come_from_the_office_and_from_home(
    written: Written, events: dict[str, list[Event]]
) -> None:
    users = [e for e in benign(events, written.world) if e.fields["cs-username"] is not None]
    internal = [e for e in users if e.fields["c-ip"].startswith("10.")]
    assert 0.6 < len(internal) / len(users) < 0.95


def test_benign_traffic_never_uses_the_toolshell_strings(
    written: Written, events: dict[str, list[Event]]
) -> None:
    for e in benign(events, written.world):
        text = " ".join(str(v) for v in e.fields.values())
        assert not any(s in text for s in TOOLSHELL_STRINGS), text


def test_there_is_more_traffic_at_ten_than_at_three_in_berlin() -> None:
    w = world(days=4, scale=1.0)
    monday = datetime(2025, 8, 11, tzinfo=UTC)
    per_hour: Counter[int] = Counter()
    for path, requests in iis_files(w):
        if _day_of(path) == monday.date():
            per_hour.update(r.time.astimezone(BERLIN).hour for r in requests)
    assert per_hour[10] > 5 * per_hour[3]


def test_weekends_are_quieter(written: Written) -> None:
    sizes = {_day_of(p): len(d) for p, d in written.files.items() if "SP-FE02" in p}
    saturday, monday = date(2025, 8, 9), date(2025, 8, 11)
    assert sizes[saturday] < 0.6 * sizes[monday]


def benign_count(scale: float) -> int:
    w = world(days=3, scale=scale)
    bad = malicious_ips(w)
    return sum(1 for _, reqs in iis_files(w) for r in reqs if r.client_ip not in bad)


def test_volume_is_linear_in_scale() -> None:
    one, two, four = benign_count(0.5), benign_count(1.0), benign_count(2.0)
    assert two / one == pytest.approx(2, rel=0.1)
    assert four / one == pytest.approx(4, rel=0.1)


# -- the attack ----------------------------------------------------------------------------------


def tagged_events(written: Written, events: dict[str, list[Event]]) -> list[tuple[str, Event]]:
    tags = written.tagged()
    return [
        (tags[(path, e.origin.position)], e)
        for path, evs in events.items()
        for e in evs
        if (path, e.origin.position) in tags
    ]


def test_every_request_of_the_attacker_or_a_scanner_is_tagged_and_nothing_else(
    written: Written, events: dict[str, list[Event]]
) -> None:
    bad = malicious_ips(written.world)
    tags = written.tagged()
    for path, evs in events.items():
        for e in evs:
            assert ((path, e.origin.position) in tags) == (e.fields["c-ip"] in bad)


def test_on_step_names_the_line_of_the_request(written: Written) -> None:
    expected = Counter(r.step for r in attack_requests(written.world))
    assert Counter(written.tagged().values()) == expected
    requests = {(r.time, r.client_ip, r.uri_stem): r.step for r in attack_requests(written.world)}
    for (path, number), step in written.tagged().items():
        fields = written.lines(path)[number - 1].split(" ")
        when = datetime.fromisoformat(f"{fields[0]}T{fields[1]}+00:00")
        assert requests[(when, fields[8], fields[4])] == step


@pytest.mark.parametrize(
    ("step", "ip", "method", "stem"),
    [
        ("exploit", 0, "POST", "/_layouts/15/ToolPane.aspx"),
        ("key_theft", 0, "GET", "/_layouts/15/spinstall0.aspx"),
        ("exploit_bypass", 1, "POST", "/_layouts/15/ToolPane.aspx/"),
    ],
)
def test_each_step_is_at_its_time_on_its_host(
    written: Written, events: dict[str, list[Event]], step: str, ip: int, method: str, stem: str
) -> None:
    w = written.world
    s = w.step(step)
    hits = [e for tag, e in tagged_events(written, events) if tag == step and e.time == s.time]
    assert len(hits) == 1
    f = hits[0].fields
    assert (f["s-ip"], f["c-ip"], f["cs-method"], f["cs-uri-stem"]) == (
        w.host(s.host).ip, w.attacker_ips[ip], method, stem
    )  # fmt: skip
    assert (f["cs-referer"], f["cs-user-agent"], f["sc-status"]) == (
        "/_layouts/SignOut.aspx", FIREFOX_120, 200
    )  # fmt: skip
    if method == "POST":
        assert f["cs-uri-query"] == "DisplayMode=Edit&a=/ToolPane.aspx"


def test_only_the_steps_host_is_exploited(written: Written, events: dict[str, list[Event]]) -> None:
    host = written.world.host(written.world.step("exploit").host)
    for tag, e in tagged_events(written, events):
        if tag != "scan":
            assert e.fields["s-ip"] == host.ip


def test_scanners_probe_from_the_scan_step_to_the_exploit(
    written: Written, events: dict[str, list[Event]]
) -> None:
    w = written.world
    scans = [e for tag, e in tagged_events(written, events) if tag == "scan"]
    assert {e.fields["c-ip"] for e in scans} <= set(w.scanner_ips)
    first = min(e.time for e in scans if e.time is not None)
    assert first == w.step("scan").time
    assert all(e.time is not None and e.time < w.step("exploit").time for e in scans)
    stems = {e.fields["cs-uri-stem"] for e in scans}
    assert "/_layouts/15/ToolPane.aspx" in stems
    assert stems & {"/.env", "/wp-login.php", "/.git/config"}


def test_forged_viewstate_precedes_each_command_through_w3wp(
    written: Written, events: dict[str, list[Event]]
) -> None:
    w = written.world
    forged = {
        e.time
        for tag, e in tagged_events(written, events)
        if "__VIEWSTATE=" in (e.fields["cs-uri-query"] or "")
    }
    one = timedelta(seconds=1)
    assert forged == {w.step("encoded_powershell").time - one, w.step("discovery").time - one}
    assert all(
        tag == "exploit_bypass"
        for tag, e in tagged_events(written, events)
        if "__VIEWSTATE=" in (e.fields["cs-uri-query"] or "")
    )


def test_warrooms_rules_fire_on_the_exploitation_and_on_no_benign_line(
    written: Written, tmp_path: Path
) -> None:
    for path, data in written.files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    rules = load_rules(sigma=[BUILTIN_RULES])
    assert not rules.errors
    result = Hunt([tmp_path], matchers=rules.matchers).run()
    assert result.problems.count == 0
    tags = {(str(tmp_path / p), n): step for (p, n), step in written.tagged().items()}
    found = {(f.origin.path, f.origin.position) for f in result.findings}
    assert found <= set(tags), "a rule fired on a benign line"
    for (path, number), step in tags.items():
        line = written.lines(str(Path(path).relative_to(tmp_path)))[number - 1]
        if step != "scan" and ("ToolPane" in line or "spinstall" in line):
            assert (path, number) in found, line
    assert {tags[where] for where in found} >= {"exploit", "key_theft", "exploit_bypass"}


def test_the_shared_helpers_stay_importable_from_web() -> None:
    """colt, network and windows_host reach these through `web`, wherever they are defined."""
    from warroom.scenario import web

    shared = ("staff_clients", "bot_clients", "staff_rhythm", "count", "public_ip", "clock")
    assert all(callable(getattr(web, name)) for name in (*shared, "offsets", "iis_files"))
