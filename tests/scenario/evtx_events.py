"""Sample events of every type the scenario emits, and how a test reads an EVTX file back.

Shared by the writer's tests (`test_evtx_writer.py`) and the format checks
(`test_evtx_format.py`). Two renderer habits are undone when a record is read back:

- a GUID is stored as a binary GUID, as Windows stores the Provider Guid, and `evtx` renders
  it upper case without braces (`5770385F-...`); `as_read` puts the written one in that form;
- `EventID` with Qualifiers renders as `{"#attributes": {"Qualifiers": n}, "#text": id}`,
  and an element with no attribute left (Security without UserID) as null.
"""

from __future__ import annotations

import dataclasses
import io
import json
import struct
import uuid
import warnings
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from evtx import PyEvtxParser

from warroom.scenario.evtx_writer import (
    CHUNK_SIZE,
    FILE_HEADER_SIZE,
    EvtxWriter,
)
from warroom.scenario.model import WinEvent

T0 = datetime(2025, 8, 11, 9, 41, 7, 123456, tzinfo=UTC)
NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"

SECURITY: dict[str, Any] = {
    "channel": "Security",
    "provider": "Microsoft-Windows-Security-Auditing",
    "provider_guid": "{54849625-5478-4994-A5BA-3E3B0328C30D}",
    "process_id": 636,
    "thread_id": 2120,
}
SYSMON: dict[str, Any] = {
    "channel": "Microsoft-Windows-Sysmon/Operational",
    "provider": "Microsoft-Windows-Sysmon",
    "provider_guid": "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
    "level": 4,
    "keywords": "0x8000000000000000",
    "process_id": 3208,
    "thread_id": 4012,
    "user_sid": "S-1-5-18",
}
SCM: dict[str, Any] = {
    "channel": "System",
    "provider": "Service Control Manager",
    "provider_guid": "{555908d1-a6d7-4695-8e1e-26931d2012f4}",
    "event_source_name": "Service Control Manager",
    "qualifiers": 16384,
    "level": 4,
    "keywords": "0x8080000000000000",
    "process_id": 688,
    "thread_id": 7420,
}
SUBJECT = (
    ("SubjectUserSid", "S-1-5-18"),
    ("SubjectUserName", "SP-FE01$"),
    ("SubjectDomainName", "NWT"),
    ("SubjectLogonId", "0x3e7"),
)
USER = (
    ("SubjectUserSid", "S-1-5-21-3623811015-3361044348-30300820-1104"),
    ("SubjectUserName", "svc-spfarm"),
    ("SubjectDomainName", "NWT"),
    ("SubjectLogonId", "0x1b2c3d"),
)
TASK_XML = (
    '<?xml version="1.0" encoding="UTF-16"?>\r\n<Task version="1.2" '
    'xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task"><Actions Context="Author">'
    "<Exec><Command>C:\\ProgramData\\upd.exe</Command><Arguments>-k &amp; run</Arguments>"
    "</Exec></Actions></Task>"
)


def security(event_id: int, task: int, data: tuple[tuple[str, str], ...], **kw: Any) -> WinEvent:
    fields = {**SECURITY, "task": task, **kw}
    return WinEvent(T0, "dc01.corp.nwtelecom.example", event_id=event_id, data=data, **fields)


def sysmon(event_id: int, version: int, data: tuple[tuple[str, str], ...]) -> WinEvent:
    common = (("RuleName", "-"), ("UtcTime", "2025-08-11 09:41:07.123"))
    return WinEvent(
        T0,
        "sp-fe01.corp.nwtelecom.example",
        event_id=event_id,
        version=version,
        task=event_id,
        data=common + data,
        **SYSMON,
    )


