"""A Windows host of the scenario: its software, boots, logon sessions and long-lived processes.

`Machine` is one host as its event logs see it: its Sysmon GUID prefix, its boots (one before
the window, and a restart after Windows Update in it for hosts the attack does not touch), the
logon sessions of each boot (SYSTEM, the service accounts, the console user of a workstation)
and the processes that live for a while and start others: those of `CORE` and `ROLE_RESIDENTS`
from each boot, the SharePoint app pool's w3wp.exe from each nightly recycle, and a workstation
user's Outlook, Teams and Edge from each working morning to the evening. Each has one GUID and
PID for its whole life. `BINARIES` holds what Sysmon reports about each executable.

Sysmon GUIDs are built as Sysmon builds them: the first group is fixed per machine, the next
two are the start time (Unix seconds, low and high 16 bits), then a counter and a byte that
changes with every boot; LogonGuids carry the logon time and the LogonId. Times are integers,
microseconds since the window start; `local` turns Berlin wall-clock times into them.

This module is also the vocabulary the other `windows_*` modules share: time units, channel
names, image paths, how logons show (`Logon`) and who logs on (`Account`).
"""

from __future__ import annotations

import bisect
import hashlib
import random
from datetime import datetime, timedelta
from operator import attrgetter
from typing import NamedTuple
from zoneinfo import ZoneInfo

from warroom.scenario.model import Host, World
from warroom.scenario.web import staff_clients

__all__ = ["Machine", "Proc", "Session"]

US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR
BERLIN = ZoneInfo("Europe/Berlin")
SECURITY = "Security"
SYSMON = "Microsoft-Windows-Sysmon/Operational"
SYSTEM = "System"
# GUID counter spaces (6 bits, see Machine.guid): activities use their catalog index.
TAG_SCHEDULE, TAG_LIFE, TAG_ATTACK = 48, 62, 63


class Logon(NamedTuple):
    """How a logon type shows in 4624: type, process name (padded as Windows pads it), ..."""

    logon_type: str
    process: str  # LogonProcessName
    package: str  # AuthenticationPackageName
    lm: str  # LmPackageName
    key_length: str


KERBEROS = Logon("3", "Kerberos", "Kerberos", "-", "0")
NTLM = Logon("3", "NtLmSsp ", "NTLM", "NTLM V2", "128")
SERVICE = Logon("5", "Advapi  ", "Negotiate", "-", "0")
INTERACTIVE = Logon("2", "User32 ", "Negotiate", "-", "0")
UNLOCK = Logon("7", "User32 ", "Negotiate", "-", "0")
REMOTE = Logon("10", "User32 ", "Negotiate", "-", "0")


class Account(NamedTuple):
    """Who logs on: name, domain as the logon shows it, SID."""

    name: str
    domain: str
    sid: str


# --- vocabulary ------------------------------------------------------------------------------

S32 = "C:\\Windows\\System32\\"
DEFENDER = "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25070.5-0"
SP_HIVE = "C:\\Program Files\\Common Files\\Microsoft Shared\\Web Server Extensions\\16"
SEARCH = "C:\\Program Files\\Microsoft Office Servers\\16.0"
OFFICE = "C:\\Program Files\\Microsoft Office\\root\\Office16"
EDGE = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe"
TEAMS = "C:\\Program Files\\WindowsApps\\MSTeams_25198.1112.3855.2200_x64__8wekyb3d8bbwe"
SVCHOST = S32 + "svchost.exe"
CMD = S32 + "cmd.exe"
CONHOST = S32 + "conhost.exe"
CONHOST_CMD = "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1"
POWERSHELL = S32 + "WindowsPowerShell\\v1.0\\powershell.exe"
WMIPRVSE = S32 + "wbem\\WmiPrvSE.exe"
_SXS = (
    "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35"
    "_10.0.17763.7550_none_7e2c0c5a4c2d8a1f"
)
TIWORKER = _SXS + "\\TiWorker.exe"
W3WP = S32 + "inetsrv\\w3wp.exe"
W3WP_CMD = (
    'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "SharePoint - 80" -v "v4.0" -l "webengine4.dll"'
    ' -a \\\\.\\pipe\\iisipm{pipe} -h "C:\\inetpub\\temp\\apppools\\SharePoint - 80\\'
    'SharePoint - 80.config" -w "" -m 0 -t 20 -ta 0'
)
SVC = "C:\\Windows\\system32\\svchost.exe -k "
DEFAULT_DOMAIN_POLICY = "{31B2F340-016D-11D2-945F-00C04FB984F9}"  # the GPO's well-known GUID


def quoted(image: str, args: str = "") -> str:
    """IMAGE in quotes, then ARGS: a command line as Windows starts programs."""
    return f'"{image}" {args}'.rstrip()


# --- schedules -------------------------------------------------------------------------------


def local(world: World, day: int, hour: int, minute: int) -> int:
    """Microseconds from the window start to HOUR:MINUTE Berlin time on DAY of the window."""
    date = (world.start + timedelta(days=day, hours=12)).astimezone(BERLIN).date()
    when = world.start.astimezone(BERLIN).replace(
        year=date.year, month=date.month, day=date.day, hour=hour, minute=minute, second=0
    )
    return int((when - world.start).total_seconds()) * US


