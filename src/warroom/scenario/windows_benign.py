"""The hosts as they run on ordinary days: their software, schedules and routine activity.

Every host runs what a Windows machine of its role runs (SharePoint Server 2019 front ends, a
domain controller and file servers on Windows Server 2019, Windows 10 22H2 admin workstations):
services and their svchost.exe, Defender and its signature updates, Windows Update,
the Task Scheduler, WMI, and per role the SharePoint timer, search and app pool, Kerberos and
SYSVOL on the DC, SMB shares on the file servers, Office, Edge and Teams on the workstations.

Volumes per host at `world.scale` 1.0, events a weekday (a weekend day), as measured:

    host          Security        Sysmon       System
    DC01        7,200 (3,100)   1,000 (1,000)    60
    SP-FE0x     2,150 (1,100)   1,750 (1,400)    60
    FS0x        3,900 (1,800)   1,000 (1,000)    60
    WS-ADMxx      460   (290)   1,600 (1,000)    60

The DC's Security log is mostly Kerberos (4768/4769), network logons and SYSVOL reads; a file
server's is share sessions (4624, 5140, 5145, 4634); a front end's is the Kerberos logons of
IIS Windows authentication. Sysmon is what a tuned configuration keeps: process creation and
end, DNS and outbound connections of the processes that make them, a few file, registry and
image-load events. Every rate in `_KINDS` is multiplied by `world.scale`, as is the number of
admins' RDP sessions; what runs on a schedule does not scale (boots and Windows Update restarts,
the nightly app-pool recycle and backup, the ULS log roll-over every 30 minutes, the daily
start-type change of BITS), nor does a workstation user's working day. Workstations follow
office hours in Europe/Berlin; servers run around the clock, with the load users cause
following the office day on top of a night-time floor ("busy").

The activity of one hour is drawn from `world.rng("win", host, hour)` alone, whatever the
channel, so a stream of any channel repeats the same hour and the same processes; within an
activity every choice comes from one 42-bit number, so no activity draws more or less
randomness in one channel's pass than in another's.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterator
from datetime import timedelta
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from warroom.scenario.model import Host, WinEvent, World
from warroom.scenario.windows_host import (
    BERLIN,
    CMD,
    CONHOST,
    CONHOST_CMD,
    DAY,
    DEFAULT_DOMAIN_POLICY,
    DEFENDER,
    DNS,
    EDGE,
    HOUR,
    INTERACTIVE,
    KERBEROS,
    MINUTE,
    NTLM,
    OFFICE,
    POWERSHELL,
    REMOTE,
    S32,
    SEARCH,
    SECURITY,
    SERVICE,
    SP_HIVE,
    SVC,
    SVCHOST,
    SYSMON,
    SYSTEM,
    TAG_LIFE,
    TAG_SCHEDULE,
    TIWORKER,
    UNLOCK,
    US,
    WMIPRVSE,
    Account,
    Machine,
    Proc,
    document,
    local,
    quoted,
    rdp_sessions,
)

if TYPE_CHECKING:
    from warroom.scenario.windows import Emitter

__all__ = ["benign_events"]

# --- the hour loop ---------------------------------------------------------------------------

Activity = Callable[["Emitter", int, int], None]
_MASKS = {SYSMON: 1, SECURITY: 2, SYSTEM: 4}
_TIME = attrgetter("time")


class Kind(NamedTuple):
    """A routine activity: where, how often, when in the day, which logs it writes."""

    run: Activity
    roles: str  # s(harepoint) d(c) f(ile) w(orkstation)
    per_day: float  # times per weekday at scale 1
    profile: str  # "flat", "office" (Berlin office hours) or "busy" (servers users work with)
    channels: int  # 1 Sysmon, 2 Security, 4 System


# Activities may write up to this long before their own time (a service's logon comes just
# before its 7036): an hour's events are held back this long, until the next hour is drawn.
_LEAD = MINUTE


def benign_events(m: Machine, e: Emitter) -> Iterator[WinEvent]:
    """The routine events of M in E's channel, in time order, hour by hour."""
    world = m.world
    kinds = [(tag, kind) for tag, kind in enumerate(_KINDS) if m.host.role[0] in kind.roles]
    phase = world.rng("win", m.host.name, "phase")
    expected = [phase.random() for _ in kinds]  # each kind's count so far, from a random phase
    items: list[Item] = []
    for hour in range(world.days * 24):
        if hour % 24 == 0:
            items = sorted(_day(m, hour // 24), key=lambda item: item[0])
        _hour(e, kinds, hour, expected)
        _scheduled(e, [item for item in items if item[0] // HOUR == hour], hour)
        e.out.sort(key=_TIME)
        ready = world.start + timedelta(microseconds=(hour + 1) * HOUR - _LEAD)
        cut = bisect.bisect_left(e.out, ready, key=_TIME)
        yield from e.out[:cut]
        e.out = e.out[cut:]
    yield from e.out


def _hour(e: Emitter, kinds: list[tuple[int, Kind]], hour: int, expected: list[float]) -> None:
    """The rate-driven activities of HOUR, drawn alike for every channel.

    A kind runs as many times in an hour as its running expected count crosses whole numbers
    (systematic sampling): the total over the window follows `world.scale` to within one, so
    that bytes are a straight line of the scale, which `colt` relies on to hit --size.
    """
    world, mask = e.m.world, _MASKS[e.channel]
    weights = _weights(world, hour)
    rng = world.rng("win", e.m.host.name, hour)
    for n, (tag, kind) in enumerate(kinds):
        seed = rng.getrandbits(64)
        before = expected[n]
        expected[n] += kind.per_day / 24 * weights[kind.profile] * world.scale
        if kind.channels & mask:
            _run(e, kind, tag, hour, seed, int(expected[n]) - int(before))


def _scheduled(e: Emitter, items: list[Item], hour: int) -> None:
    """What happens at set times in HOUR, each item's processes numbered on from the last."""
    seqs: dict[int, int] = {}
    for _, tag, item in items:
        e.begin(tag, hour)
        e.seq = seqs.get(tag, 0)
        item(e)
        seqs[tag] = e.seq


def _run(e: Emitter, kind: Kind, tag: int, hour: int, seed: int, count: int) -> None:
    """COUNT instances of KIND at random times of HOUR."""
    e.begin(tag, hour)
    base = hour * HOUR
    for n in range(count):
        r = _mix(seed + n)
        kind.run(e, base + r % HOUR, r >> 22)


def _mix(x: int) -> int:
    """SplitMix64: 64 well-mixed bits from a counter."""
    x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


# Share of a weekday's activity per local hour (mean 1); weekends keep _WEEKEND of it.
_OFFICE = (0, 0, 0, 0, 0, 0, 0.1, 0.8, 2.2, 2.8, 2.8, 2.5, 1.4, 2.3, 2.7, 2.5, 1.9, 1.1, 0.4, 0.2,
           0.1, 0.05, 0, 0)  # fmt: skip
_PROFILES = {
    "flat": [1.0] * 24,
    "office": [w * 24 / sum(_OFFICE) for w in _OFFICE],
    "busy": [0.35 + 0.65 * w * 24 / sum(_OFFICE) for w in _OFFICE],
}
_WEEKEND = {"flat": 1.0, "office": 0.03, "busy": 0.4}


def _weights(world: World, hour: int) -> dict[str, float]:
    when = (world.start + timedelta(hours=hour)).astimezone(BERLIN)
    weekend = when.weekday() >= 5
    return {
        name: profile[when.hour] * (_WEEKEND[name] if weekend else 1.0)
        for name, profile in _PROFILES.items()
    }


# --- routine activity --------------------------------------------------------------------------
# Each activity takes the emitter, the time (microseconds since the window start) and 42 random
# bits it draws every choice from.


def _secs(r: int, low: int, high: int) -> int:
    return (low + r % (high - low)) * US


def _guid(r: int) -> str:
    """A random-looking GUID from R (a logon's or a correlation's: Windows draws them)."""
    raw = f"{r * 0x9E3779B97F4A7C15F39CC0605CEDC835 & 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:032X}"
    return f"{{{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}}}"


def _port(r: int) -> str:
    return str(49_152 + r % 16_000)


def _logon_id(r: int) -> int:
    return 0x1000000 + r % 0xF000000


def resolve(e: Emitter, t: int, p: Proc, name: str, connect: bool = True) -> None:
    """P looks NAME up (Sysmon 22) and opens an HTTPS connection to it (Sysmon 3)."""
    results, ip = DNS[name]
    e.dns(t, p, name, results)
    if connect:
        e.connect(t + 20_000, p, ip, 443, name)


class Launch(NamedTuple):
    """A process some resident starts now and then: taskhostw.exe, dllhost.exe, mssdmn.exe."""

    parent: str  # the resident (life) key that starts it
    image: str  # "": the quoted path the command line starts with
    commands: tuple[str, ...]  # one is chosen
    life: tuple[int, int]  # seconds it runs, at least and at most
    session: str | None = None  # None: the parent's
    lookups: tuple[str, ...] = ()  # names it looks up and connects to (one is chosen)


_CONSOLE = ("\\cmd.exe", "\\powershell.exe", "\\MpCmdRun.exe")
# The console host of a window the user opened; a service's console is hosted as CONHOST_CMD.
_CONSOLE_WINDOW = "\\??\\C:\\Windows\\system32\\conhost.exe 0x4"


def _launch(spec: Launch, e: Emitter, t: int, r: int) -> None:
    parent = e.m.alive(spec.parent, t)
    if parent is None:
        return
    session = e.m.session(spec.session, t) if spec.session else None
    cmd = spec.commands[r % len(spec.commands)]
    image = spec.image or cmd.split('"')[1]
    proc = e.spawn(t, parent, image, cmd, session)
    life = _secs(r >> 5, *spec.life)
    if image.endswith(_CONSOLE):
        console = _CONSOLE_WINDOW if spec.parent == "explorer" else CONHOST_CMD
        conhost = e.spawn(t + 3000, proc, CONHOST, console)
        e.exit(t + life + 2000, conhost)
    if spec.lookups:
        resolve(e, t + 400_000, proc, spec.lookups[(r >> 2) % len(spec.lookups)])
    e.exit(t + life, proc)


def _mpcmdrun(args: str) -> str:
    return quoted(DEFENDER + "\\MpCmdRun.exe", args)


_WD_TASKS = ("WdCacheMaintenance", "WdCleanup", "WdVerification", "WdScheduledScan")
_LAUNCHES = {
    "taskhost": Launch("schedule", S32 + "taskhostw.exe", (
        "taskhostw.exe", "taskhostw.exe SYSTEM", "taskhostw.exe NGCKeyPregen",
        "taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly"), (2, 180)),
    "defender_task": Launch("schedule", DEFENDER + "\\MpCmdRun.exe", tuple(
        _mpcmdrun(f"-IdleTask -TaskName {task}") for task in _WD_TASKS), (5, 90)),
    "signatures": Launch("msmpeng", DEFENDER + "\\MpCmdRun.exe", (
        _mpcmdrun("SignaturesUpdateService -ScheduleJob -UnmanagedUpdate"),), (20, 90),
        lookups=("definitionupdates.microsoft.com",)),
    "wmi": Launch("dcom", WMIPRVSE, (
        "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding",
        "C:\\Windows\\system32\\wbem\\wmiprvse.exe -Embedding"), (60, 600), "network"),
    "dllhost": Launch("dcom", S32 + "dllhost.exe", tuple(
        f"C:\\Windows\\system32\\DllHost.exe /Processid:{clsid}" for clsid in (
            "{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}", "{02D4B3F1-FD88-11D1-960D-00805FC79235}",
            "{3EB3C877-1F16-487C-9050-104DBCD66683}")), (3, 300)),
    "telemetry": Launch("schedule", S32 + "CompatTelRunner.exe", (
        "C:\\Windows\\system32\\compattelrunner.exe -m:appraiser.dll -f:DoScheduledTelemetryRun",
        "C:\\Windows\\system32\\compattelrunner.exe -m:aeinv.dll -f:UpdateSoftwareInventoryW"),
        (30, 400), lookups=("v10.events.data.microsoft.com",)),
    "crawl": Launch("mssearch", SEARCH + "\\Bin\\mssdmn.exe", tuple(
        quoted(SEARCH + "\\Bin\\mssdmn.exe", f'-a "SPSearch4" -s {n}') for n in (1, 2, 3)),
        (60, 400)),
    "search_host": Launch("searchindexer", S32 + "SearchProtocolHost.exe", (
        '"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe5_ '
        'Global\\UsGthrCtrlFltPipeMssGthrPipe5 1 -2147483646 "Software\\Microsoft\\Windows '
        'Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" '
        '"C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc" "DownLevelDaemon" ',),
        (30, 200)),
    "broker": Launch("dcom", S32 + "RuntimeBroker.exe", (
        "C:\\Windows\\System32\\RuntimeBroker.exe -Embedding",), (30, 1800), "user"),
    "background": Launch("dcom", S32 + "backgroundTaskHost.exe", (
        '"C:\\Windows\\system32\\backgroundTaskHost.exe" '
        "-ServerName:BackgroundTaskHost.WebAccountProvider",
        '"C:\\Windows\\system32\\backgroundTaskHost.exe" '
        "-ServerName:App.AppXmtcan0h2tfbfy7k9kn8hbxb6dmzz1zh0.mca"), (5, 60), "user"),
    "edge_tab": Launch("edge", EDGE, tuple(quoted(EDGE, f"--type=renderer --lang=de --{extra}")
        for extra in ("enable-auto-reload", "renderer-client-id=12", "time-ticks-at-unix-epoch")),
        (60, 2400), lookups=("www.bing.com", "learn.microsoft.com", "www.heise.de",
                             "nav.smartscreen.microsoft.com", "login.microsoftonline.com")),
    "office_doc": Launch("explorer", "", (
        quoted(OFFICE + "\\WINWORD.EXE", '/n "\\\\FS01\\shares\\Projects\\Status.docx" /o ""'),
        quoted(OFFICE + "\\EXCEL.EXE", '"\\\\FS01\\shares\\Finance\\2025\\Q3\\Forecast.xlsx"'),
        quoted(OFFICE + "\\POWERPNT.EXE", '"C:\\Users\\Public\\Documents\\Netzplan.pptx"'),
    ), (300, 5400), lookups=("ecs.office.com",)),
    "admin_shell": Launch("explorer", "", (
        quoted(POWERSHELL), quoted(S32 + "mmc.exe", '"C:\\Windows\\system32\\dsa.msc"'),
        quoted(CMD)), (120, 1800), "admin"),
}  # fmt: skip

_DEFINITIONS = "C:\\ProgramData\\Microsoft\\Windows Defender\\Definition Updates\\"
_SERVICES_KEY = "HKLM\\System\\CurrentControlSet\\Services\\"
_AV_VERSION = "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\AVSignatureVersion"


def _signatures(e: Emitter, t: int, r: int) -> None:
    """Defender fetches new signatures; now and then the engine update brings its driver."""
    _launch(_LAUNCHES["signatures"], e, t, r)
    if (engine := e.m.alive("msmpeng", t)) is None:
        return
    folder = _DEFINITIONS + _guid(r)
    e.file(t + 9 * US, engine, folder + "\\mpasdlta.vdm")
    e.registry(t + 10 * US, engine, _AV_VERSION, f"1.433.{300 + t // DAY * 4 + r % 4}.0")
    if r % 6 == 0 and (services := e.m.alive("services", t)):
        name, path = f"MpKsl{r >> 8 & 0xFFFFFFFF:08x}", f"\\??\\{folder}\\MpKslDrv.sys"
        values = (name, path, "kernel mode driver", "demand start", "")
        e.service_install(t + 12 * US, values, "S-1-5-18")
        e.registry(t + 12 * US, services, _SERVICES_KEY + name)
        e.registry(t + 12 * US, services, f"{_SERVICES_KEY}{name}\\ImagePath", path)
        e.image_load(t + 15 * US, engine, folder + "\\mpengine.dll")


# Demand-start services: display name, image, command line, session.
_SERVICES = (
    ("Software Protection", S32 + "sppsvc.exe", "C:\\Windows\\system32\\sppsvc.exe", "network"),
    ("WinHTTP Web Proxy Auto-Discovery Service", SVCHOST,
     SVC + "LocalServiceNetworkRestricted -p -s WinHttpAutoProxySvc", "local"),
    ("Windows Error Reporting Service", SVCHOST, SVC + "WerSvcGroup", "system"),
    ("Device Setup Manager", SVCHOST, SVC + "netsvcs -p -s DsmSvc", "system"),
    ("Background Intelligent Transfer Service", SVCHOST, SVC + "netsvcs -p -s BITS", "system"),
    ("Delivery Optimization", SVCHOST, SVC + "NetworkService -p -s DoSvc", "network"),
)  # fmt: skip
SYSTEM_ACCOUNT = Account("SYSTEM", "NT AUTHORITY", "S-1-5-18")


def start_service(
    e: Emitter, t: int, service: tuple[str, str, str, str], end: int | None = None
) -> Proc | None:
    """The service control manager starts SERVICE (stopping it at END): 7036, 4624, 4688."""
    display, image, cmd, session = service
    services = e.m.alive("services", t)
    if services is None:
        return None
    e.service_state(t, display, "running")
    if session == "system":
        e.logon(t - 2000, SERVICE, SYSTEM_ACCOUNT, 0x3E7)
        e.special(t - 1900, SYSTEM_ACCOUNT, 0x3E7)
    proc = e.spawn(t - 1000, services, image, cmd, e.m.session(session, t))
    if end is not None:
        e.service_state(end, display, "stopped")
        e.exit(end + 50_000, proc)
    return proc


def _service(e: Emitter, t: int, r: int) -> None:
    start_service(e, t, _SERVICES[r % len(_SERVICES)], t + _secs(r >> 3, 60, 1800))


_WUAUSERV = ("Windows Update", SVCHOST, SVC + "netsvcs -p -s wuauserv", "system")
_USO = "C:\\Windows\\System32\\mousocoreworker.exe -Embedding"


def _update_scan(e: Emitter, t: int, r: int) -> None:
    """Windows Update checks for updates: its service, the orchestrator, two lookups."""
    end = t + _secs(r, 300, 900)
    agent, dcom = start_service(e, t, _WUAUSERV, end), e.m.alive("dcom", t)
    if agent is None or dcom is None:
        return
    resolve(e, t + 2 * US, agent, "slscr.update.microsoft.com")
    resolve(e, t + 4 * US, agent, "fe3cr.delivery.mp.microsoft.com")
    e.exit(end - 5 * US, e.spawn(t + US, dcom, S32 + "MoUsoCoreWorker.exe", _USO))


_TRACE = (
    "C:\\Windows\\SYSTEM32\\ntdll.dll+9fa24|C:\\Windows\\System32\\KERNELBASE.dll+2bcae|"
    "{}+{:x}|C:\\Windows\\System32\\KERNEL32.DLL+17bd4|C:\\Windows\\SYSTEM32\\ntdll.dll+6ced1"
)


def _lsass_query(e: Emitter, t: int, r: int) -> None:
    """A monitoring process reads lsass.exe's basic information (never its memory)."""
    source, lsass = e.m.alive("msmpeng" if r & 1 else "winmgmt", t), e.m.alive("lsass", t)
    if source and lsass:
        trace = _TRACE.format(source.image, 0x10000 + (r >> 2) % 0x40000)
        e.access(t, source, lsass, "0x1000" if r & 2 else "0x1400", trace)


_LOOKUPS = (
    ("msmpeng", "wdcp.microsoft.com"),
    ("msmpeng", "go.microsoft.com"),
    ("schedule", "settings-win.data.microsoft.com"),
    ("gpsvc", "ctldl.windowsupdate.com"),
)


def _lookup(e: Emitter, t: int, r: int) -> None:
    """System processes look up the DC and Microsoft's services."""
    key, name = _LOOKUPS[(r >> 2) % len(_LOOKUPS)]
    if (proc := e.m.alive(key, t)) is None:
        return
    if r % 3 == 0:
        dc = e.m.world.by_role("dc")[0]
        e.dns(t, proc, dc.fqdn(e.m.world.dns_domain), f"::ffff:{dc.ip};")
    else:
        resolve(e, t, proc, name, connect=bool(r & 16))


def _directory(e: Emitter, t: int, r: int) -> None:
    """SharePoint reads users and groups from the directory (people picker, profile sync)."""
    dc = e.m.world.by_role("dc")[0]
    # LDAP from the process that asks; its Kerberos tickets are fetched by lsass.exe.
    key, port = ("w3wp" if r & 1 else "owstimer", 389) if r & 2 else ("lsass", 88)
    if proc := e.m.alive(key, t):
        e.connect(t, proc, dc.ip, port, dc.fqdn(e.m.world.dns_domain))


def _client(e: Emitter, r: int) -> tuple[str, str, str]:
    return e.m.clients[r % len(e.m.clients)]


def _principal(e: Emitter, r: int) -> tuple[str, str, str, str]:
    """(name, SID, computer, IP): a user at their PC or, a third of the time, a computer."""
    if r % 3 == 0:
        host = e.m.world.hosts[(r >> 2) % len(e.m.world.hosts)]
        return f"{host.name}$", e.m.computer_sid(host.name), host.name, host.ip
    user, computer, ip = _client(e, r >> 2)
    return user, e.m.world.sid(user), computer, ip


def _tgt(e: Emitter, t: int, r: int) -> None:
    name, sid, _, ip = _principal(e, r)
    values = (name, "NWT", sid, "krbtgt", f"{e.m.domain_sid}-502", "0x40810010", "0x0", "0x12",
              "2", f"::ffff:{ip}", _port(r >> 7), "", "", "")  # fmt: skip
    e.audit(t, 4768, values)


def _tgs(e: Emitter, t: int, r: int) -> None:
    name, _, _, ip = _principal(e, r)
    target = e.m.world.hosts[(r >> 7) % len(e.m.world.hosts)].name
    service, sid = f"{target}$", e.m.computer_sid(target)
    if r & 64:
        service, sid = "svc_sharepoint", e.m.world.sid("svc_sharepoint")
    values = (f"{name}@{e.m.realm}", e.m.realm, service, sid, "0x40810000", "0x12",
              f"::ffff:{ip}", _port(r >> 9), "0x0", _guid(r), "-")  # fmt: skip
    e.audit(t, 4769, values)


_MSV = "MICROSOFT_AUTHENTICATION_PACKAGE_V1_0"


def _ntlm(e: Emitter, t: int, r: int) -> None:
    user, computer, _ = _client(e, r)
    e.audit(t, 4776, (_MSV, user, computer, "0x0"))


def _bad_password(e: Emitter, t: int, r: int) -> None:
    """A stale or mistyped password (a mapped drive, a phone): NTLM fails with 0xC000006A."""
    user, computer, ip = _client(e, r)
    e.audit(t, 4776, (_MSV, user, computer, "0xc000006a"), failure=True)
    values = ("S-1-0-0", "-", "-", "0x0", "S-1-0-0", user, "NWT", "0xc000006d", "%%2313",
              "0xc000006a", "3", NTLM.process, "NTLM", computer, "-", "-", "0", "0x0", "-", ip,
              _port(r >> 6))  # fmt: skip
    e.audit(t + 900, 4625, values, failure=True)


_SYSVOL_FILES = ("gpt.ini", "Machine\\Registry.pol", "User\\Registry.pol",
                 "Machine\\Microsoft\\Windows NT\\SecEdit\\GptTmpl.inf")  # fmt: skip
_TAB = "\r\n\t\t\t\t"
_READ = _TAB.join(("%%1538", "%%1541", "%%4416", "%%4419", "%%4423", ""))
_WRITE = _TAB.join(("%%1538", "%%1541", "%%4416", "%%4417", "%%4418", ""))
_REASON = _TAB.join(f"{a}:\t%%1801\tD:(A;;0x1200a9;;;AU)" for a in ("%%1538", "%%4416")) + _TAB


def _sysvol(e: Emitter, t: int, r: int) -> None:
    """A computer reads its Group Policy from SYSVOL (Detailed File Share auditing)."""
    name, sid, _, ip = _principal(e, r)
    path = (
        f"{e.m.world.dns_domain}\\Policies\\{DEFAULT_DOMAIN_POLICY}\\{_SYSVOL_FILES[(r >> 3) % 4]}"
    )
    share = ("File", ip, _port(r >> 9), "\\\\*\\SYSVOL", "\\??\\C:\\Windows\\SYSVOL\\sysvol")
    values = (sid, name, "NWT", hex(_logon_id(r >> 5)), *share, path, "0x120089", _READ, _REASON)
    e.audit(t, 5145, values)


def _share_session(e: Emitter, t: int, r: int) -> None:
    """A user opens the file share, reads or saves a few documents, and disconnects."""
    user, _, ip = _client(e, r)
    who, logon_id, port = Account(user, e.m.realm, e.m.world.sid(user)), _logon_id(r), _port(r)
    e.logon(t, KERBEROS, who, logon_id, ip=ip, port=port, elevated=False, logon_guid=_guid(r))
    subject = (who.sid, user, "NWT", hex(logon_id))
    share = ("File", ip, port, "\\\\*\\shares", "\\??\\D:\\Shares")
    e.audit(t + 2000, 5140, (*subject, *share, "0x1", "%%4416" + _TAB))
    when = t
    for n in range(2 + r % 6):
        path, write, when = document(r >> n), (r >> n) & 4, when + _secs(r >> n, 1, 50)
        mask, access = ("0x12019f", _WRITE) if write else ("0x120089", _READ)
        e.audit(when, 5145, (*subject, *share, path, mask, access, "-"))
        if write and n == 0:
            values = (*subject, "Security", "File", f"D:\\Shares\\{path}", "0x1a4c",
                      "%%4417" + _TAB, "0x2", "0x4", "", "S:AI")  # fmt: skip
            e.audit(when + 500, 4663, values)
    e.logoff(when + _secs(r >> 20, 60, 3600), who, logon_id, "3")


def _unlock(e: Emitter, t: int, r: int) -> None:
    """The user unlocks the workstation: an elevated and a limited logon, linked."""
    user = e.m.host.users[0]
    who, limited = Account(user, "NWT", e.m.world.sid(user)), _logon_id(r)
    if e.m.alive("explorer", t) is None:
        return
    if r % 40 == 0:  # a mistyped password first
        values = ("S-1-5-18", f"{e.m.host.name}$", "NWT", "0x3e7", "S-1-0-0", user, "NWT",
                  "0xc000006d", "%%2313", "0xc000006a", "7", UNLOCK.process, "Negotiate",
                  e.m.host.name, "-", "-", "0", "0x0", "-", "127.0.0.1", "0")  # fmt: skip
        e.audit(t - 4 * US, 4625, values, failure=True)
    e.interactive(t, UNLOCK, who, limited, _guid(r))
    e.logoff(t + US, who, limited - 2, "7")
    e.logoff(t + US + 100, who, limited, "7")


def _cloud(key: str, names: tuple[str, ...]) -> Activity:
    """An open desktop application (Teams, Outlook) talking to Microsoft 365."""

    def run(e: Emitter, t: int, r: int) -> None:
        if proc := e.m.alive(key, t):
            resolve(e, t, proc, names[r % len(names)], connect=bool(r & 8))

    return run


def _network_logon(e: Emitter, t: int, r: int) -> None:
    """A Kerberos network logon and its logoff: a SharePoint page, a session on the DC."""
    if e.m.host.role == "dc":
        name, sid, _, ip = _principal(e, r)
    else:
        name, _, ip = _client(e, r)
        sid = e.m.world.sid(name)
    who, logon_id = Account(name, e.m.realm, sid), _logon_id(r >> 6)
    e.logon(t, KERBEROS, who, logon_id, ip=ip, port=_port(r >> 8),
            elevated=name.endswith("$"), logon_guid=_guid(r))  # fmt: skip
    e.logoff(t + _secs(r >> 10, 1, 40), who, logon_id, "3")


def _launcher(name: str) -> Activity:
    return functools.partial(_launch, _LAUNCHES[name])


_Y, _S, _T = 1, 2, 4  # Sysmon, Security, System
_TEAMS_NAMES = ("teams.microsoft.com", "graph.microsoft.com", "login.microsoftonline.com")
_OUTLOOK_NAMES = ("outlook.office365.com", "login.microsoftonline.com", "ecs.office.com")
# The catalog; an activity's index is its GUID counter space (below TAG_SCHEDULE).
_KINDS = (
    Kind(_launcher("taskhost"), "sdfw", 120, "flat", _Y | _S),
    Kind(_launcher("defender_task"), "sdfw", 6, "flat", _Y | _S),
    Kind(_signatures, "sdfw", 8, "flat", _Y | _S | _T),
    Kind(_launcher("wmi"), "sdfw", 30, "flat", _Y | _S),
    Kind(_launcher("dllhost"), "sdfw", 40, "flat", _Y | _S),
    Kind(_launcher("telemetry"), "sdfw", 4, "flat", _Y | _S),
    Kind(_service, "sdfw", 24, "flat", _Y | _S | _T),
    Kind(_update_scan, "sdfw", 4, "flat", _Y | _S | _T),
    Kind(_lsass_query, "sdfw", 20, "flat", _Y),
    Kind(_lookup, "sdfw", 300, "flat", _Y),
    Kind(_network_logon, "s", 900, "busy", _S),
    Kind(_launcher("crawl"), "s", 48, "flat", _Y | _S),
    Kind(_directory, "s", 600, "busy", _Y),
    Kind(_network_logon, "d", 1500, "busy", _S),
    Kind(_tgt, "d", 700, "busy", _S),
    Kind(_tgs, "d", 2400, "busy", _S),
    Kind(_ntlm, "d", 300, "busy", _S),
    Kind(_bad_password, "d", 12, "busy", _S),
    Kind(_sysvol, "d", 500, "busy", _S),
    Kind(_share_session, "f", 450, "busy", _S),
    Kind(_launcher("search_host"), "w", 10, "office", _Y | _S),
    Kind(_launcher("broker"), "w", 12, "office", _Y | _S),
    Kind(_launcher("background"), "w", 15, "office", _Y | _S),
    Kind(_launcher("edge_tab"), "w", 80, "office", _Y | _S),
    Kind(_launcher("office_doc"), "w", 20, "office", _Y | _S),
    Kind(_launcher("admin_shell"), "w", 4, "office", _Y | _S),
    Kind(_cloud("teams", _TEAMS_NAMES), "w", 60, "office", _Y),
    Kind(_cloud("outlook", _OUTLOOK_NAMES), "w", 40, "office", _Y),
    Kind(_unlock, "w", 5, "office", _S),
)

# --- the schedule of a day -----------------------------------------------------------------------

Item = tuple[int, int, Callable[["Emitter"], None]]  # time, GUID counter space, what happens
_LIFE, _NIGHTLY, _UPDATE, _RDP = TAG_LIFE, TAG_SCHEDULE + 1, TAG_SCHEDULE + 2, TAG_SCHEDULE + 3


def _at(t: int, tag: int, run: Callable[..., None], *args: object) -> Item:
    """An item: at T, RUN(*ARGS, emitter)."""
    return t, tag, functools.partial(run, *args)


def _day(m: Machine, day: int) -> list[Item]:
    """What happens on DAY at set times: lives starting and ending, boots, nightly jobs."""
    rng = m.world.rng("win", m.host.name, "day", day)
    low, high = day * DAY, (day + 1) * DAY
    items = _lives(m, low, high) + _boots(m) + _rdp(m, day)
    if m.host.role != "workstation":
        backup = local(m.world, day, 23, 0) + rng.randrange(20 * MINUTE)
        items.append(_at(backup, _NIGHTLY, _backup, backup, rng.getrandbits(42)))
    if m.host.role == "sharepoint":
        items += [_at(t, TAG_SCHEDULE, _uls, t) for t in range(low, high, 30 * MINUTE)]
    bits = low + rng.randrange(DAY)
    items.append(_at(bits, TAG_SCHEDULE, _bits, bits))
    return [item for item in items if low <= item[0] < high]


def _lives(m: Machine, low: int, high: int) -> list[Item]:
    """Process-creates of the long-lived processes starting today, and the ends of those
    that stop on their own (userinit.exe, a recycled w3wp.exe, Outlook in the evening)."""
    hidden = {proc.guid for proc in m.unseen}
    items: list[Item] = []
    for lives in m.lives.values():
        for start, end, proc in lives:
            if low <= start < high and proc.guid not in hidden:
                items.append(_at(start, _LIFE, _created, proc, start))
            if low <= end < high and end < m.epoch(start).end:
                items.append(_at(end, _LIFE, _ended, proc, end))
    return items


def _created(proc: Proc, t: int, e: Emitter) -> None:
    e.created(t, proc)


def _ended(proc: Proc, t: int, e: Emitter) -> None:
    e.exit(t, proc)


_TI = ("Windows Modules Installer", "C:\\Windows\\servicing\\TrustedInstaller.exe",
       "C:\\Windows\\servicing\\TrustedInstaller.exe", "system")  # fmt: skip
_BOOT_SERVICES = ("Windows Event Log", "Task Scheduler", "Windows Management Instrumentation",
                  "Group Policy Client", "DNS Client", "Remote Desktop Services",
                  "Microsoft Defender Antivirus Service", "Sysmon64", "Windows Update")  # fmt: skip


def _boots(m: Machine) -> list[Item]:
    """Windows Update installing and restarting, the boot, and the user's console logon."""
    items: list[Item] = []
    for before, epoch in zip(m.epochs, m.epochs[1:], strict=False):
        items.append(_at(before.end - 35 * MINUTE, _UPDATE, _install, before.end))
        items.append(_at(epoch.boot + 20 * US, TAG_SCHEDULE, _booted, epoch.boot + 20 * US))
        if m.host.users:
            items.append(_at(epoch.logon, TAG_SCHEDULE, _console_logon, epoch.logon))
    return items


def _install(restart: int, e: Emitter) -> None:
    """Windows Update installs the month's update, then restarts the host to finish."""
    t = restart - 35 * MINUTE
    start_service(e, t, _TI, restart - 2 * MINUTE)
    if dcom := e.m.alive("dcom", t):
        worker = e.spawn(t + 4 * US, dcom, TIWORKER, f"{TIWORKER} -Embedding")
        e.file(t + 60 * US, worker, "C:\\Windows\\Logs\\CBS\\CBS.log")
        e.exit(restart - 3 * MINUTE, worker)
        uso = e.spawn(restart - 20 * US, dcom, S32 + "MoUsoCoreWorker.exe", _USO)
        e.restart(restart, uso, "Operating System: Service pack (Planned)", "0x80020010")


def _booted(t: int, e: Emitter) -> None:
    """The boot: services start, SYSTEM logs on."""
    for n, display in enumerate(_BOOT_SERVICES):
        e.service_state(t + n * 150_000, display, "running")
    e.logon(t - 10 * US, SERVICE, SYSTEM_ACCOUNT, 0x3E7)
    e.special(t - 10 * US + 100, SYSTEM_ACCOUNT, 0x3E7)


def _console_logon(t: int, e: Emitter) -> None:
    """The user logs on at the console after the restart."""
    limited = e.m.session("user", t)
    who = Account(limited.name, "NWT", limited.sid)
    e.interactive(t - US, INTERACTIVE, who, int(limited.logon_id, 16), _guid(t))


_WBADMIN = "C:\\Windows\\system32\\wbadmin.exe start backup -templateId:{{{0}}} -quiet"
_WBENGINE = ("Block Level Backup Engine Service", S32 + "wbengine.exe",
             '"C:\\Windows\\system32\\wbengine.exe"', "system")  # fmt: skip
_VSS = ("Volume Shadow Copy", S32 + "VSSVC.exe", "C:\\Windows\\system32\\vssvc.exe", "system")


def _backup(t: int, r: int, e: Emitter) -> None:
    """Windows Server Backup's nightly job: wbadmin, the backup engine, a VSS snapshot."""
    if (schedule := e.m.alive("schedule", t)) is None:
        return
    end = t + _secs(r, 40 * 60, 150 * 60)
    job = e.spawn(t, schedule, S32 + "wbadmin.exe", _WBADMIN.format(_guid(r)[1:-1]))
    console = e.spawn(t + 3000, job, CONHOST, CONHOST_CMD)
    engine = start_service(e, t + 2 * US, _WBENGINE, end + 90 * US)
    start_service(e, t + 9 * US, _VSS, t + 9 * US + _secs(r >> 8, 120, 400))
    if engine:
        stamp = e.m.when(t).astimezone(BERLIN).strftime("%d-%m-%Y_%H-%M-%S")
        e.file(t + 3 * US, engine, f"C:\\Windows\\Logs\\WindowsServerBackup\\Backup-{stamp}.log")
    e.exit(end, job)
    e.exit(end + 2000, console)


def _uls(t: int, e: Emitter) -> None:
    """The SharePoint tracing service starts a new ULS log file every 30 minutes."""
    if tracing := e.m.alive("wsstracing", t):
        stamp = e.m.when(t).astimezone(BERLIN).strftime("%Y%m%d-%H%M")
        e.file(t + 40_000, tracing, f"{SP_HIVE}\\LOGS\\{e.m.host.name}-{stamp}.log")


def _bits(t: int, e: Emitter) -> None:
    """Windows Update sets BITS back to manual start, as it does about daily."""
    e.start_type(t, "Background Intelligent Transfer Service", "auto start", "demand start", "BITS")
    if services := e.m.alive("services", t):
        e.registry(t, services, _SERVICES_KEY + "BITS\\Start", "DWORD (0x00000003)")


def _rdp(m: Machine, day: int) -> list[Item]:
    """Admins' Remote Desktop sessions to servers, seen from both ends."""
    items: list[Item] = []
    for start, end, client, server, user in rdp_sessions(m.world, day):
        if m.host.name == client.name:
            items.append(_at(start, _RDP, _rdp_client, start, end, server))
        elif m.host.name == server.name:
            logon = start + 4 * US
            items.append(_at(logon, _RDP, _rdp_server, logon, end, client, user))
    return items


def _rdp_client(start: int, end: int, server: Host, e: Emitter) -> None:
    if explorer := e.m.alive("explorer", start):
        command = f'"C:\\Windows\\system32\\mstsc.exe" /v:{server.name}'
        mstsc = e.spawn(start, explorer, S32 + "mstsc.exe", command)
        fqdn = server.fqdn(e.m.world.dns_domain)
        e.dns(start + 200_000, mstsc, fqdn, f"::ffff:{server.ip};")
        e.connect(start + 300_000, mstsc, server.ip, 3389, fqdn)
        e.exit(end, mstsc)


def _rdp_server(t: int, end: int, client: Host, user: str, e: Emitter) -> None:
    who, logon_id = Account(user, "NWT", e.m.world.sid(user)), 0x900000 + t // US % 0x100000
    e.logon(t, REMOTE, who, logon_id, ip=client.ip, port=str(50_000 + t % 9000),
            workstation=e.m.host.name, logon_guid=_guid(t))  # fmt: skip
    e.special(t + 100, who, logon_id, admin=True)
    session = e.m.account_session(user, t, logon_id, "High")._replace(terminal="2")
    if termsvc := e.m.alive("termsvc", t):
        clip = e.spawn(t + 6 * US, termsvc, S32 + "rdpclip.exe", "rdpclip", session)
        e.exit(end, clip)
    e.logoff(end + 2 * US, who, logon_id, "10")