PROCESS = (
    ("ProcessGuid", "{0197231e-f943-69e5-a527-000000000800}"),
    ("ProcessId", "6180"),
    ("Image", "C:\\Windows\\System32\\inetsrv\\w3wp.exe"),
)
EVENTS: dict[str, WinEvent] = {
    "security-4624": security(
        4624,
        12544,
        (
            *SUBJECT,
            ("TargetUserSid", "S-1-5-21-3623811015-3361044348-30300820-1104"),
            ("TargetUserName", "svc-spfarm"),
            ("TargetDomainName", "NWT"),
            ("TargetLogonId", "0x1b2c3d"),
            ("LogonType", "3"),
            ("LogonProcessName", "NtLmSsp "),
            ("AuthenticationPackageName", "NTLM"),
            ("WorkstationName", "SP-FE01"),
            ("LogonGuid", "{00000000-0000-0000-0000-000000000000}"),
            ("TransmittedServices", "-"),
            ("LmPackageName", "NTLM V2"),
            ("KeyLength", "128"),
            ("ProcessId", "0x0"),
            ("ProcessName", "-"),
            ("IpAddress", "10.20.1.11"),
            ("IpPort", "50122"),
            ("ImpersonationLevel", "%%1833"),
            ("RestrictedAdminMode", "-"),
            ("TargetOutboundUserName", "-"),
            ("TargetOutboundDomainName", "-"),
            ("VirtualAccount", "%%1843"),
            ("TargetLinkedLogonId", "0x0"),
            ("ElevatedToken", "%%1842"),
        ),
        version=2,
    ),
    "security-4625": security(
        4625,
        12544,
        (
            *SUBJECT,
            ("TargetUserSid", "S-1-0-0"),
            ("TargetUserName", "administrator"),
            ("TargetDomainName", "NWT"),
            ("Status", "0xc000006d"),
            ("FailureReason", "%%2313"),
            ("SubStatus", "0xc000006a"),
            ("LogonType", "3"),
            ("LogonProcessName", "NtLmSsp "),
            ("AuthenticationPackageName", "NTLM"),
            ("WorkstationName", ""),
            ("TransmittedServices", "-"),
            ("LmPackageName", "-"),
            ("KeyLength", "0"),
            ("ProcessId", "0x0"),
            ("ProcessName", "-"),
            ("IpAddress", "107.191.58.76"),
            ("IpPort", "0"),
        ),
        keywords="0x8010000000000000",
    ),
    "security-4634": security(
        4634,
        12545,
        (
            ("TargetUserSid", "S-1-5-21-3623811015-3361044348-30300820-1104"),
            ("TargetUserName", "svc-spfarm"),
            ("TargetDomainName", "NWT"),
            ("TargetLogonId", "0x1b2c3d"),
            ("LogonType", "3"),
        ),
    ),
    "security-4672": security(
        4672,
        12548,
        (*SUBJECT, ("PrivilegeList", "SeAssignPrimaryTokenPrivilege\r\n\t\t\tSeTcbPrivilege")),
    ),
    "security-4688": security(
        4688,
        13312,
        (
            *USER,
            ("NewProcessId", "0x1a2c"),
            ("NewProcessName", "C:\\Windows\\System32\\cmd.exe"),
            ("TokenElevationType", "%%1936"),
            ("ProcessId", "0x1824"),
            ("CommandLine", 'cmd.exe /c "whoami /all > C:\\Windows\\Temp\\o.txt"'),
            ("TargetUserSid", "S-1-0-0"),
            ("TargetUserName", "-"),
            ("TargetDomainName", "-"),
            ("TargetLogonId", "0x0"),
            ("ParentProcessName", "C:\\Windows\\System32\\inetsrv\\w3wp.exe"),
            ("MandatoryLabel", "S-1-16-12288"),
        ),
        version=2,
    ),
    "security-4698": security(
        4698,
        12804,
        (
            *USER,
            ("TaskName", "\\Microsoft\\Windows\\Update\\Refresh"),
            ("TaskContent", TASK_XML),
            ("ClientProcessStartKey", "1970324837060221"),
            ("ClientProcessId", "5000"),
            ("ParentProcessId", "1184"),
            ("RpcCallClientLocality", "0"),
            ("FQDN", "sp-app01.corp.nwtelecom.example"),
        ),
        version=1,
    ),
    "security-4720": security(
        4720,
        13824,
        (
            ("TargetUserName", "svc-backup2"),
            ("TargetDomainName", "NWT"),
            ("TargetSid", "S-1-5-21-3623811015-3361044348-30300820-1190"),
            *USER,
            ("PrivilegeList", "-"),
            ("SamAccountName", "svc-backup2"),
            ("DisplayName", "%%1793"),
            ("UserPrincipalName", "-"),
            ("HomeDirectory", "%%1793"),
            ("UserAccountControl", "\r\n\t\t%%2080\r\n\t\t%%2082\r\n\t\t%%2084"),
            ("SidHistory", "-"),
            ("LogonHours", "%%1797"),
        ),
    ),
    "security-4768": security(
        4768,
        14339,
        (
            ("TargetUserName", "jmueller"),
            ("TargetDomainName", "NWT"),
            ("TargetSid", "S-1-5-21-3623811015-3361044348-30300820-1121"),
            ("ServiceName", "krbtgt"),
            ("ServiceSid", "S-1-5-21-3623811015-3361044348-30300820-502"),
            ("TicketOptions", "0x40810010"),
            ("Status", "0x0"),
            ("TicketEncryptionType", "0x12"),
            ("PreAuthType", "2"),
            ("IpAddress", "::ffff:10.20.3.41"),
            ("IpPort", "49731"),
            ("CertIssuerName", ""),
            ("CertSerialNumber", ""),
            ("CertThumbprint", ""),
        ),
    ),
    "security-4769": security(
        4769,
        14337,
        (
            ("TargetUserName", "svc-spfarm@CORP.NWTELECOM.EXAMPLE"),
            ("TargetDomainName", "CORP.NWTELECOM.EXAMPLE"),
            ("ServiceName", "MSSQLSvc/sp-sql01"),
            ("ServiceSid", "S-1-5-21-3623811015-3361044348-30300820-1105"),
            ("TicketOptions", "0x40810000"),
            ("TicketEncryptionType", "0x17"),
            ("IpAddress", "::ffff:10.20.1.11"),
            ("IpPort", "50191"),
            ("Status", "0x0"),
            ("LogonGuid", "{5e0f4c39-2b28-6dc8-1a0f-5a6d49fb7a2c}"),
            ("TransmittedServices", "-"),
        ),
    ),
    "security-5136": security(
        5136,
        14081,
        (
            ("OpCorrelationID", "{c3b8a3f6-1b1e-4c1d-9a5e-0f6a4e1b7d2c}"),
            ("AppCorrelationID", "-"),
            *USER,
            ("DSName", "corp.nwtelecom.example"),
            ("DSType", "%%14676"),
            ("ObjectDN", "CN=Domain Admins,CN=Users,DC=corp,DC=nwtelecom,DC=example"),
            ("ObjectGUID", "{8f3b2b8e-3a5d-4c4f-9d3b-2f1e0c9a8b7d}"),
            ("ObjectClass", "group"),
            ("AttributeLDAPDisplayName", "member"),
            ("AttributeSyntaxOID", "2.5.5.1"),
            ("AttributeValue", "CN=svc-backup2,CN=Users,DC=corp,DC=nwtelecom,DC=example"),
            ("OperationType", "%%14674"),
        ),
    ),
    "security-5140": security(
        5140,
        12808,
        (
            *USER,
            ("ObjectType", "File"),
            ("IpAddress", "10.20.1.11"),
            ("IpPort", "50233"),
            ("ShareName", "\\\\*\\C$"),
            ("ShareLocalPath", "\\??\\C:\\"),
            ("AccessMask", "0x1"),
            ("AccessList", "%%4416\r\n\t\t\t\t"),
        ),
        version=1,
    ),
    "security-5145": security(
        5145,
        12811,
        (
            *USER,
            ("ObjectType", "File"),
            ("IpAddress", "10.20.1.11"),
            ("IpPort", "50233"),
            ("ShareName", "\\\\*\\C$"),
            ("ShareLocalPath", "\\??\\C:\\"),
            ("RelativeTargetName", "Windows\\Temp\\debug.dll"),
            ("AccessMask", "0x2"),
            ("AccessList", "%%4417\r\n\t\t\t\t"),
            ("AccessReason", "-"),
        ),
    ),
    "security-4663": security(
        4663,
        12800,
        (
            *USER,
            ("ObjectServer", "Security"),
            ("ObjectType", "File"),
            ("ObjectName", "C:\\inetpub\\wwwroot\\wss\\VirtualDirectories\\80\\web.config"),
            ("HandleId", "0x1f4"),
            ("AccessList", "%%4416\r\n\t\t\t\t"),
            ("AccessMask", "0x1"),
            ("ProcessId", "0x1824"),
            ("ProcessName", "C:\\Windows\\System32\\inetsrv\\w3wp.exe"),
            ("ResourceAttributes", "S:AI"),
        ),
        version=1,
    ),
    "sysmon-1": sysmon(
        1,
        5,
        (
            ("ProcessGuid", "{0197231e-f943-69e5-a527-000000000801}"),
            ("ProcessId", "7216"),
            ("Image", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"),
            ("FileVersion", "10.0.17763.1 (WinBuild.160101.0800)"),
            ("Description", "Windows PowerShell"),
            ("Product", "Microsoft® Windows® Operating System"),
            ("Company", "Microsoft Corporation"),
            ("OriginalFileName", "PowerShell.EXE"),
            ("CommandLine", "powershell -nop -w hidden -e SQBFAFgAIAAoAE4AZQB3AC0A"),
            ("CurrentDirectory", "C:\\Windows\\system32\\inetsrv\\"),
            ("User", "NWT\\svc-spfarm"),
            ("LogonGuid", "{0197231e-7f52-69e4-50d1-e83300000000}"),
            ("LogonId", "0x33e8d150"),
            ("TerminalSessionId", "0"),
            ("IntegrityLevel", "High"),
            ("Hashes", "SHA256=92BB4DDB98EEAF11FC15BB32E71D0A63256A0ED826A03BA293CE3A8BF057A514"),
            ("ParentProcessGuid", "{0197231e-8126-69e4-8326-000000000800}"),
            ("ParentProcessId", "6180"),
            ("ParentImage", "C:\\Windows\\System32\\inetsrv\\w3wp.exe"),
            ("ParentCommandLine", 'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "SharePoint - 80"'),
            ("ParentUser", "NWT\\svc-spfarm"),
        ),
    ),
    "sysmon-3": sysmon(
        3,
        5,
        (
            *PROCESS,
            ("User", "NWT\\svc-spfarm"),
            ("Protocol", "tcp"),
            ("Initiated", "true"),
            ("SourceIsIpv6", "false"),
            ("SourceIp", "10.20.1.11"),
            ("SourceHostname", "sp-fe01.corp.nwtelecom.example"),
            ("SourcePort", "50333"),
            ("SourcePortName", "-"),
            ("DestinationIsIpv6", "false"),
            ("DestinationIp", "136.0.77.2"),
            ("DestinationHostname", "gateway.us1.storjshare.io"),
            ("DestinationPort", "443"),
            ("DestinationPortName", "https"),
        ),
    ),
    "sysmon-5": sysmon(5, 3, (*PROCESS, ("User", "NWT\\svc-spfarm"))),
    "sysmon-7": sysmon(
        7,
        3,
        (
            *PROCESS,
            ("ImageLoaded", "C:\\Windows\\Temp\\debug.dll"),
            ("FileVersion", "-"),
            ("Description", "-"),
            ("Product", "-"),
            ("Company", "-"),
            ("OriginalFileName", "-"),
            ("Hashes", "SHA256=4A43D0A7A8CE5C1C4CB31D1A5C4F13B2BBE0F6F1A7E4B0E0C8B6E2B9C3D1E0F2"),
            ("Signed", "false"),
            ("Signature", "-"),
            ("SignatureStatus", "Unavailable"),
            ("User", "NWT\\svc-spfarm"),
        ),
    ),
    "sysmon-8": sysmon(
        8,
        2,
        (
            ("SourceProcessGuid", "{0197231e-f943-69e5-a527-000000000801}"),
            ("SourceProcessId", "7216"),
            ("SourceImage", "C:\\Windows\\Temp\\upd.exe"),
            ("TargetProcessGuid", "{0197231e-0001-69e5-0c00-000000000800}"),
            ("TargetProcessId", "712"),
            ("TargetImage", "C:\\Windows\\System32\\lsass.exe"),
            ("NewThreadId", "5520"),
            ("StartAddress", "0x00007FF6A2B11000"),
            ("StartModule", "-"),
            ("StartFunction", "-"),
            ("SourceUser", "NT AUTHORITY\\SYSTEM"),
            ("TargetUser", "NT AUTHORITY\\SYSTEM"),
        ),
    ),
    "sysmon-10": sysmon(
        10,
        3,
        (
            ("SourceProcessGUID", "{0197231e-f943-69e5-a527-000000000801}"),
            ("SourceProcessId", "7216"),
            ("SourceThreadId", "7300"),
            ("SourceImage", "C:\\Windows\\Temp\\upd.exe"),
            ("TargetProcessGUID", "{0197231e-0001-69e5-0c00-000000000800}"),
            ("TargetProcessId", "712"),
            ("TargetImage", "C:\\Windows\\system32\\lsass.exe"),
            ("GrantedAccess", "0x1010"),
            ("CallTrace", "C:\\Windows\\SYSTEM32\\ntdll.dll+9d234|UNKNOWN(00007FF6A2B11000)"),
            ("SourceUser", "NT AUTHORITY\\SYSTEM"),
            ("TargetUser", "NT AUTHORITY\\SYSTEM"),
        ),
    ),
    "sysmon-11": sysmon(
        11,
        2,
        (
            *PROCESS,
            (
                "TargetFilename",
                "C:\\Program Files\\Common Files\\microsoft shared\\Web Server Extensions\\16"
                "\\TEMPLATE\\LAYOUTS\\spinstall0.aspx",
            ),
            ("CreationUtcTime", "2025-08-11 09:41:07.120"),
            ("User", "NWT\\svc-spfarm"),
        ),
    ),
    "sysmon-12": sysmon(
        12,
        2,
        (
            ("EventType", "CreateKey"),
            *PROCESS,
            ("TargetObject", "HKLM\\System\\CurrentControlSet\\Services\\UpdSvc"),
            ("User", "NT AUTHORITY\\SYSTEM"),
        ),
    ),
    "sysmon-13": sysmon(
        13,
        2,
        (
            ("EventType", "SetValue"),
            *PROCESS,
            ("TargetObject", "HKLM\\System\\CurrentControlSet\\Services\\UpdSvc\\ImagePath"),
            ("Details", "C:\\ProgramData\\upd.exe -k"),
            ("User", "NT AUTHORITY\\SYSTEM"),
        ),
    ),
    "sysmon-17": sysmon(
        17,
        1,
        (
            ("EventType", "CreatePipe"),
            *PROCESS,
            ("PipeName", "\\msagent_81"),
            ("User", "NT AUTHORITY\\SYSTEM"),
        ),
    ),
    "sysmon-22": sysmon(
        22,
        5,
        (
            *PROCESS,
            ("QueryName", "c34718cbb4c6.ngrok-free.app"),
            ("QueryStatus", "0"),
            ("QueryResults", "type:  5 tunnel.ngrok.com;::ffff:3.125.102.39;"),
            ("User", "NWT\\svc-spfarm"),
        ),
    ),
    "sysmon-23": sysmon(
        23,
        5,
        (
            *PROCESS,
            ("User", "NWT\\svc-spfarm"),
            ("TargetFilename", "C:\\Windows\\Temp\\o.txt"),
            ("Hashes", "SHA256=E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"),
            ("IsExecutable", "false"),
            ("Archived", "true"),
        ),
    ),
    "system-7045": WinEvent(
        T0,
        "sp-app01.corp.nwtelecom.example",
        event_id=7045,
        data=(
            ("ServiceName", "UpdSvc"),
            ("ImagePath", "C:\\ProgramData\\upd.exe -k"),
            ("ServiceType", "user mode service"),
            ("StartType", "auto start"),
            ("AccountName", "LocalSystem"),
        ),
        user_sid="S-1-5-21-3623811015-3361044348-30300820-500",
        **SCM,
    ),
    "system-7036": WinEvent(
        T0,
        "sp-app01.corp.nwtelecom.example",
        event_id=7036,
        data=(("param1", "Windows Update"), ("param2", "running")),
        **SCM,
    ),
    "system-1074": WinEvent(
        T0,
        "sp-fe01.corp.nwtelecom.example",
        channel="System",
        provider="User32",
        provider_guid="{b0aa8734-56f7-41cc-b2f4-de228e98b946}",
        event_source_name="User32",
        event_id=1074,
        qualifiers=32768,
        level=4,
        keywords="0x8080000000000000",
        process_id=1184,
        thread_id=6236,
        user_sid="S-1-5-18",
        data=(
            ("param1", "C:\\Windows\\system32\\winlogon.exe (SP-FE01)"),
            ("param2", "SP-FE01"),
            ("param3", "Operating System: Upgrade (Planned)"),
            ("param4", "0x80020003"),
            ("param5", "restart"),
            ("param6", ""),
            ("param7", "NT AUTHORITY\\SYSTEM"),
        ),
    ),
}


# --- Reading back ------------------------------------------------------------------------


def open_parser(source: Path | bytes) -> PyEvtxParser:
    stream = str(source) if isinstance(source, Path) else io.BytesIO(source)
    return PyEvtxParser(stream, number_of_threads=1, validate_checksums=True)


def read_records(source: Path | bytes, rendering: str = "json") -> list[dict[str, Any]]:
    """Every record as `evtx` renders it; any error or warning of the parser fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parser = open_parser(source)
        records: Any = parser.records_json() if rendering == "json" else parser.records()
        return list(records)


def from_json(record: dict[str, Any]) -> WinEvent:
    """The `WinEvent` that evtx's JSON rendering of RECORD shows."""
    event = json.loads(record["data"])["Event"]
    system = event["System"]
    assert system["EventRecordID"] == record["event_record_id"]
    provider = (system["Provider"] or {}).get("#attributes", {})
    event_id, qualifiers = system["EventID"], None
    if isinstance(event_id, dict):  # <EventID Qualifiers="16384">7045</EventID>
        event_id, qualifiers = event_id["#text"], event_id["#attributes"]["Qualifiers"]
    execution = system["Execution"]["#attributes"]
    security = system["Security"]  # null when UserID is absent
    guid = provider.get("Guid")
    return WinEvent(
        time=datetime.fromisoformat(system["TimeCreated"]["#attributes"]["SystemTime"]),
        computer=system["Computer"],
        channel=system["Channel"],
        provider=provider["Name"],
        provider_guid=None if guid is None else f"{{{guid}}}",
        event_id=event_id,
        data=tuple((event.get("EventData") or {}).items()),
        version=system["Version"],
        level=system["Level"],
        task=system["Task"],
        opcode=system["Opcode"],
        keywords=system["Keywords"],
        process_id=execution["ProcessID"],
        thread_id=execution["ThreadID"],
        user_sid=None if security is None else security["#attributes"]["UserID"],
        qualifiers=qualifiers,
        event_source_name=provider.get("EventSourceName"),
    )


def from_xml(record: dict[str, Any]) -> WinEvent:
    """The `WinEvent` that evtx's XML rendering of RECORD shows."""
    # An XML parser turns CR LF into LF; a character reference keeps the CR evtx wrote.
    text = record["data"].replace("\r", "&#13;")
    root = ET.fromstring(text.encode())  # noqa: S314 - the test's own file
    system = root.find(f"{NS}System")
    assert system is not None
    value = {child.tag.removeprefix(NS): child for child in system}
    provider, event_id = value["Provider"].attrib, value["EventID"]
    qualifiers = event_id.get("Qualifiers")
    execution = value["Execution"].attrib
    guid = provider.get("Guid")
    time = value["TimeCreated"].attrib["SystemTime"]
    data = root.find(f"{NS}EventData")
    assert int(value["EventRecordID"].text or "") == record["event_record_id"]
    return WinEvent(
        time=datetime.fromisoformat(time),
        computer=value["Computer"].text or "",
        channel=value["Channel"].text or "",
        provider=provider["Name"],
        provider_guid=None if guid is None else f"{{{guid}}}",
        event_id=int(event_id.text or ""),
        data=tuple((item.attrib["Name"], item.text or "") for item in data or ()),
        version=int(value["Version"].text or ""),
        level=int(value["Level"].text or ""),
        task=int(value["Task"].text or ""),
        opcode=int(value["Opcode"].text or ""),
        keywords=value["Keywords"].text or "",
        process_id=int(execution["ProcessID"]),
        thread_id=int(execution["ThreadID"]),
        user_sid=value["Security"].get("UserID"),
        qualifiers=None if qualifiers is None else int(qualifiers),
        event_source_name=provider.get("EventSourceName"),
    )


def as_read(event: WinEvent) -> WinEvent:
    """EVENT as it reads back: the Provider Guid as evtx renders a GUID, no attack step."""
    guid = event.provider_guid
    if guid is not None:
        guid = "{" + str(uuid.UUID(guid)).upper() + "}"
    return dataclasses.replace(event, provider_guid=guid, step=None)


def write_events(events: Iterable[WinEvent]) -> tuple[bytes, list[int]]:
    stream = io.BytesIO()
    with EvtxWriter(stream) as writer:
        ids = [writer.write(event) for event in events]
    return stream.getvalue(), ids


def timeline(events: Iterable[WinEvent]) -> Iterator[WinEvent]:
    """EVENTS a few milliseconds apart (distinct times catch records read out of order)."""
    for i, event in enumerate(events):
        yield dataclasses.replace(event, time=T0 + timedelta(microseconds=1237 * i))


def file_header(data: bytes) -> dict[str, int]:
    header = data[:FILE_HEADER_SIZE]
    assert header[:8] == b"ElfFile\x00"
    first, last, next_id, size, minor, major, block, chunks = struct.unpack_from(
        "<QQQIHHHH", header, 8
    )
    flags, checksum = struct.unpack_from("<II", header, 120)
    assert checksum == zlib.crc32(header[:120])
    assert (first, size, major, minor, block) == (0, 128, 3, 1, 4096)
    assert header[128:] == bytes(FILE_HEADER_SIZE - 128)
    return {
        "last_chunk": last,
        "next_record_id": next_id,
        "chunks": chunks,
        "flags": flags,
    }


def file_chunks(data: bytes) -> Iterator[bytes]:
    assert (len(data) - FILE_HEADER_SIZE) % CHUNK_SIZE == 0
    for start in range(FILE_HEADER_SIZE, len(data), CHUNK_SIZE):
        yield data[start : start + CHUNK_SIZE]


def with_value(event: WinEvent, name: str, value: str) -> WinEvent:
    data = tuple((key, value if key == name else old) for key, old in event.data)
    assert name in dict(data)
    return dataclasses.replace(event, data=data)