def workday(world: World, day: int) -> bool:
    """Whether DAY of the window is Monday to Friday in Berlin."""
    return (world.start + timedelta(days=day, hours=12)).astimezone(BERLIN).weekday() < 5


def boots(world: World, host: Host, rng: random.Random) -> list[tuple[int, int, int]]:
    """(boot, user logon, end) of each boot of HOST: one before the window, maybe one in it.

    The hosts the attack runs on (SP-FE01, FS01, DC01) were not patched and do not restart in
    the window; other servers restart after Windows Update in a night's maintenance window,
    workstations in the evening when the user chose "Update and restart" (the user then logs
    on the next workday).
    """
    boot = -rng.randrange(3 * DAY, 40 * DAY)
    never = world.days * DAY + 30 * DAY
    attacked = {step.host for step in world.steps}
    day, chance = rng.randrange(world.days), rng.random()
    restart = None
    if host.role == "workstation" and chance < 0.7 and workday(world, day):
        restart = local(world, day, 18, 30) + rng.randrange(60 * MINUTE)
    elif host.role != "workstation" and host.name not in attacked and chance < 0.6:
        restart = local(world, day, 3, 0) + rng.randrange(50 * MINUTE)
    first = (boot, boot + 40 * US + rng.randrange(MINUTE))
    if restart is None:
        return [(*first, never)]
    up = restart + 90 * US + rng.randrange(60 * US)
    logon = up + 70 * US
    if host.role == "workstation":
        nxt = day + 1
        while not workday(world, nxt):
            nxt += 1
        logon = local(world, nxt, 7, 20) + rng.randrange(20 * MINUTE)
    return [(*first, restart), (up, logon, never)]


def recycles(world: World, rng: random.Random) -> list[int]:
    """When IIS recycles the SharePoint app pool: every night at a minute fixed per farm."""
    minute = rng.randrange(60)
    return [local(world, day, 1, minute) + rng.randrange(US) for day in range(-1, world.days)]


def office_days(world: World, rng: random.Random) -> list[tuple[int, int]]:
    """(morning, evening) of each workday: the user's first and last minute at the desk."""
    days = []
    for day in range(world.days):
        if workday(world, day):
            morning = local(world, day, 7, 30) + rng.randrange(75 * MINUTE)
            days.append((morning, local(world, day, 16, 45) + rng.randrange(90 * MINUTE)))
    return days


def clients(world: World) -> list[tuple[str, str, str]]:
    """(user, computer, IP) of every user's desk: the addresses the IIS logs show them at."""
    hosts = {host.ip: host.name for host in world.hosts}
    desks = [client for client in staff_clients(world) if not client.remote]
    return [(c.user, hosts.get(c.ip) or _pc_name(c.ip), c.ip) for c in desks]


def _pc_name(ip: str) -> str:
    """A desktop's NetBIOS name, numbered by its address as the provider's IT numbers them."""
    *_, subnet, node = ip.split(".")
    return f"PC-{int(subnet):02d}{int(node):03d}"


# --- software ----------------------------------------------------------------------------------
# What each image's version resource says (Sysmon 1 and 7), from a table of
# "folder\name | Description | OriginalFileName | FileVersion | vendor" lines.

