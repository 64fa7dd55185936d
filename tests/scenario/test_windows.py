"""The scenario's Windows event logs: repeatable, ordered, consistent, realistic and huntable.

Most checks run over one small world (three days, six hosts, a tenth of the normal volume),
generated once for the module. The hunt tests write it as real EVTX files with `evtx_writer`
and read them back with `warroom hunt`'s own sources, as an analyst would: warroom's rule pack
must find the webshell and the encoded PowerShell and nothing in the routine activity. When the
SigmaHQ snapshot is there ($WARROOM_SIGMA_DIR), a last test prints
which steps its Windows rules detect; it does not fail on them.
"""

from __future__ import annotations

import base64
import os
import re
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from warroom.hunt.hunt import BUILTIN_RULES, Hunt, HuntResult, load_rules
from warroom.scenario.model import WinEvent, World
from warroom.scenario.plan import build_world
from warroom.scenario.windows import SECURITY_FIELDS, SYSMON_FIELDS, evtx_files, long_running

SYSMON = "Microsoft-Windows-Sysmon/Operational"
# The steps the Windows logs show (the others are in the IIS, firewall and proxy logs).
STEPS = (
    "webshell", "key_theft", "encoded_powershell", "discovery", "lsass", "sam_save", "psexec",
    "wmi", "c2", "defender_off", "persistence", "exfil", "gpo", "shadow_delete", "encrypt",
)  # fmt: skip
GUID = re.compile(r"^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$")

Files = dict[str, list[WinEvent]]


def _world(seed: int = 1, scale: float = 0.1, days: int = 3) -> World:
    world = build_world(seed=seed, days=days, hosts=6)
    world.scale = scale
    return world


def _generate(world: World) -> Files:
    return {path: list(events) for path, events in evtx_files(world)}


@pytest.fixture(scope="module")
def world() -> World:
    return _world()


@pytest.fixture(scope="module")
def files(world: World) -> Files:
    return _generate(world)


def _data(event: WinEvent) -> dict[str, str]:
    return dict(event.data)


def _sysmon(files: Files) -> Iterator[tuple[str, list[WinEvent]]]:
    for path, events in files.items():
        if events and events[0].channel == SYSMON:
            yield path.split("/")[1], events


# --- the files ------------------------------------------------------------------------------------


def test_the_public_surface_is_small() -> None:
    from warroom.scenario import windows

    assert sorted(windows.__all__) == [
        "Emitter", "SECURITY_FIELDS", "SYSMON_FIELDS", "evtx_files", "long_running",
    ]  # fmt: skip


def test_it_writes_three_channels_per_host(world: World, files: Files) -> None:
    names = ("Security.evtx", "Microsoft-Windows-Sysmon%4Operational.evtx", "System.evtx")
    expected = {f"evtx/{host.name}/{name}" for host in world.hosts for name in names}
    assert set(files) == expected
    assert all(files.values())


def test_the_same_seed_gives_the_same_events(files: Files) -> None:
    assert _generate(_world()) == files


def test_another_seed_gives_other_events(files: Files) -> None:
    other = _generate(_world(seed=2))
    assert other.keys() == files.keys()
    assert all(other[path] != files[path] for path in files)


def _in_order(world: World, files: Files) -> None:
    for path, events in files.items():
        times = [event.time for event in events]
        assert times == sorted(times), path
        assert world.start <= times[0], path
        assert times[-1] < world.end, path


def test_events_are_in_time_order_inside_the_window(world: World, files: Files) -> None:
    _in_order(world, files)


def test_events_carry_their_hosts_name(world: World, files: Files) -> None:
    for path, events in files.items():
        fqdn = world.host(path.split("/")[1]).fqdn(world.dns_domain)
        assert {event.computer for event in events} == {fqdn}


def test_streams_are_lazy_at_large_scale() -> None:
    # A hundred times the normal volume: the first record must not wait for the whole day.
    world = _world(scale=100.0, days=7)
    path, events = next(iter(evtx_files(world)))
    tracemalloc.start()
    try:
        first = next(events)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert first.time >= world.start
    # A week of this file at that scale would take gigabytes; its first hour takes little.
    assert peak < 64 * 2**20, (path, peak)


# --- fields as Windows writes them ---------------------------------------------------------------

