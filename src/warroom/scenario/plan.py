"""The provider, its network and the attack plan of the `colt` scenario, fixed by the seed.

The provider is fictional (Northwind Telecom, `.example` names); the attacker's addresses,
domains, file names and hashes are the published ToolShell/Storm-2603 indicators of
../shared/reference/attack_chain.md, so that hunting the scenario with public indicator lists
works as it would have on the real evidence. The window ends on 12 August 2025, the day the
real provider's services went down. The exploitation comes on 10 August, 16:06 UTC, and
every later step follows within 37 hours, ending with the ransomware in the early hours of
12 August, as in the real case; the days before hold the internet's scanning. Any window of
three days or more holds the whole attack.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.scenario.model import Host, Step, World

__all__ = ["MIN_DAYS", "MIN_HOSTS", "build_world"]

MIN_DAYS = 3
MIN_HOSTS = 6
WINDOW_END = datetime(2025, 8, 13, tzinfo=UTC)

SPINSTALL_SHA256 = "92bb4ddb98eeaf11fc15bb32e71d0a63256a0ed826a03ba293ce3a8bf057a514"
ATTACKER_IPS = ("107.191.58.76", "104.238.159.149", "96.9.125.147", "65.38.121.198")
SCANNER_IPS = (
    "131.226.2.6",
    "134.199.202.205",
    "188.130.206.168",
    "45.155.205.233",
    "162.216.150.12",
    "198.235.24.41",
    "35.203.210.97",
    "147.185.132.88",
)
C2_DOMAINS = ("update.updatemicfosoft.com", "c34718cbb4c6.ngrok-free.app")
EXFIL_HOST = "gateway.us1.storjshare.io"
EXFIL_IP = "136.0.77.2"

_FIRST = [
    "anna",
    "ben",
    "clara",
    "david",
    "eva",
    "felix",
    "greta",
    "hannah",
    "ivan",
    "jonas",
    "karin",
    "lukas",
    "marie",
    "nils",
]
_LAST = [
    "becker",
    "fischer",
    "hoffmann",
    "klein",
    "koch",
    "meyer",
    "mueller",
    "richter",
    "schmidt",
    "schulz",
    "wagner",
]


def build_world(seed: int = 1, days: int = 7, hosts: int = 8) -> World:
    """The scenario's world for SEED over the DAYS before 13 Aug 2025, with HOSTS machines."""
    if days < MIN_DAYS:
        raise ValueError(f"--days must be at least {MIN_DAYS} to hold the attack, not {days}")
    if hosts < MIN_HOSTS:
        raise ValueError(f"--hosts must be at least {MIN_HOSTS}, not {hosts}")
    start = WINDOW_END - timedelta(days=days)
    world = World(
        seed=seed,
        start=start,
        days=days,
        org="Northwind Telecom",
        domain="NWT",
        dns_domain="corp.nwtelecom.example",
        web_host="sharepoint.nwtelecom.example",
        hosts=(),
        users=(),
        attacker_ips=ATTACKER_IPS,
        scanner_ips=SCANNER_IPS,
        c2_domains=C2_DOMAINS,
        exfil_host=EXFIL_HOST,
        exfil_ip=EXFIL_IP,
    )
    rng = world.rng("plan")
    users = sorted({f"{rng.choice(_FIRST)}.{rng.choice(_LAST)}" for _ in range(40)})[:30]
    world.users = tuple(users)
    world.hosts = _hosts(hosts, users)
    domain_sid = f"S-1-5-21-{rng.randrange(10**9, 4 * 10**9)}-{rng.randrange(10**9, 4 * 10**9)}"
    domain_sid += f"-{rng.randrange(10**9, 4 * 10**9)}"
    world.sids = {
        "SYSTEM": "S-1-5-18",
        "LOCAL SERVICE": "S-1-5-19",
        "NETWORK SERVICE": "S-1-5-20",
        "Administrator": f"{domain_sid}-500",
        "svc_sharepoint": f"{domain_sid}-1105",
        "svc_backup": f"{domain_sid}-1106",
        **{user: f"{domain_sid}-{1200 + n}" for n, user in enumerate(users)},
    }
    world.steps = _steps(world)
    return world