_FOLDERS = {
    "S32": S32[:-1],
    "WIN": "C:\\Windows",
    "DEF": DEFENDER,
    "SP": SP_HIVE + "\\BIN",
    "SRCH": SEARCH,
    "OFF": OFFICE,
    "EDGE": EDGE.rsplit("\\", 1)[0],
    "TEAMS": TEAMS,
    "NET": "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319",
    "SXS": _SXS,
    "PD": "C:\\ProgramData",
    "PF": "C:\\Program Files",
}
# Product and company per vendor code; FileVersion codes: "os" the release build's version,
# "cu" the July 2025 cumulative update's (both filled per Windows build), else literal.
_VENDORS = {
    "win": ("Microsoft® Windows® Operating System", "Microsoft Corporation"),
    "iis": ("Internet Information Services", "Microsoft Corporation"),
    "net": ("Microsoft® .NET Framework", "Microsoft Corporation"),
    "sp": ("Microsoft SharePoint", "Microsoft Corporation"),
    "office": ("Microsoft Office", "Microsoft Corporation"),
    "edge": ("Microsoft Edge", "Microsoft Corporation"),
    "teams": ("Microsoft Teams", "Microsoft Corporation"),
    "onedrive": ("Microsoft OneDrive", "Microsoft Corporation"),
    "sysmon": ("Sysinternals Sysmon", "Sysinternals - www.sysinternals.com"),
    "psexec": ("Sysinternals PsExec", "Sysinternals - www.sysinternals.com"),
    "rclone": ("Rclone", "https://rclone.org"),
}
_SP_VERSION, _DEFENDER_VERSION = "16.0.10417.20027", "4.18.25070.5 (6d1f8c5b0a8b3e0)"
_BINARY_TABLE = f"""
S32\\smss.exe | Windows Session Manager | smss.exe | os | win
S32\\csrss.exe | Client Server Runtime Process | CSRSS.Exe | os | win
S32\\wininit.exe | Windows Start-Up Application | WinInit.exe | os | win
S32\\winlogon.exe | Windows Logon Application | WINLOGON.EXE | cu | win
S32\\services.exe | Services and Controller app | services.exe | cu | win
S32\\lsass.exe | Local Security Authority Process | lsass.exe | cu | win
S32\\svchost.exe | Host Process for Windows Services | svchost.exe | os | win
S32\\userinit.exe | Userinit Logon Application | USERINIT.EXE | os | win
WIN\\explorer.exe | Windows Explorer | EXPLORER.EXE | cu | win
S32\\sihost.exe | Shell Infrastructure Host | sihost.exe | os | win
S32\\ctfmon.exe | CTF Loader | CTFMON.EXE | os | win
S32\\taskhostw.exe | Host Process for Windows Tasks | taskhostw.exe | cu | win
S32\\conhost.exe | Console Window Host | CONHOST.EXE | cu | win
S32\\cmd.exe | Windows Command Processor | Cmd.Exe | os | win
S32\\dllhost.exe | COM Surrogate | dllhost.exe | os | win
S32\\wbem\\WmiPrvSE.exe | WMI Provider Host | Wmiprvse.exe | cu | win
S32\\wbem\\WMIC.exe | WMI Commandline Utility | wmic.exe | os | win
S32\\sppsvc.exe | Microsoft Software Protection Platform Service | sppsvc.exe | cu | win
WIN\\servicing\\TrustedInstaller.exe | Windows Modules Installer | TrustedInstaller.exe | cu | win
SXS\\TiWorker.exe | Windows Modules Installer Worker | TiWorker.exe | cu | win
S32\\MoUsoCoreWorker.exe | MoUSO Core Worker Process | MoUsoCoreWorker.exe | cu | win
S32\\CompatTelRunner.exe | Microsoft Compatibility Telemetry | CompatTelRunner.exe | cu | win
S32\\rdpclip.exe | RDP Clipboard Monitor | rdpclip.exe | os | win
S32\\mstsc.exe | Remote Desktop Connection | mstsc.exe | cu | win
S32\\mmc.exe | Microsoft Management Console | MMC.EXE | os | win
S32\\SearchIndexer.exe | Microsoft Windows Search Indexer | SearchIndexer.exe | cu | win
S32\\SearchProtocolHost.exe | Microsoft Windows Search Protocol Host | SearchProtocolHost.exe \
| cu | win
S32\\RuntimeBroker.exe | Runtime Broker | RuntimeBroker.exe | os | win
S32\\backgroundTaskHost.exe | Background Task Host | backgroundTaskHost.exe | os | win
S32\\wbadmin.exe | Command Line Interface for Microsoft® BLB Backup | WBADMIN.EXE | os | win
S32\\wbengine.exe | Microsoft® Block Level Backup Engine Service EXE | WBENGINE.EXE | cu | win
S32\\VSSVC.exe | Microsoft® Volume Shadow Copy Service | VSSVC.EXE | cu | win
S32\\whoami.exe | whoami - displays logged on user information | whoami.exe | os | win
S32\\nltest.exe | Microsoft® Logon Server Test Utility | nltestrk.exe | os | win
S32\\net.exe | Net Command | net.exe | os | win
S32\\net1.exe | Net Command | net1.exe | os | win
S32\\rundll32.exe | Windows host process (Rundll32) | RUNDLL32.EXE | os | win
S32\\reg.exe | Registry Console Tool | reg.exe | os | win
S32\\schtasks.exe | Task Scheduler Configuration Tool | schtasks.exe | os | win
S32\\vssadmin.exe | Command Line Interface for Microsoft® Volume Shadow Copy Service \
| VSSADMIN.EXE | os | win
S32\\WindowsPowerShell\\v1.0\\powershell.exe | Windows PowerShell | PowerShell.EXE | os | win
S32\\dns.exe | Domain Name System (DNS) Server | dns.exe | cu | win
S32\\dfsrs.exe | Distributed File System Replication | dfsrs.exe | cu | win
S32\\ismserv.exe | Windows NT Intersite Messaging Service | ismserv.exe | os | win
S32\\inetsrv\\w3wp.exe | IIS Worker Process | w3wp.exe | os | iis
WIN\\Sysmon64.exe | System activity monitor | Sysmon.exe | 15.15 | sysmon
WIN\\PSEXESVC.exe | PsExec Service | psexesvc.exe | 2.43 | psexec
PD\\PsExec64.exe | Execute processes remotely | psexec.c | 2.43 | psexec
DEF\\MsMpEng.exe | Antimalware Service Executable | MsMpEng.exe | {_DEFENDER_VERSION} | win
DEF\\MpCmdRun.exe | Microsoft Malware Protection Command Line Utility | MpCmdRun.exe \
| {_DEFENDER_VERSION} | win
NET\\csc.exe | Visual C# Command Line Compiler | csc.exe | 4.8.3761.0 built by: NET48REL1 | net
NET\\cvtres.exe | Microsoft® Resource File To COFF Object Conversion Utility | CVTRES.EXE \
| 14.10.25028.0 built by: NET48REL1 | net
SP\\OWSTIMER.EXE | SharePoint Timer Service | OWSTIMER.EXE | {_SP_VERSION} | sp
SP\\wsstracing.exe | SharePoint Tracing Service | wsstracing.exe | {_SP_VERSION} | sp
SRCH\\Search\\HostController\\hostcontrollerservice.exe | Microsoft SharePoint Search Host \
Controller Service | hostcontrollerservice.exe | {_SP_VERSION} | sp
SRCH\\Search\\Runtime\\1.0\\NodeRunner.exe | Microsoft SharePoint Search Component \
| NodeRunner.exe | {_SP_VERSION} | sp
SRCH\\Bin\\mssearch.exe | Microsoft SharePoint Search | mssearch.exe | {_SP_VERSION} | sp
SRCH\\Bin\\mssdmn.exe | Microsoft SharePoint Search Component | mssdmn.exe | {_SP_VERSION} | sp
OFF\\WINWORD.EXE | Microsoft Word | WinWord.exe | 16.0.18925.20158 | office
OFF\\EXCEL.EXE | Microsoft Excel | Excel.exe | 16.0.18925.20158 | office
OFF\\POWERPNT.EXE | Microsoft PowerPoint | POWERPNT.EXE | 16.0.18925.20158 | office
OFF\\OUTLOOK.EXE | Microsoft Outlook | Outlook.exe | 16.0.18925.20158 | office
EDGE\\msedge.exe | Microsoft Edge | msedge.exe | 138.0.3351.121 | edge
TEAMS\\ms-teams.exe | Microsoft Teams | ms-teams.exe | 25198.1112.3855.2200 | teams
PF\\Microsoft OneDrive\\OneDrive.exe | Microsoft OneDrive | OneDrive.exe | 25.127.0701.0002 \
| onedrive
PD\\TrendSecurity.exe | Rsync for cloud storage | rclone.exe | 1.66.0 | rclone
"""


