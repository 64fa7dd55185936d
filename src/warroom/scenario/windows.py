"""Windows event logs of the scenario: Security, Sysmon and System, one file of each per host.

`evtx_files(world)` yields, for every host, its three channels as lazy streams of `WinEvent`s in
time order: the routine activity of `windows_benign` merged with the attack of `windows_attack`,
both about the hosts of `windows_host`. This module writes the events: the generators never
write fields themselves; they tell the `Emitter` "this process started", "this account logged
on", and it writes the events each log of the real system would hold, with the field names and
order of the providers' manifests (`SYSMON_FIELDS`, `SECURITY_FIELDS`) and their System values
(version, task, keywords, the writing process: lsass.exe for Security, Sysmon64.exe for Sysmon,
services.exe for the Service Control Manager).

Cross-source consistency comes from generating every channel from the same decisions: a stream
re-runs its host's activity hour by hour from the same seeds and the emitter writes its channel
only, so the cmd.exe Sysmon shows is the 4688 Security shows, with the same PID, time and
command line, and a service start is a 7036, a type 5 logon and a process alike.

Speed: times stay integers (microseconds since the window start) until an event is written;
UtcTime strings come from per-hour prefixes and lookup tables, not strftime; EventData is the
manifest's names zipped with the values. About 2 microseconds of an event's cost is building the
`WinEvent` itself.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import timedelta
from operator import attrgetter

from warroom.scenario.model import WinEvent, World
from warroom.scenario.windows_attack import attack_events
from warroom.scenario.windows_benign import benign_events
from warroom.scenario.windows_host import (
    REMOTE,
    S32,
    SECURITY,
    SERVICE,
    SYSMON,
    SYSTEM,
    Account,
    Logon,
    Machine,
    Proc,
    Session,
)

__all__ = ["SECURITY_FIELDS", "SYSMON_FIELDS", "Emitter", "evtx_files", "long_running"]

_FILES = (
    (SECURITY, "Security.evtx"),
    (SYSMON, "Microsoft-Windows-Sysmon%4Operational.evtx"),
    (SYSTEM, "System.evtx"),
)
_TIME = attrgetter("time")


def evtx_files(world: World) -> Iterator[tuple[str, Iterator[WinEvent]]]:
    """Per host, (relative path, lazy time-ordered events) for Security, Sysmon and System."""
    for host in world.hosts:
        machine = Machine(world, host)
        for channel, name in _FILES:
            yield f"evtx/{host.name}/{name}", _stream(machine, channel)


def _stream(machine: Machine, channel: str) -> Iterator[WinEvent]:
    attack = attack_events(machine, Emitter(machine, channel))
    benign = benign_events(machine, Emitter(machine, channel))
    start, end = machine.world.start, machine.world.end
    for event in heapq.merge(benign, attack, key=_TIME):
        if event.time >= end:
            return
        if event.time >= start:
            yield event


def long_running(world: World, host: str) -> list[Proc]:
    """The processes of HOST whose start no Sysmon event in the window shows.

    Those started before the window, and those a reboot in the window starts before Sysmon64
    does (smss.exe, services.exe, lsass.exe, ...): the only parents a process-create may name
    without a process-create of its own earlier in the file.
    """
    return Machine(world, world.host(host)).unseen


# --- events ------------------------------------------------------------------------------------

_SECURITY_PROVIDER = "Microsoft-Windows-Security-Auditing", "{54849625-5478-4994-A5BA-3E3B0328C30D}"
_SYSMON_PROVIDER = "Microsoft-Windows-Sysmon", "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"
_SCM_PROVIDER = "Service Control Manager", "{555908d1-a6d7-4695-8e1e-26931d2012f4}"
_USER32_PROVIDER = "User32", "{b0aa8734-56f7-41cc-b2f4-de228e98b946}"
_SUCCESS, _FAILURE = "0x8020000000000000", "0x8010000000000000"
# Sysmon writes a record about 2 ms after the UtcTime it reports, in the order things happened.
_SYSMON_LAG = 1800
_SYSMON_KEYWORDS, _CLASSIC_KEYWORDS = "0x8000000000000000", "0x8080000000000000"

# EventData names in manifest order. Sysmon 15: event id -> (version, names); its Task is the id.
_SUBJECT = ("SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId")
_TARGET = ("TargetUserSid", "TargetUserName", "TargetDomainName", "TargetLogonId")
_PROCESS = ("RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image")
SYSMON_FIELDS: dict[int, tuple[int, tuple[str, ...]]] = {
    1: (5, (*_PROCESS, "FileVersion", "Description", "Product", "Company", "OriginalFileName",
            "CommandLine", "CurrentDirectory", "User", "LogonGuid", "LogonId", "TerminalSessionId",
            "IntegrityLevel", "Hashes", "ParentProcessGuid", "ParentProcessId", "ParentImage",
            "ParentCommandLine", "ParentUser")),
    3: (5, (*_PROCESS, "User", "Protocol", "Initiated", "SourceIsIpv6", "SourceIp",
            "SourceHostname", "SourcePort", "SourcePortName", "DestinationIsIpv6", "DestinationIp",
            "DestinationHostname", "DestinationPort", "DestinationPortName")),
    5: (3, (*_PROCESS, "User")),
    7: (3, (*_PROCESS, "ImageLoaded", "FileVersion", "Description", "Product", "Company",
            "OriginalFileName", "Hashes", "Signed", "Signature", "SignatureStatus", "User")),
    10: (3, ("RuleName", "UtcTime", "SourceProcessGUID", "SourceProcessId", "SourceThreadId",
             "SourceImage", "TargetProcessGUID", "TargetProcessId", "TargetImage", "GrantedAccess",
             "CallTrace", "SourceUser", "TargetUser")),
    11: (2, (*_PROCESS, "TargetFilename", "CreationUtcTime", "User")),
    12: (2, ("RuleName", "EventType", *_PROCESS[1:], "TargetObject", "User")),
    13: (2, ("RuleName", "EventType", *_PROCESS[1:], "TargetObject", "Details", "User")),
    22: (5, (*_PROCESS[:4], "QueryName", "QueryStatus", "QueryResults", "Image", "User")),
}  # fmt: skip
# Security as Windows Server 2019 writes it: event id -> (version, task, names).
SECURITY_FIELDS: dict[int, tuple[int, int, tuple[str, ...]]] = {
    4624: (2, 12544, (*_SUBJECT, *_TARGET, "LogonType", "LogonProcessName",
                      "AuthenticationPackageName", "WorkstationName", "LogonGuid",
                      "TransmittedServices", "LmPackageName", "KeyLength", "ProcessId",
                      "ProcessName", "IpAddress", "IpPort", "ImpersonationLevel",
                      "RestrictedAdminMode", "TargetOutboundUserName", "TargetOutboundDomainName",
                      "VirtualAccount", "TargetLinkedLogonId", "ElevatedToken")),
    4625: (0, 12544, (*_SUBJECT, "TargetUserSid", "TargetUserName", "TargetDomainName", "Status",
                      "FailureReason", "SubStatus", "LogonType", "LogonProcessName",
                      "AuthenticationPackageName", "WorkstationName", "TransmittedServices",
                      "LmPackageName", "KeyLength", "ProcessId", "ProcessName", "IpAddress",
                      "IpPort")),
    4634: (0, 12545, (*_TARGET, "LogonType")),
    4672: (0, 12548, (*_SUBJECT, "PrivilegeList")),
    4688: (2, 13312, (*_SUBJECT, "NewProcessId", "NewProcessName", "TokenElevationType",
                      "ProcessId", "CommandLine", *_TARGET, "ParentProcessName",
                      "MandatoryLabel")),
    4663: (1, 12800, (*_SUBJECT, "ObjectServer", "ObjectType", "ObjectName", "HandleId",
                      "AccessList", "AccessMask", "ProcessId", "ProcessName",
                      "ResourceAttributes")),
    4698: (0, 12804, (*_SUBJECT, "TaskName", "TaskContent")),
    4768: (0, 14339, ("TargetUserName", "TargetDomainName", "TargetSid", "ServiceName",
                      "ServiceSid", "TicketOptions", "Status", "TicketEncryptionType",
                      "PreAuthType", "IpAddress", "IpPort", "CertIssuerName", "CertSerialNumber",
                      "CertThumbprint")),
    4769: (0, 14337, ("TargetUserName", "TargetDomainName", "ServiceName", "ServiceSid",
                      "TicketOptions", "TicketEncryptionType", "IpAddress", "IpPort", "Status",
                      "LogonGuid", "TransmittedServices")),
    4776: (0, 14336, ("PackageName", "TargetUserName", "Workstation", "Status")),
    5136: (0, 14081, ("OpCorrelationID", "AppCorrelationID", *_SUBJECT, "DSName", "DSType",
                      "ObjectDN", "ObjectGUID", "ObjectClass", "AttributeLDAPDisplayName",
                      "AttributeSyntaxOID", "AttributeValue", "OperationType")),
    5140: (1, 12808, (*_SUBJECT, "ObjectType", "IpAddress", "IpPort", "ShareName",
                      "ShareLocalPath", "AccessMask", "AccessList")),
    5145: (0, 12811, (*_SUBJECT, "ObjectType", "IpAddress", "IpPort", "ShareName",
                      "ShareLocalPath", "RelativeTargetName", "AccessMask", "AccessList",
                      "AccessReason")),
}  # fmt: skip
NULL_SUBJECT = ("S-1-0-0", "-", "-", "0x0")
ZERO_GUID = "{00000000-0000-0000-0000-000000000000}"
_SYSTEM_PRIVILEGES = (
    "SeAssignPrimaryTokenPrivilege SeTcbPrivilege SeSecurityPrivilege SeTakeOwnershipPrivilege"
    " SeLoadDriverPrivilege SeBackupPrivilege SeRestorePrivilege SeDebugPrivilege"
    " SeAuditPrivilege SeSystemEnvironmentPrivilege SeImpersonatePrivilege"
    " SeDelegateSessionUserImpersonatePrivilege"
)
_ADMIN_PRIVILEGES = (
    "SeSecurityPrivilege SeBackupPrivilege SeRestorePrivilege SeTakeOwnershipPrivilege"
    " SeDebugPrivilege SeSystemEnvironmentPrivilege SeLoadDriverPrivilege"
    " SeImpersonatePrivilege SeDelegateSessionUserImpersonatePrivilege"
)
# 4672 lists one privilege a line, indented as the event's message template indents it.
SYSTEM_PRIVILEGES = "\r\n\t\t\t".join(_SYSTEM_PRIVILEGES.split())
ADMIN_PRIVILEGES = "\r\n\t\t\t".join(_ADMIN_PRIVILEGES.split())


class Emitter:
    """Writes the events of one channel of one machine into `out`, skipping other channels.

    Every method is called whatever the channel, so that the processes an activity starts are
    the same in every channel's pass; only this channel's events are written. `tag`/`seq`
    number the processes (see Machine.guid); `step` tags attack events.
    """

    def __init__(self, machine: Machine, channel: str) -> None:
        self.m = machine
        self.channel = channel
        self.sysmon, self.security, self.system = (channel == c for c in (SYSMON, SECURITY, SYSTEM))
        self.out: list[WinEvent] = []
        self.tag = self.seq = self.hour = 0
        self.step: str | None = None
        self._start = machine.world.start
        self._computer = machine.computer
        self._writers: dict[str, tuple[int, int, int]] = {}  # key -> (from, to, PID)

    def _writer(self, key: str, t: int, default: int) -> int:
        """The PID of the process that writes this log at T (lsass.exe, Sysmon64.exe,
        services.exe): it changes only with a boot, so it is looked up once per boot."""
        low, high, pid = self._writers.get(key, (0, -1, default))
        if low <= t < high:
            return pid
        proc = self.m.alive(key, t)
        if proc is None:
            return default
        epoch = self.m.epoch(t)
        self._writers[key] = (epoch.boot, epoch.end, proc.pid)
        return proc.pid

    def begin(self, tag: int, hour: int) -> None:
        """Number the processes of activity TAG in HOUR from 0."""
        self.tag, self.seq, self.hour = tag, 0, hour

    def _write(
        self, t: int, provider: tuple[str, str], event_id: int, data: tuple[tuple[str, str], ...],
        header: tuple[int, int, int, str, int, int, str | None, int | None, str | None],
    ) -> None:  # fmt: skip
        version, level, task, keywords, pid, thread, sid, qualifiers, source = header
        when = self._start + timedelta(microseconds=t)
        # Positional, in WinEvent's field order: a third cheaper than keywords, per event.
        self.out.append(WinEvent(
            when, self._computer, self.channel, provider[0], provider[1], event_id, data, version,
            level, task, 0, keywords, pid, thread, sid, qualifiers, source, self.step,
        ))  # fmt: skip

    # Sysmon ------------------------------------------------------------------------------------

    def sysmon_event(self, t: int, event_id: int, values: tuple[str, ...]) -> None:
        """A Sysmon event from VALUES in manifest order, written a few ms after T."""
        if not self.sysmon:
            return
        version, names = SYSMON_FIELDS[event_id]
        pid = self._writer("sysmon", t, 3000)
        thread = pid + 1012 + 4 * (t % 3)
        header = (version, 4, event_id, _SYSMON_KEYWORDS, pid, thread, "S-1-5-18", None, None)
        data = tuple(zip(names, values, strict=True))
        self._write(t + _SYSMON_LAG, _SYSMON_PROVIDER, event_id, data, header)

    def spawn(
        self, t: int, parent: Proc, image: str, cmd: str, session: Session | None = None,
        cwd: str = "C:\\Windows\\system32\\",
    ) -> Proc:  # fmt: skip
        """PARENT starts IMAGE with command line CMD at T: Sysmon 1 and Security 4688."""
        seq, m = self.seq, self.m
        self.seq = seq + 1
        guid, pid = m.guid(t, self.tag, seq), m.pid(self.hour, self.tag, seq)
        proc = Proc(guid, pid, image, cmd, cwd, session or parent.session, m.binary(image), parent)
        self.created(t, proc)
        return proc

    def created(self, t: int, p: Proc) -> None:
        """Sysmon 1 and Security 4688 for P (a spawned process or a resident starting)."""
        pp = p.parent
        if pp is None or not (self.sysmon or self.security):
            return
        s, ps = p.session, pp.session
        if self.sysmon:
            values = (
                "-", self.m.utc(t), p.guid, str(p.pid), p.image, *p.binary.version, p.cmd, p.cwd,
                s.user, s.logon_guid, s.logon_id, s.terminal, s.integrity, p.binary.hashes,
                pp.guid, str(pp.pid), pp.image, pp.cmd, ps.user,
            )  # fmt: skip
            self.sysmon_event(t, 1, values)
            return
        same = s.logon_id == ps.logon_id and s.sid == ps.sid
        target = NULL_SUBJECT if same else (s.sid, s.name, s.domain, s.logon_id)
        audit = (
            ps.sid, ps.name, ps.domain, ps.logon_id, hex(p.pid), p.image, s.elevation,
            hex(pp.pid), p.cmd, *target, pp.image, s.label,
        )  # fmt: skip
        self.audit(t + 400, 4688, audit)

    def _who(self, t: int, p: Proc) -> tuple[str, str, str, str, str]:
        return "-", self.m.utc(t), p.guid, str(p.pid), p.image

    def exit(self, t: int, p: Proc) -> None:
        """Sysmon 5: P ended (unless a restart ended it first: the GUID holds its boot)."""
        if self.sysmon and int(p.guid[-5:-3], 16) == self.m.boot_byte(t):
            self.sysmon_event(t, 5, (*self._who(t, p), p.session.user))

    def file(self, t: int, p: Proc, path: str) -> None:
        """Sysmon 11: P created PATH."""
        if self.sysmon:
            who = self._who(t, p)
            self.sysmon_event(t, 11, (*who, path, who[1], p.session.user))

    def registry(self, t: int, p: Proc, key: str, details: str | None = None) -> None:
        """Sysmon 13 (KEY's value set to DETAILS) or, without DETAILS, 12 (KEY created)."""
        if not self.sysmon:
            return
        who = self._who(t, p)[1:]
        if details is None:
            self.sysmon_event(t, 12, ("-", "CreateKey", *who, key, p.session.user))
        else:
            self.sysmon_event(t, 13, ("-", "SetValue", *who, key, details, p.session.user))

    def dns(self, t: int, p: Proc, name: str, results: str, status: str = "0") -> None:
        """Sysmon 22: P resolved NAME to RESULTS ("type:  5 cname;::ffff:1.2.3.4;")."""
        if self.sysmon:
            who = self._who(t, p)
            values = (*who[:4], name, status, results, p.image, p.session.user)
            self.sysmon_event(t, 22, values)

    def connect(self, t: int, p: Proc, ip: str, port: int, host: str = "-") -> None:
        """Sysmon 3: P opened a TCP connection to IP:PORT (HOST as Sysmon resolved it)."""
        if self.sysmon:
            src = str(49_152 + (t // 997) % 16_000)
            name = _PORT_NAMES.get(port, "-")
            values = (
                *self._who(t, p), p.session.user, "tcp", "true", "false", self.m.host.ip,
                self._computer, src, "-", "false", ip, host, str(port), name,
            )  # fmt: skip
            self.sysmon_event(t, 3, values)

    def access(self, t: int, source: Proc, target: Proc, granted: str, trace: str) -> None:
        """Sysmon 10: SOURCE opened TARGET with access mask GRANTED."""
        if self.sysmon:
            thread = str(source.pid + 4 + t % 400 * 4)
            values = (
                "-", self.m.utc(t), source.guid, str(source.pid), thread, source.image,
                target.guid, str(target.pid), target.image, granted, trace,
                source.session.user, target.session.user,
            )  # fmt: skip
            self.sysmon_event(t, 10, values)

    def image_load(self, t: int, p: Proc, dll: str) -> None:
        """Sysmon 7: P loaded DLL, signed by Microsoft."""
        if self.sysmon:
            b = self.m.binary(dll)
            signed = ("true", "Microsoft Windows", "Valid", p.session.user)
            self.sysmon_event(t, 7, (*self._who(t, p), dll, *b.version, b.hashes, *signed))

    # Security ----------------------------------------------------------------------------------

    def audit(self, t: int, event_id: int, values: tuple[str, ...], failure: bool = False) -> None:
        """A Security-Auditing event from VALUES in manifest order; lsass.exe writes it."""
        if not self.security:
            return
        version, task, names = SECURITY_FIELDS[event_id]
        pid = self._writer("lsass", t, 640)
        keywords = _FAILURE if failure else _SUCCESS
        header = (version, 0, task, keywords, pid, pid + 4 * (1 + t % 23), None, None, None)
        self._write(t, _SECURITY_PROVIDER, event_id, tuple(zip(names, values, strict=True)), header)

    def logon(
        self, t: int, how: Logon, who: Account, logon_id: int, *, ip: str = "-",
        port: str = "-", workstation: str = "-", elevated: bool = True, linked: int = 0,
        logon_guid: str = ZERO_GUID,
    ) -> None:  # fmt: skip
        """Security 4624: WHO logged on HOW with LOGON_ID."""
        if not self.security:
            return
        if how.logon_type == "3":
            subject, process = NULL_SUBJECT, ("0x0", "-")
        else:
            s = self.m.session("system", t)
            subject = (s.sid, s.name, s.domain, s.logon_id)
            image = "services" if how is SERVICE else "winlogon"
            owner = self.m.alive(image, t)
            process = (hex(owner.pid) if owner else "0x0", f"{S32}{image}.exe")
        values = (
            *subject, who.sid, who.name, who.domain, hex(logon_id), how.logon_type, how.process,
            how.package, workstation, logon_guid, "-", how.lm, how.key_length, *process, ip,
            port, "%%1833", "%%1843" if how is REMOTE else "-", "-", "-", "%%1843", hex(linked),
            "%%1842" if elevated else "%%1843",
        )  # fmt: skip
        self.audit(t, 4624, values)

    def special(self, t: int, who: Account, logon_id: int, admin: bool = False) -> None:
        """Security 4672: special privileges assigned to the new logon."""
        privileges = ADMIN_PRIVILEGES if admin else SYSTEM_PRIVILEGES
        self.audit(t, 4672, (who.sid, who.name, who.domain, hex(logon_id), privileges))

    def logoff(self, t: int, who: Account, logon_id: int, logon_type: str) -> None:
        """Security 4634."""
        self.audit(t, 4634, (who.sid, who.name, who.domain, hex(logon_id), logon_type))

    def interactive(self, t: int, how: Logon, who: Account, limited: int, guid: str) -> None:
        """An administrator's console logon or unlock: the elevated session with its 4672,
        then the limited one, each naming the other as linked."""
        elevated, host = limited - 2, self.m.host.name
        for n, (logon_id, other) in enumerate(((elevated, limited), (limited, elevated))):
            at = t + 200 * n
            self.logon(at, how, who, logon_id, ip="127.0.0.1", port="0", workstation=host,
                       elevated=n == 0, linked=other, logon_guid=guid)  # fmt: skip
        self.special(t + 100, who, elevated, admin=True)

    # System ------------------------------------------------------------------------------------

    def service_state(self, t: int, display: str, state: str) -> None:
        """System 7036: service DISPLAY entered STATE ("running", "stopped")."""
        if self.system:
            self._scm(t, 7036, (("param1", display), ("param2", state)), None)

    def start_type(self, t: int, display: str, old: str, new: str, name: str) -> None:
        """System 7040: the start type of service DISPLAY changed from OLD to NEW."""
        if self.system:
            names = ("param1", "param2", "param3", "param4")
            values = (display, old, new, name)
            self._scm(t, 7040, tuple(zip(names, values, strict=True)), "S-1-5-18")

    def service_install(self, t: int, values: tuple[str, str, str, str, str], sid: str) -> None:
        """System 7045: ServiceName, ImagePath, ServiceType, StartType, AccountName."""
        if self.system:
            names = ("ServiceName", "ImagePath", "ServiceType", "StartType", "AccountName")
            self._scm(t, 7045, tuple(zip(names, values, strict=True)), sid)

    def _scm(
        self, t: int, event_id: int, data: tuple[tuple[str, str], ...], sid: str | None
    ) -> None:
        pid = self._writer("services", t, 680)
        thread, source = pid + 4 * (2 + t % 11), _SCM_PROVIDER[0]
        header = (0, 4, 0, _CLASSIC_KEYWORDS, pid, thread, sid, 16384, source)
        self._write(t, _SCM_PROVIDER, event_id, data, header)

    def restart(self, t: int, process: Proc, reason: str, code: str) -> None:
        """System 1074 (User32): PROCESS initiated the restart of the computer."""
        if self.system:
            name = self.m.host.name
            values = (
                f"{process.image} ({name})",
                name,
                reason,
                code,
                "restart",
                "",
                "NT AUTHORITY\\SYSTEM",
            )
            data = tuple((f"param{n}", value) for n, value in enumerate(values, start=1))
            pid, source = process.pid, _USER32_PROVIDER[0]
            header = (0, 4, 0, _CLASSIC_KEYWORDS, pid, pid + 8, "S-1-5-18", 32768, source)
            self._write(t, _USER32_PROVIDER, 1074, data, header)


_PORT_NAMES = {443: "https", 80: "http", 389: "ldap", 445: "microsoft-ds", 3389: "ms-wbt-server"}