# Written out here from the providers' manifests (Sysmon 15, Windows Server 2019), so that the
# module's tables are checked against something other than themselves.
MANIFESTS = {
    (SYSMON, 1): "RuleName UtcTime ProcessGuid ProcessId Image FileVersion Description Product "
    "Company OriginalFileName CommandLine CurrentDirectory User LogonGuid LogonId "
    "TerminalSessionId IntegrityLevel Hashes ParentProcessGuid ParentProcessId ParentImage "
    "ParentCommandLine ParentUser",
    (SYSMON, 3): "RuleName UtcTime ProcessGuid ProcessId Image User Protocol Initiated "
    "SourceIsIpv6 SourceIp SourceHostname SourcePort SourcePortName DestinationIsIpv6 "
    "DestinationIp DestinationHostname DestinationPort DestinationPortName",
    (SYSMON, 10): "RuleName UtcTime SourceProcessGUID SourceProcessId SourceThreadId SourceImage "
    "TargetProcessGUID TargetProcessId TargetImage GrantedAccess CallTrace SourceUser TargetUser",
    (
        SYSMON,
        11,
    ): "RuleName UtcTime ProcessGuid ProcessId Image TargetFilename CreationUtcTime User",
    (
        SYSMON,
        13,
    ): "RuleName EventType UtcTime ProcessGuid ProcessId Image TargetObject Details User",
    (SYSMON, 22): "RuleName UtcTime ProcessGuid ProcessId QueryName QueryStatus QueryResults "
    "Image User",
    ("Security", 4624): "SubjectUserSid SubjectUserName SubjectDomainName SubjectLogonId "
    "TargetUserSid TargetUserName TargetDomainName TargetLogonId LogonType LogonProcessName "
    "AuthenticationPackageName WorkstationName LogonGuid TransmittedServices LmPackageName "
    "KeyLength ProcessId ProcessName IpAddress IpPort ImpersonationLevel RestrictedAdminMode "
    "TargetOutboundUserName TargetOutboundDomainName VirtualAccount TargetLinkedLogonId "
    "ElevatedToken",
    ("Security", 4688): "SubjectUserSid SubjectUserName SubjectDomainName SubjectLogonId "
    "NewProcessId NewProcessName TokenElevationType ProcessId CommandLine TargetUserSid "
    "TargetUserName TargetDomainName TargetLogonId ParentProcessName MandatoryLabel",
    ("System", 7045): "ServiceName ImagePath ServiceType StartType AccountName",
    ("System", 7036): "param1 param2",
}


def test_eventdata_names_follow_the_manifests(files: Files) -> None:
    seen = set()
    for events in files.values():
        for event in events:
            names = tuple(name for name, _ in event.data)
            key = (event.channel, event.event_id)
            if key in MANIFESTS:
                assert names == tuple(MANIFESTS[key].split()), key
                seen.add(key)
            if event.channel == SYSMON:
                assert names == SYSMON_FIELDS[event.event_id][1]
            elif event.channel == "Security":
                assert names == SECURITY_FIELDS[event.event_id][2]
            assert all(isinstance(value, str) for _, value in event.data)
    assert seen == set(MANIFESTS)


def test_system_values_are_the_providers(files: Files) -> None:
    for events in files.values():
        for event in events:
            if event.channel == SYSMON:
                assert event.provider_guid == "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"
                assert (event.level, event.task, event.user_sid) == (4, event.event_id, "S-1-5-18")
                assert event.version == SYSMON_FIELDS[event.event_id][0]
                assert event.keywords == "0x8000000000000000"
            elif event.channel == "Security":
                assert event.provider_guid == "{54849625-5478-4994-A5BA-3E3B0328C30D}"
                version, task, _ = SECURITY_FIELDS[event.event_id]
                assert (event.version, event.task, event.level) == (version, task, 0)
                failed = event.event_id == 4625 or _data(event).get("Status", "0x0") != "0x0"
                assert event.keywords == ("0x8010000000000000" if failed else "0x8020000000000000")
            elif event.provider == "Service Control Manager":
                assert event.provider_guid == "{555908d1-a6d7-4695-8e1e-26931d2012f4}"
                assert (event.qualifiers, event.event_source_name) == (16384, event.provider)
            else:
                assert (event.provider, event.event_id, event.qualifiers) == ("User32", 1074, 32768)


def test_sysmon_utctime_is_just_before_the_record(files: Files) -> None:
    for _, events in _sysmon(files):
        for event in events:
            utc = datetime.strptime(_data(event)["UtcTime"], "%Y-%m-%d %H:%M:%S.%f")
            lag = event.time - utc.replace(tzinfo=UTC)
            assert 0 <= lag.total_seconds() < 0.01


def test_logons_say_how_they_logged_on(files: Files) -> None:
    # (LogonType, LogonProcessName, AuthenticationPackageName) as Windows pairs them.
    allowed = {
        ("2", "User32 ", "Negotiate"), ("3", "Kerberos", "Kerberos"), ("3", "NtLmSsp ", "NTLM"),
        ("5", "Advapi  ", "Negotiate"), ("7", "User32 ", "Negotiate"),
        ("10", "User32 ", "Negotiate"),
    }  # fmt: skip
    for events in files.values():
        for event in events:
            if event.event_id == 4624:
                data = _data(event)
                kind = (
                    data["LogonType"],
                    data["LogonProcessName"],
                    data["AuthenticationPackageName"],
                )
                assert kind in allowed
                assert data["LmPackageName"] == ("NTLM V2" if kind[2] == "NTLM" else "-")