def _binaries() -> dict[str, tuple[str, str, str, str, str]]:
    table = {}
    for line in _BINARY_TABLE.replace("\\\n", " ").strip().splitlines():
        path, description, original, version, vendor = (cell.strip() for cell in line.split("|"))
        folder, name = path.split("\\", 1)
        product, company = _VENDORS[vendor]
        code = {"os": "10.0.{build}.1", "cu": "10.0.{build}.{rev}"}.get(version)
        version = f"{code} (WinBuild.160101.0800)" if code else version
        table[f"{_FOLDERS[folder]}\\{name}"] = (description, original, version, product, company)
    return table


#: Image -> (Description, OriginalFileName, FileVersion template, Product, Company).
BINARIES = _binaries()


def _binary(image: str, build: int, revision: int) -> Binary:
    unknown = ("-", "-", "-", "-", "-")
    description, original, version, product, company = BINARIES.get(image, unknown)
    version = version.format(build=build, rev=revision)
    # Stand-in hashes, fixed per file and version: a binary hashes alike on every host.
    digest = hashlib.sha512(f"{image.lower()}|{version}".encode()).hexdigest().upper()
    imphash = hashlib.md5(image.rsplit("\\", 1)[-1].lower().encode(), usedforsecurity=False)
    hashes = f"SHA1={digest[:40]},MD5={digest[40:72]},SHA256={digest[64:128]}"
    return Binary(
        (version, description, product, company, original),
        f"{hashes},IMPHASH={imphash.hexdigest().upper()}",
    )


_CSRSS = (
    "%SystemRoot%\\system32\\csrss.exe ObjectDirectory=\\Windows SharedSection=1024,20480,768"
    " Windows=On SubSystemType=Windows ServerDll=basesrv,1"
    " ServerDll=winsrv:UserServerDllInitialization,3 ServerDll=sxssrv,4 ProfileControl=Off"
    " MaxRequestThreads=16"
)
_NODE = f"{SEARCH}\\Search\\Runtime\\1.0\\NodeRunner.exe"
_NODES = f"{SEARCH}\\Data\\Office Server\\Applications\\Search\\Nodes\\1E9A3C"
_HOSTCONTROLLER = f"{SEARCH}\\Search\\HostController\\hostcontrollerservice.exe"