def _hosts(count: int, users: list[str]) -> tuple[Host, ...]:
    fixed = [
        Host("SP-FE01", "10.20.1.11", "sharepoint", public_ip="203.0.113.11"),
        Host("SP-FE02", "10.20.1.12", "sharepoint", public_ip="203.0.113.12"),
        Host("DC01", "10.20.0.10", "dc"),
        Host("FS01", "10.20.2.21", "file"),
    ]
    # Two workstations for every further file server.
    rest: list[Host] = []
    workstations, servers = 0, 1
    for n in range(count - len(fixed)):
        if n % 3 == 2:
            servers += 1
            rest.append(Host(f"FS{servers:02d}", f"10.20.2.{20 + servers}", "file"))
        else:
            workstations += 1
            user = users[(workstations * 7) % len(users)]
            name = f"WS-ADM{workstations:02d}"
            rest.append(Host(name, f"10.20.10.{100 + workstations}", "workstation", users=(user,)))
    return tuple(fixed + rest)


def _steps(world: World) -> tuple[Step, ...]:
    day = world.end - timedelta(days=MIN_DAYS)
    exploit = day + timedelta(hours=16, minutes=6, seconds=12)
    wave1, wave2, c2 = ATTACKER_IPS[0], ATTACKER_IPS[1], ATTACKER_IPS[3]
    sp, fs, dc = "SP-FE01", "FS01", "DC01"

    def at(offset: timedelta) -> datetime:
        return exploit + offset

    h, m, s = timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1)
    return (
        Step("scan", "Internet-wide scanning for SharePoint ToolPane.aspx", world.start + 2 * h,
             sp, "T1595.002", tuple(("ipv4-addr", ip) for ip in SCANNER_IPS)),
        Step("exploit", "ToolShell exploit: POST to ToolPane.aspx with the SignOut.aspx referer",
             exploit, sp, "T1190", (("ipv4-addr", wave1),)),
        Step("webshell", "w3wp.exe writes the spinstall0.aspx web shell into LAYOUTS",
             at(2 * s), sp, "T1505.003",
             (("file:name", "spinstall0.aspx"), ("file:hashes.'SHA-256'", SPINSTALL_SHA256))),
        Step("key_theft", "GET spinstall0.aspx returns the ASP.NET MachineKey", at(4 * s), sp,
             "T1552", (("ipv4-addr", wave1),)),
        Step("exploit_bypass", "Second wave: the trailing-slash ToolPane.aspx/ bypass",
             at(13 * h + 22 * m), sp, "T1190", (("ipv4-addr", wave2),)),
        Step("encoded_powershell", "w3wp.exe spawns cmd.exe and powershell.exe -EncodedCommand",
             at(14 * h), sp, "T1059.001", (("domain-name", C2_DOMAINS[1]),)),
        Step("discovery", "whoami, nltest and net group from the web server", at(14 * h + 5 * m),
             sp, "T1033"),
        Step("lsass", "LSASS memory dumped with comsvcs.dll MiniDump", at(20 * h), sp,
             "T1003.001"),
        Step("sam_save", "SAM and SYSTEM hives saved with reg save", at(20 * h + 3 * m), sp,
             "T1003.002"),
        Step("psexec", "PsExec service installed on the file server from the web server",
             at(22 * h), fs, "T1569.002"),
        Step("wmi", "Impacket wmiexec on the domain controller", at(22 * h + 40 * m), dc,
             "T1047"),
        Step("c2", "Beacon to the Storm-2603 command-and-control domain", at(23 * h), sp,
             "T1071.001", (("domain-name", C2_DOMAINS[0]), ("ipv4-addr", c2))),
        Step("defender_off", "Microsoft Defender disabled through the registry", at(26 * h), fs,
             "T1562.001"),
        Step("persistence", "Scheduled task created for persistence", at(26 * h + 10 * m), fs,
             "T1053.005"),
        Step("exfil", "Renamed rclone copies about a million documents to cloud storage",
             at(28 * h), fs, "T1567.002",
             (("domain-name", EXFIL_HOST), ("ipv4-addr", EXFIL_IP))),
        Step("gpo", "Group Policy changed on the domain controller to push the ransomware",
             at(36 * h), dc, "T1484.001"),
        Step("shadow_delete", "Volume shadow copies deleted", at(36 * h + 20 * m), fs, "T1490"),
        Step("encrypt", "Files encrypted and renamed to .x2anylock en masse",
             at(36 * h + 25 * m), fs, "T1486", (("file:name", "How to decrypt my data.txt"),)),
    )  # fmt: skip