# --- processes ------------------------------------------------------------------------------------


def _parents_exist(world: World, files: Files) -> None:
    for host, events in _sysmon(files):
        table = {proc.guid: proc.pid for proc in long_running(world, host)}
        created: dict[str, str] = {}
        for event in events:
            if event.event_id == 1:
                data = _data(event)
                parent = data["ParentProcessGuid"]
                known = created.get(parent) or str(table.get(parent, ""))
                assert known == data["ParentProcessId"], (host, data["Image"], data["ParentImage"])
                created[data["ProcessGuid"]] = data["ProcessId"]


def test_every_process_has_a_parent_that_exists(world: World, files: Files) -> None:
    _parents_exist(world, files)


@pytest.mark.parametrize(("seed", "days"), [(2, 4), (3, 5), (4, 7)])
def test_other_worlds_keep_order_and_process_trees(seed: int, days: int) -> None:
    # Other seeds and windows restart other hosts on other days and recycle at other minutes.
    world = _world(seed=seed, scale=0.03, days=days)
    files = _generate(world)
    _in_order(world, files)
    _parents_exist(world, files)


def test_a_process_keeps_its_guid_and_pid(files: Files) -> None:
    for host, events in _sysmon(files):
        pids: dict[str, str] = {}
        for event in events:
            data = _data(event)
            for guid, pid in (
                (data.get("ProcessGuid"), data.get("ProcessId")),
                (data.get("SourceProcessGUID"), data.get("SourceProcessId")),
                (data.get("ParentProcessGuid"), data.get("ParentProcessId")),
            ):
                if guid is not None:
                    assert pids.setdefault(guid, pid or "") == pid, (host, guid)


def test_sysmon_guids_hold_the_host_and_the_start_time(files: Files) -> None:
    for host, events in _sysmon(files):
        prefixes = set()
        for event in events:
            if event.event_id == 1:
                data = _data(event)
                guid = data["ProcessGuid"]
                assert GUID.match(guid), guid
                assert GUID.match(data["LogonGuid"]), guid
                seconds = int(guid[15:19] + guid[10:14], 16)
                started = datetime.fromtimestamp(seconds, UTC)
                assert started.strftime("%Y-%m-%d %H:%M:%S") == data["UtcTime"][:19]
                prefixes.add(guid[1:9])
        assert len(prefixes) == 1, host


def test_sysmon_and_security_see_the_same_process_creations(files: Files) -> None:
    for path, events in files.items():
        if not path.endswith("/Security.evtx"):
            continue
        sysmon = files[path.replace("Security", "Microsoft-Windows-Sysmon%4Operational")]
        audited = Counter(
            (int(d["NewProcessId"], 16), d["NewProcessName"], d["CommandLine"], d["ProcessId"])
            for d in (_data(e) for e in events if e.event_id == 4688)
        )
        created = Counter(
            (int(d["ProcessId"]), d["Image"], d["CommandLine"], hex(int(d["ParentProcessId"])))
            for d in (_data(e) for e in sysmon if e.event_id == 1)
        )
        assert audited == created, path


def test_long_running_processes_never_start_in_the_file(world: World, files: Files) -> None:
    for host, events in _sysmon(files):
        created = {_data(event)["ProcessGuid"] for event in events if event.event_id == 1}
        table = long_running(world, host)
        assert {"services.exe", "lsass.exe"} <= {proc.image.rsplit("\\", 1)[-1] for proc in table}
        assert not created & {proc.guid for proc in table}


# --- the attack -----------------------------------------------------------------------------------


def test_every_step_shows_on_its_host_at_its_time(world: World, files: Files) -> None:
    for step_id in STEPS:
        step = world.step(step_id)
        tagged = [
            event
            for path, events in files.items()
            if path.split("/")[1] == step.host
            for event in events
            if event.step == step_id
        ]
        assert tagged, step_id
        closest = min(abs((event.time - step.time).total_seconds()) for event in tagged)
        assert closest < 2, (step_id, closest)


def test_only_the_attack_looks_like_the_attack(world: World, files: Files) -> None:
    markers = (
        "-EncodedCommand", "comsvcs", "MiniDump", " save HKLM", "delete shadows", "shadowcopy",
        "ADMIN$", "PSEXESVC", "rclone", "TrendSecurity", "schtasks", "DisableAntiSpyware",
        "spinstall", "x2anylock", "How to decrypt", *world.c2_domains, world.exfil_host,
        world.exfil_ip, *world.attacker_ips,
    )  # fmt: skip
    for path, events in files.items():
        for event in events:
            if event.step is not None:
                continue
            data = _data(event)
            text = "|".join(data.values())
            assert not [marker for marker in markers if marker in text], (path, data)
            assert not data.get("ParentImage", "").endswith("\\w3wp.exe"), data
            assert not data.get("ParentProcessName", "").endswith("\\w3wp.exe"), data
            assert not (event.event_id == 10 and data["GrantedAccess"] == "0x1fffff"), data
            assert event.event_id not in (4698, 5136, 7045) or "MpKsl" in text, data