#: Processes running from boot: key, parent key, image, command line, session, seconds after the
#: boot (after the user's logon for "user"). SYSMON_AT is when Sysmon64 starts: a boot's Sysmon
#: log has no process-create for what starts before it.
SYSMON_AT = 8
CORE: tuple[tuple[str, str, str, str, str, int], ...] = (
    ("smss", "system", S32 + "smss.exe", "\\SystemRoot\\System32\\smss.exe", "system", 1),
    ("csrss", "smss", S32 + "csrss.exe", _CSRSS, "system", 2),
    ("wininit", "smss", S32 + "wininit.exe", "wininit.exe", "system", 2),
    ("winlogon", "smss", S32 + "winlogon.exe", "winlogon.exe", "system", 2),
    ("services", "wininit", S32 + "services.exe", "C:\\Windows\\system32\\services.exe", "system",
     3),
    ("lsass", "wininit", S32 + "lsass.exe", "C:\\Windows\\system32\\lsass.exe", "system", 3),
    ("dcom", "services", SVCHOST, SVC + "DcomLaunch -p", "system", 4),
    ("rpcss", "services", SVCHOST, SVC + "RPCSS -p", "network", 4),
    ("eventlog", "services", SVCHOST, SVC + "LocalServiceNetworkRestricted -p -s EventLog",
     "local", 5),
    ("sysmon", "services", "C:\\Windows\\Sysmon64.exe", "C:\\Windows\\Sysmon64.exe", "system",
     SYSMON_AT),
    ("schedule", "services", SVCHOST, SVC + "netsvcs -p -s Schedule", "system", 10),
    ("winmgmt", "services", SVCHOST, SVC + "netsvcs -p -s Winmgmt", "system", 10),
    ("gpsvc", "services", SVCHOST, SVC + "netsvcs -p -s gpsvc", "system", 11),
    ("dnscache", "services", SVCHOST, SVC + "NetworkService -p -s Dnscache", "network", 11),
    ("termsvc", "services", SVCHOST, SVC + "NetworkService -s TermService", "network", 12),
    ("msmpeng", "services", DEFENDER + "\\MsMpEng.exe", quoted(DEFENDER + "\\MsMpEng.exe"),
     "system", 14),
)  # fmt: skip
ROLE_RESIDENTS: dict[str, tuple[tuple[str, str, str, str, str, int], ...]] = {
    "sharepoint": (
        ("iissvcs", "services", SVCHOST, SVC + "iissvcs", "system", 16),
        ("wsstracing", "services", f"{SP_HIVE}\\BIN\\wsstracing.exe",
         quoted(f"{SP_HIVE}\\BIN\\wsstracing.exe"), "local", 18),
        ("owstimer", "services", f"{SP_HIVE}\\BIN\\OWSTIMER.EXE",
         quoted(f"{SP_HIVE}\\BIN\\OWSTIMER.EXE"), "farm", 20),
        ("hostcontroller", "services", _HOSTCONTROLLER, quoted(_HOSTCONTROLLER), "farm", 22),
        ("mssearch", "services", f"{SEARCH}\\Bin\\mssearch.exe",
         quoted(f"{SEARCH}\\Bin\\mssearch.exe"), "farm", 24),
        *((f"noderunner{n}", "hostcontroller", _NODE,
           quoted(_NODE, f'--noderoot "{_NODES}\\{part}Component1" --tracelevel 2'), "farm", 40 + n)
          for n, part in enumerate(("Admin", "ContentProcessing", "QueryProcessing", "Index"))),
    ),
    "dc": (
        ("dns", "services", S32 + "dns.exe", "C:\\Windows\\system32\\dns.exe", "system", 13),
        ("dfsr", "services", S32 + "dfsrs.exe", "C:\\Windows\\system32\\DFSRs.exe", "system", 15),
        ("ismserv", "services", S32 + "ismserv.exe", "C:\\Windows\\System32\\ismserv.exe",
         "system", 15),
    ),
    "file": (),
    "workstation": (
        ("searchindexer", "services", S32 + "SearchIndexer.exe",
         "C:\\Windows\\system32\\SearchIndexer.exe /Embedding", "system", 30),
        ("userinit", "winlogon", S32 + "userinit.exe", "C:\\Windows\\system32\\userinit.exe",
         "user", 1),
        ("sihost", "schedule", S32 + "sihost.exe", "sihost.exe", "user", 1),
        ("explorer", "userinit", "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", "user",
         2),
        ("ctfmon", "explorer", S32 + "ctfmon.exe", '"ctfmon.exe"', "user", 4),
        ("onedrive", "explorer", "C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe",
         quoted("C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe", "/background"), "user", 9),
    ),
}  # fmt: skip
#: Desktop applications a workstation user keeps open through the working day.
DAILY_APPS = (
    ("outlook", f"{OFFICE}\\OUTLOOK.EXE", quoted(f"{OFFICE}\\OUTLOOK.EXE")),
    ("teams", f"{TEAMS}\\ms-teams.exe",
     quoted(f"{TEAMS}\\ms-teams.exe", "msteams:system-initiated")),
    ("edge", EDGE, quoted(EDGE, "--profile-directory=Default")),
)  # fmt: skip
LIFE_PARENTS = {"w3wp": "iissvcs", "outlook": "explorer", "teams": "explorer", "edge": "explorer"}


# --- processes and sessions --------------------------------------------------------------------


class Binary(NamedTuple):
    """The version resource and hashes of an executable, as Sysmon reports them."""

    version: tuple[str, str, str, str, str]  # FileVersion Description Product Company Original
    hashes: str  # "SHA1=...,MD5=...,SHA256=...,IMPHASH=..."


class Session(NamedTuple):
    """A logon session: who a process runs as, in Sysmon's and in Security's words."""

    user: str  # Sysmon User: "NT AUTHORITY\SYSTEM", "NWT\svc_sharepoint"
    name: str  # Security SubjectUserName: "SP-FE01$" for SYSTEM
    domain: str  # "NWT", "NT AUTHORITY"
    sid: str
    logon_id: str  # "0x3e7"
    logon_guid: str  # Sysmon's LogonGuid
    terminal: str  # TerminalSessionId
    integrity: str  # "System", "High", "Medium"
    label: str  # MandatoryLabel: "S-1-16-16384"
    elevation: str  # TokenElevationType: "%%1936" full, "%%1937" elevated, "%%1938" limited


