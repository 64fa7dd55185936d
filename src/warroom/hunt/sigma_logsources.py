"""Which events a Sigma rule's `logsource` applies to: the explicit, tested mapping.

Windows event log channels map to Sigma services (`CHANNEL_SERVICES`); Sigma's Windows
categories map to a channel's service, the event IDs that carry them and, where the channel
names a field differently from Sysmon, the renames (`CATEGORIES`). Web server rules
(`category: webserver`) apply to every event whose source says it is a web server log.

A rule's log source resolves to a list of `Target`s; a rule with none is "not applicable"
to the evidence warroom reads (Linux auditd, cloud audit logs, ...), which is not an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from warroom.hunt.source import LogSource

#: Windows event log channel (lower case) -> Sigma service name.
CHANNEL_SERVICES: dict[str, str] = {
    "security": "security",
    "system": "system",
    "application": "application",
    "microsoft-windows-sysmon/operational": "sysmon",
    "microsoft-windows-powershell/operational": "powershell",
    "powershellcore/operational": "powershell",
    "windows powershell": "powershell-classic",
    "microsoft-windows-taskscheduler/operational": "taskscheduler",
    "microsoft-windows-wmi-activity/operational": "wmi",
    "microsoft-windows-windows defender/operational": "windefend",
    "microsoft-windows-windows firewall with advanced security/firewall": "firewall-as",
    "microsoft-windows-dns-client/operational": "dns-client",
    "dns server": "dns-server",
    "microsoft-windows-dns-server/audit": "dns-server-audit",
    "microsoft-windows-bits-client/operational": "bits-client",
    "microsoft-windows-codeintegrity/operational": "codeintegrity-operational",
    "microsoft-windows-applocker/exe and dll": "applocker",
    "microsoft-windows-applocker/msi and script": "applocker",
    "microsoft-windows-applocker/packaged app-deployment": "applocker",
    "microsoft-windows-applocker/packaged app-execution": "applocker",
    "microsoft-windows-ntlm/operational": "ntlm",
    "microsoft-windows-terminalservices-localsessionmanager/operational": (
        "terminalservices-localsessionmanager"
    ),
    "microsoft-windows-terminalservices-remoteconnectionmanager/operational": (
        "terminalservices-remoteconnectionmanager"
    ),
    "microsoft-windows-smbclient/security": "smbclient-security",
    "microsoft-windows-smbclient/connectivity": "smbclient-connectivity",
    "microsoft-windows-ldap-client/debug": "ldap",
    "microsoft-windows-driverframeworks-usermode/operational": "driver-framework",
    "microsoft-windows-printservice/admin": "printservice-admin",
    "microsoft-windows-printservice/operational": "printservice-operational",
    "microsoft-windows-diagnosis-scripted/operational": "diagnosis-scripted",
    "microsoft-windows-shell-core/operational": "shell-core",
    "microsoft-windows-openssh/operational": "openssh",
    "openssh/operational": "openssh",
    "microsoft-windows-capi2/operational": "capi2",
    "microsoft-windows-certificateservicesclient-lifecycle-system/operational": (
        "certificateservicesclient-lifecycle-system"
    ),
    "microsoft-windows-appxdeployment-server/operational": "appxdeployment-server",
    "microsoft-windows-appxpackaging/operational": "appxpackaging-om",
    "microsoft-windows-appmodel-runtime/admin": "appmodel-runtime",
    "microsoft-windows-bitlocker/bitlocker management": "bitlocker",
    "microsoft-windows-security-mitigations/kernel mode": "security-mitigations",
    "microsoft-windows-security-mitigations/user mode": "security-mitigations",
    "microsoft-windows-kernel-shimengine/operational": "shim-engine",
    "microsoft-windows-hyper-v-worker-admin": "hyper-v-worker",
    "microsoft-windows-vhdmp/operational": "vhdmp",
    "microsoft-windows-lsa/operational": "lsa-server",
}


def channel_service(channel: str) -> str:
    """The Sigma service of a Windows event log CHANNEL (the channel itself when unknown)."""
    return CHANNEL_SERVICES.get(channel.lower(), channel.lower())


@dataclass(frozen=True, slots=True)
class Target:
    """Events a rule applies to: a table of events, the IDs within it, field renames.

    `key` names the table of events (see `table_key`); `event_ids` empty means all events of
    the table; `renames` maps the rule's field names to the names the events carry.
    """

    key: str
    event_ids: tuple[int, ...] = ()
    renames: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.key, self.event_ids, tuple(sorted(self.renames.items()))))


def _sysmon(*event_ids: int) -> list[Target]:
    return [Target("windows/sysmon", event_ids)]


# Windows Security 4688 names process fields differently from Sysmon 1 (Sigma's windows-audit
# pipeline does the same renames).
_SECURITY_4688 = Target(
    "windows/security",
    (4688,),
    {
        "Image": "NewProcessName",
        "ParentImage": "ParentProcessName",
        "ProcessId": "NewProcessId",
        "ParentProcessId": "ProcessId",
        "User": "SubjectUserName",
        "LogonId": "SubjectLogonId",
        "IntegrityLevel": "MandatoryLabel",
    },
)

#: Sigma Windows category -> the events that carry it.
CATEGORIES: dict[str, list[Target]] = {
    "process_creation": [*_sysmon(1), _SECURITY_4688],
    "file_change": _sysmon(2),
    "network_connection": _sysmon(3),
    "sysmon_status": _sysmon(4, 16),
    "process_termination": _sysmon(5),
    "driver_load": _sysmon(6),
    "image_load": _sysmon(7),
    "create_remote_thread": _sysmon(8),
    "raw_access_thread": _sysmon(9),
    "process_access": _sysmon(10),
    "file_event": _sysmon(11),
    "registry_add": _sysmon(12),
    "registry_delete": _sysmon(12),
    "registry_set": _sysmon(13),
    "registry_rename": _sysmon(14),
    "registry_event": _sysmon(12, 13, 14),
    "create_stream_hash": _sysmon(15),
    "pipe_created": _sysmon(17, 18),
    "wmi_event": _sysmon(19, 20, 21),
    "dns_query": _sysmon(22),
    "file_delete": _sysmon(23, 26),
    "clipboard_capture": _sysmon(24),
    "process_tampering": _sysmon(25),
    "file_executable_detected": _sysmon(29),
    "sysmon_error": _sysmon(255),
    "ps_module": [Target("windows/powershell", (4103,))],
    "ps_script": [Target("windows/powershell", (4104,))],
    "ps_classic_start": [Target("windows/powershell-classic", (400,))],
    "ps_classic_provider_start": [Target("windows/powershell-classic", (600,))],
    "ps_classic_script": [Target("windows/powershell-classic", (800,))],
}

WEBSERVER = "webserver"


def table_key(logsource: LogSource) -> str:
    """The name of the table an event with LOGSOURCE goes to ("windows/sysmon", "webserver")."""
    if logsource.product == "windows":
        return f"windows/{logsource.service}"
    if logsource.category is not None:
        return logsource.category
    return f"{logsource.product}/{logsource.service}"


def targets(product: str | None, category: str | None, service: str | None) -> list[Target]:
    """The events a rule with this logsource applies to; empty when warroom has none."""
    if category == WEBSERVER:
        return [Target(WEBSERVER)]
    if product != "windows":
        if category in ("firewall", "proxy") and service is None:
            return [Target(category)]
        return []
    if category is not None:
        found = CATEGORIES.get(category, [])
        if service is not None:
            found = [t for t in found if t.key == f"windows/{service}"]
        return found
    if service is not None:
        return [Target(f"windows/{service}")]
    return []