def test_the_encoded_command_is_the_published_dropper(files: Files) -> None:
    commands = [
        _data(event)["CommandLine"]
        for event in files["evtx/SP-FE01/Microsoft-Windows-Sysmon%4Operational.evtx"]
        if event.step == "encoded_powershell" and event.event_id == 1
    ]
    encoded = [line.split("-EncodedCommand ", 1)[1] for line in commands if "-Encoded" in line]
    assert len(encoded) == 2  # cmd.exe's command line and powershell.exe's
    for code in encoded:
        assert code.startswith("JABiAGEAcwBlADYANABTAHQAcgBpAG4AZwAgAD0")
    script = base64.b64decode(encoded[0]).decode("utf-16-le")
    assert script.startswith("$base64String = ")
    assert "\\TEMPLATE\\LAYOUTS\\spinstall0.aspx" in script
    page = base64.b64decode(script.split('"')[1]).decode()
    assert "MachineKeySection" in page
    assert "GetApplicationConfig" in page


def test_attack_values_are_those_of_the_other_sources(world: World, files: Files) -> None:
    text = "\n".join(
        "|".join(value for _, value in event.data)
        for events in files.values()
        for event in events
        if event.step in ("c2", "exfil", "psexec")
    )
    sp = world.host("SP-FE01")
    for value in (world.attacker_ips[3], world.c2_domains[0], world.exfil_ip, world.exfil_host):
        assert value in text
    assert f"|{sp.ip}|" in text  # the PsExec logon to FS01 came from the web server


# --- volume and speed -----------------------------------------------------------------------------


def _benign_count(world: World) -> int:
    return sum(1 for _, events in evtx_files(world) for event in events if event.step is None)


def test_volume_is_linear_in_the_scale() -> None:
    half, full = _benign_count(_world(scale=0.5)), _benign_count(_world(scale=1.0))
    assert 1.8 < full / half < 2.2, (half, full)


# --- hunting --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def evidence(
    tmp_path_factory: pytest.TempPathFactory, files: Files
) -> tuple[Path, dict[tuple[str, int], str]]:
    """The files written as EVTX, and (path, record) -> step of every attack record."""
    writer = pytest.importorskip("warroom.scenario.evtx_writer")
    root = tmp_path_factory.mktemp("evidence")
    steps = {}
    for relative, events in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for record, event in zip(writer.write_evtx(path, events), events, strict=True):
            if event.step is not None:
                steps[(str(path), record)] = event.step
    return root, steps


def _hunt(root: Path, rules: list[str | Path]) -> HuntResult:
    loaded = load_rules(sigma=rules)
    assert not [error for error in loaded.errors if "warroom" in str(error)]
    return Hunt([root], matchers=loaded.matchers).run()


def test_warroom_rules_find_the_attack_and_nothing_else(
    evidence: tuple[Path, dict[tuple[str, int], str]], files: Files
) -> None:
    root, steps = evidence
    result = _hunt(root, [BUILTIN_RULES])
    assert result.stats.events == sum(map(len, files.values()))
    found = {
        steps.get((finding.origin.path, finding.origin.position)) for finding in result.findings
    }
    assert None not in found, "a rule fired on routine activity"
    assert {"webshell", "encoded_powershell"} <= found


def _sigma_dir() -> Path | None:
    root = Path(os.environ.get("WARROOM_SIGMA_DIR", "/nonexistent"))
    return root if (root / "rules" / "windows").is_dir() else None


def test_report_what_sigmahq_detects(evidence: tuple[Path, dict[tuple[str, int], str]]) -> None:
    sigma = _sigma_dir()
    if sigma is None:
        pytest.skip("no SigmaHQ snapshot: set WARROOM_SIGMA_DIR")
    root, steps = evidence
    result = _hunt(root, [sigma / "rules" / "windows", sigma / "rules-emerging-threats"])
    by_step: dict[str, set[str]] = defaultdict(set)
    routine: Counter[str] = Counter()
    for finding in result.findings:
        step = steps.get((finding.origin.path, finding.origin.position))
        if step is None:
            routine[finding.title] += 1
        else:
            by_step[step].add(finding.title)
    print("\nSigmaHQ Windows rules per step:")
    for step in STEPS:
        titles = sorted(by_step.get(step, ()))
        print(f"  {step:20} {len(titles):3}  {'; '.join(titles[:3]) or '-'}")
    print("On routine activity:", dict(routine.most_common(5)) or "nothing")