class Proc(NamedTuple):
    """One process: the identity every event about it repeats."""

    guid: str
    pid: int
    image: str
    cmd: str
    cwd: str
    session: Session
    binary: Binary
    parent: Proc | None


class Life(NamedTuple):
    """A process that runs for a while and that others start from: services.exe, w3wp.exe."""

    start: int  # microseconds since the window start; negative before it
    end: int
    proc: Proc


class Epoch(NamedTuple):
    """The host between two boots; `logon` is when the console user logged on."""

    number: int
    boot: int
    logon: int
    end: int


# MandatoryLabel and TokenElevationType per integrity ("Elevated": an admin's elevated token).
_INTEGRITY = {
    "System": ("S-1-16-16384", "%%1936"),
    "High": ("S-1-16-12288", "%%1936"),
    "Elevated": ("S-1-16-12288", "%%1937"),
    "Medium": ("S-1-16-8192", "%%1938"),
}
_WELL_KNOWN = (
    ("system", "SYSTEM", "S-1-5-18", 0x3E7),
    ("local", "LOCAL SERVICE", "S-1-5-19", 0x3E5),
    ("network", "NETWORK SERVICE", "S-1-5-20", 0x3E4),
)
_START = attrgetter("start")
_MMSS = [f"{m:02d}:{s:02d}." for m in range(60) for s in range(60)]
_MS = [f"{n:03d}" for n in range(1000)]


class Machine:
    """One host as its event logs see it: identity, boots, sessions and long-lived processes."""

    def __init__(self, world: World, host: Host) -> None:
        self.world, self.host = world, host
        self.computer = host.fqdn(world.dns_domain)
        self.rng = world.rng("win", host.name, "machine")
        self.hostpart = f"{self.rng.getrandbits(32):08X}"
        self.unix0 = int(world.start.timestamp())
        workstation = host.role == "workstation"
        # Windows 10 22H2 and Server 2019, each with its July 2025 update: the same manifest
        # versions (4624 v2, 4688 v2) on every host.
        self.build, self.revision = (19045, 6093) if workstation else (17763, 7558)
        self.realm = world.dns_domain.upper()
        self.domain_sid = world.sid("Administrator").rsplit("-", 1)[0]
        self.clients = clients(world)
        self._computer_sids = {
            host.name: f"{self.domain_sid}-{1000 + n}" for n, host in enumerate(world.hosts)
        }
        self._binaries: dict[str, Binary] = {}
        self._prefixes: dict[int, str] = {}
        self._pids: set[int] = set()
        self.epochs = [Epoch(n, *times) for n, times in enumerate(boots(world, host, self.rng))]
        self.sessions = [self._sessions(epoch) for epoch in self.epochs]
        self.lives: dict[str, list[Life]] = {}
        self.unseen: list[Proc] = []
        for epoch in self.epochs:
            self._boot(epoch)
        if host.role == "sharepoint":
            self._recycles()
        if workstation:
            self._desktop()

    def binary(self, image: str) -> Binary:
        """The version fields and hashes Sysmon reports for IMAGE on this host."""
        found = self._binaries.get(image)
        if found is None:
            found = self._binaries[image] = _binary(image, self.build, self.revision)
        return found

    def guid(self, t: int, tag: int, seq: int) -> str:
        """Sysmon's ProcessGuid for a process started at T with counter (TAG, SEQ)."""
        secs = self.unix0 + t // US
        counter = (tag << 10) | (seq & 0x3FF)
        boot = self.boot_byte(t)
        return (
            f"{{{self.hostpart}-{secs & 0xFFFF:04X}-{secs >> 16 & 0xFFFF:04X}-"
            f"{counter & 0xFF:02X}{counter >> 8:02X}-0000{seq >> 10:04X}{boot:02X}00}}"
        )

    def boot_byte(self, t: int) -> int:
        """The byte of Sysmon's GUIDs that tells the boots apart, for the boot running at T."""
        return 0x0B + self.epoch(t).number

    def logon_guid(self, t: int, logon_id: int) -> str:
        """Sysmon's LogonGuid: the logon time and the little-endian LogonId."""
        secs = self.unix0 + t // US
        raw = logon_id.to_bytes(8, "little").hex().upper()
        return f"{{{self.hostpart}-{secs & 0xFFFF:04X}-{secs >> 16:04X}-{raw[:4]}-{raw[4:]}}}"

    def pid(self, hour: int, tag: int, seq: int) -> int:
        """A PID for a short-lived process, fixed by its counter, never a resident's."""
        pid = 1000 + ((hour * 7919 + tag * 104_729 + seq * 2_654_435_761) % 4000) * 4
        while pid in self._pids:
            pid += 4
        return pid

    def utc(self, t: int) -> str:
        """T as Sysmon's UtcTime ("2025-08-08 16:06:14.123")."""
        hour, rest = divmod(t, HOUR)
        prefix = self._prefixes.get(hour)
        if prefix is None:
            prefix = self._prefixes[hour] = self.when(hour * HOUR).strftime("%Y-%m-%d %H:")
        return prefix + _MMSS[rest // US] + _MS[rest % US // 1000]

    def when(self, t: int) -> datetime:
        """T as a datetime."""
        return self.world.start + timedelta(microseconds=t)

    def computer_sid(self, name: str) -> str:
        """The SID of computer account NAME$ (RIDs from 1000 in the order hosts joined)."""
        return self._computer_sids[name]

    def epoch(self, t: int) -> Epoch:
        """The boot epoch T falls in."""
        return next((epoch for epoch in self.epochs if t < epoch.end), self.epochs[-1])

    def alive(self, key: str, t: int) -> Proc | None:
        """The process KEY running at T, if one is."""
        lives = self.lives.get(key)
        if not lives:
            return None
        life = lives[bisect.bisect_right(lives, t, key=_START) - 1]
        return life.proc if life.start <= t < life.end else None

    def resident(self, key: str, t: int) -> Proc:
        """The process KEY at T, which must be running then (services.exe, w3wp.exe, ...)."""
        proc = self.alive(key, t)
        if proc is None:
            raise LookupError(f"{self.host.name} runs no {key} at {self.when(t)}")
        return proc

    def session(self, key: str, t: int) -> Session:
        """Session KEY ("system", "network", "local", "farm", "user", "admin") at T."""
        return self.sessions[self.epoch(t).number][key]

    def account_session(self, account: str, t: int, logon_id: int, integrity: str) -> Session:
        """The session of domain ACCOUNT logged on at T with LOGON_ID."""
        label, elevation = _INTEGRITY[integrity]
        level = "High" if integrity == "Elevated" else integrity
        guid = self.logon_guid(t, logon_id)
        sid = self.world.sid(account)
        return Session(f"NWT\\{account}", account, "NWT", sid, hex(logon_id), guid, "0", level,
                       label, elevation)  # fmt: skip

    def _sessions(self, epoch: Epoch) -> dict[str, Session]:
        sessions = {}
        label, elevation = _INTEGRITY["System"]
        for key, account, sid, logon_id in _WELL_KNOWN:
            name, domain = (
                (f"{self.host.name}$", "NWT") if key == "system" else (account, "NT AUTHORITY")
            )
            guid = self.logon_guid(epoch.boot, logon_id)
            sessions[key] = Session(f"NT AUTHORITY\\{account}", name, domain, sid, hex(logon_id),
                                    guid, "0", "System", label, elevation)  # fmt: skip
        farm = 0x40000 + self.rng.randrange(0x20000)
        sessions["farm"] = self.account_session(
            "svc_sharepoint", epoch.boot + 20 * US, farm, "High"
        )
        if self.host.users:
            user, limited = self.host.users[0], 0x200000 + self.rng.randrange(0x100000)
            medium = self.account_session(user, epoch.logon, limited, "Medium")
            elevated = self.account_session(user, epoch.logon, limited - 2, "Elevated")
            sessions["user"], sessions["admin"] = (
                medium._replace(terminal="1"),
                elevated._replace(terminal="1"),
            )
        return sessions

    def _add(self, key: str, start: int, end: int, proc: Proc, seen: bool) -> None:
        self.lives.setdefault(key, []).append(Life(start, end, proc))
        self._pids.add(proc.pid)
        if not seen:
            self.unseen.append(proc)

    def _proc(
        self, start: int, image: str, cmd: str, account: str, parent: Proc | None, pid: int
    ) -> Proc:
        seq = sum(map(len, self.lives.values()))
        session = self.sessions[self.epoch(start).number][account]
        guid = self.guid(start, TAG_LIFE, seq)
        return Proc(
            guid, pid, image, cmd, "C:\\Windows\\system32\\", session, self.binary(image), parent
        )

    def _boot(self, epoch: Epoch) -> None:
        """The processes that run from EPOCH's boot (and the user's logon) to its end."""
        system = self._proc(epoch.boot, "System", "", "system", None, 4)
        self._add("system", epoch.boot, epoch.end, system, seen=False)
        pid = 300 + 4 * self.rng.randrange(20)
        for key, parent, image, cmd, account, delay in (*CORE, *ROLE_RESIDENTS[self.host.role]):
            start = (epoch.logon if account == "user" else epoch.boot) + delay * US
            start += self.rng.randrange(US)
            pid += 4 * self.rng.randrange(1, 40)
            father = self.alive(parent, start)
            proc = self._proc(start, image, cmd, account, father, pid)
            end = start + 3 * US if key == "userinit" else epoch.end
            seen = epoch.number > 0 and (account == "user" or delay > SYSMON_AT)
            self._add(key, start, end, proc, seen)

    def _later(self, key: str, start: int, end: int, image: str, cmd: str) -> None:
        """A long-lived process started after the boot: a w3wp.exe recycle, Outlook."""
        pid = 2000 + 4 * self.rng.randrange(3500)
        while pid in self._pids:
            pid += 4
        account = "farm" if key == "w3wp" else "user"
        parent = self.alive(LIFE_PARENTS[key], start)
        self._add(key, start, end, self._proc(start, image, cmd, account, parent, pid), start >= 0)

    def _recycles(self) -> None:
        """The SharePoint app pool's w3wp.exe: recycled nightly, started again after a boot."""
        starts = {epoch.boot + 95 * US for epoch in self.epochs}
        starts.update(t for t in recycles(self.world, self.rng) if self.alive("iissvcs", t))
        ordered = sorted(starts)
        for start, nxt in zip(ordered, [*ordered[1:], self.epochs[-1].end], strict=True):
            end = min(nxt + 4 * US + self.rng.randrange(2 * US), self.epoch(start).end)
            pipe = f"{self.rng.getrandbits(128):032x}"
            pipe = f"{pipe[:8]}-{pipe[8:12]}-{pipe[12:16]}-{pipe[16:20]}-{pipe[20:]}"
            self._later("w3wp", start, end, W3WP, W3WP_CMD.format(pipe=pipe))

    def _desktop(self) -> None:
        """The user's desktop applications, open from the morning to the evening of workdays."""
        for morning, evening in office_days(self.world, self.rng):
            if self.alive("explorer", morning) and self.alive("explorer", evening):
                for n, (key, image, cmd) in enumerate(DAILY_APPS):
                    start = morning + (n * 40 + self.rng.randrange(30)) * US
                    self._later(key, start, evening - n * 7 * US, image, cmd)


# --- the network, the shares, the admins' sessions --------------------------------------------

# Name, CNAMEs..., address: what Sysmon 22 reports as QueryResults and Sysmon 3 connects to.
_DNS_TABLE = """
fe3cr.delivery.mp.microsoft.com glb.cws.prod.dcat.dsp.trafficmanager.net 52.167.249.196
slscr.update.microsoft.com glb.sls.prod.dcat.dsp.trafficmanager.net 20.12.23.50
definitionupdates.microsoft.com definitionupdates.microsoft.com.edgesuite.net 23.48.165.99
wdcp.microsoft.com wdcp.microsoft.akadns.net 20.42.73.26
go.microsoft.com go.microsoft.com.edgekey.net e11290.dspg.akamaiedge.net 23.35.229.160
v10.events.data.microsoft.com global.asimov.events.data.trafficmanager.net 20.42.65.92
settings-win.data.microsoft.com atm-settingsfe-prod-geo2.trafficmanager.net 51.104.15.252
ctldl.windowsupdate.com wu-b-net.trafficmanager.net 93.184.221.240
www.bing.com www-www.bing.com.trafficmanager.net e86303.dscx.akamaiedge.net 23.45.229.160
login.microsoftonline.com login.mso.msidentity.com 20.190.159.2
outlook.office365.com ooc-g2.tm-4.office.com outlook.ms-acdc.office.com 52.98.151.66
teams.microsoft.com teams-office-com.s-0005.dc-msedge.net s-0005.dc-msedge.net 52.113.194.132
graph.microsoft.com ags.privatelink.msidentity.com 20.190.159.71
nav.smartscreen.microsoft.com wd-prod-ss.trafficmanager.net 20.223.35.26
ecs.office.com ecs.office.trafficmanager.net s-0005.s-msedge.net 52.113.194.133
www.heise.de 193.99.144.85
learn.microsoft.com learn.microsoft.com.edgekey.net e13636.dscb.akamaiedge.net 23.57.245.20
"""


def _answers() -> dict[str, tuple[str, str]]:
    answers = {}
    for line in _DNS_TABLE.strip().splitlines():
        name, *cnames, ip = line.split()
        answers[name] = ("".join(f"type:  5 {cname};" for cname in cnames) + f"::ffff:{ip};", ip)
    return answers


#: Name -> (Sysmon 22's QueryResults, the address connected to).
DNS = _answers()


SHARE_FOLDERS = ("Finance\\2025\\Q3", "Sales\\Angebote", "HR\\Vertraege", "Network\\Planning",
           "Projects\\Fiber-Rollout", "Customers\\Contracts")  # fmt: skip
_NAMES = ("Forecast_{n}.xlsx", "Angebot_{n}.docx", "Rahmenvertrag_{n}.pdf", "Netzplan_{n}.vsdx",
          "Status_{n}.pptx", "Kundenliste_{n}.xlsx")  # fmt: skip


def file_name(r: int) -> str:
    """A document's name as users name them; different for the R of one folder's files."""
    return _NAMES[r % len(_NAMES)].format(n=1000 + r // len(_NAMES) % 9000)


def document(r: int) -> str:
    """A path under the file share's root."""
    return f"{SHARE_FOLDERS[r % len(SHARE_FOLDERS)]}\\{file_name(r >> 3)}"


def rdp_sessions(world: World, day: int) -> list[tuple[int, int, Host, Host, str]]:
    """(start, end, workstation, server, user) of the day's Remote Desktop sessions."""
    rng = world.rng("win", "rdp", day)
    servers = [host for host in world.hosts if host.role != "workstation"]
    sessions = []
    for client in world.by_role("workstation"):
        rate = 1.5 * world.scale
        for _ in range(int(rate) + (rng.random() < rate % 1)):
            start = local(world, day, 10, 0) + rng.randrange(5 * HOUR)
            end, server = start + rng.randrange(10 * MINUTE, 70 * MINUTE), rng.choice(servers)
            if workday(world, day):
                sessions.append((start, end, client, server, client.users[0]))
    return sessions
