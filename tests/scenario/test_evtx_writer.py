"""The EVTX writer: what `evtx` (the parser `warroom hunt` uses) reads back, and the format.

Every event is written, read back with `PyEvtxParser` (checksums validated, warnings as
errors) in both its renderings, turned back into a `WinEvent` and compared with what was
written. Two renderer habits are undone on the way back:

- a GUID is stored as a binary GUID, as Windows stores the Provider Guid, and `evtx` renders
  it upper case without braces (`5770385F-...`); `_as_read` puts the written one in that form;
- `EventID` with Qualifiers renders as `{"#attributes": {"Qualifiers": n}, "#text": id}`,
  and an element with no attribute left (Security without UserID) as null.

The format checks recompute the CRC32s with zlib and walk the string and template tables.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import struct
import uuid
import warnings
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from evtx import PyEvtxParser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warroom.hunt.source import Problems
from warroom.hunt.sources.evtx import EvtxSource
from warroom.scenario.evtx_writer import (
    CHUNK_SIZE,
    FILE_HEADER_SIZE,
    MAX_RECORD_SIZE,
    EvtxWriter,
    name_hash,
    write_evtx,
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


def _security(event_id: int, task: int, data: tuple[tuple[str, str], ...], **kw: Any) -> WinEvent:
    fields = {**SECURITY, "task": task, **kw}
    return WinEvent(T0, "dc01.corp.nwtelecom.example", event_id=event_id, data=data, **fields)


def _sysmon(event_id: int, version: int, data: tuple[tuple[str, str], ...]) -> WinEvent:
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
    "security-4624": _security(
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
    "security-4625": _security(
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
    "security-4634": _security(
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
    "security-4672": _security(
        4672,
        12548,
        (*SUBJECT, ("PrivilegeList", "SeAssignPrimaryTokenPrivilege\r\n\t\t\tSeTcbPrivilege")),
    ),
    "security-4688": _security(
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
    "security-4698": _security(
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
    "security-4720": _security(
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
    "security-4768": _security(
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
    "security-4769": _security(
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
    "security-5136": _security(
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
    "security-5140": _security(
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
    "security-5145": _security(
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
    "security-4663": _security(
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
    "sysmon-1": _sysmon(
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
    "sysmon-3": _sysmon(
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
    "sysmon-5": _sysmon(5, 3, (*PROCESS, ("User", "NWT\\svc-spfarm"))),
    "sysmon-7": _sysmon(
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
    "sysmon-8": _sysmon(
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
    "sysmon-10": _sysmon(
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
    "sysmon-11": _sysmon(
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
    "sysmon-12": _sysmon(
        12,
        2,
        (
            ("EventType", "CreateKey"),
            *PROCESS,
            ("TargetObject", "HKLM\\System\\CurrentControlSet\\Services\\UpdSvc"),
            ("User", "NT AUTHORITY\\SYSTEM"),
        ),
    ),
    "sysmon-13": _sysmon(
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
    "sysmon-17": _sysmon(
        17,
        1,
        (
            ("EventType", "CreatePipe"),
            *PROCESS,
            ("PipeName", "\\msagent_81"),
            ("User", "NT AUTHORITY\\SYSTEM"),
        ),
    ),
    "sysmon-22": _sysmon(
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
    "sysmon-23": _sysmon(
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


def _parser(source: Path | bytes) -> PyEvtxParser:
    stream = str(source) if isinstance(source, Path) else io.BytesIO(source)
    return PyEvtxParser(stream, number_of_threads=1, validate_checksums=True)


def _records(source: Path | bytes, rendering: str = "json") -> list[dict[str, Any]]:
    """Every record as `evtx` renders it; any error or warning of the parser fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parser = _parser(source)
        records: Any = parser.records_json() if rendering == "json" else parser.records()
        return list(records)


def _from_json(record: dict[str, Any]) -> WinEvent:
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


def _from_xml(record: dict[str, Any]) -> WinEvent:
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


def _as_read(event: WinEvent) -> WinEvent:
    """EVENT as it reads back: the Provider Guid as evtx renders a GUID, no attack step."""
    guid = event.provider_guid
    if guid is not None:
        guid = "{" + str(uuid.UUID(guid)).upper() + "}"
    return dataclasses.replace(event, provider_guid=guid, step=None)


def _write(events: Iterable[WinEvent]) -> tuple[bytes, list[int]]:
    stream = io.BytesIO()
    with EvtxWriter(stream) as writer:
        ids = [writer.write(event) for event in events]
    return stream.getvalue(), ids


def _timeline(events: Iterable[WinEvent]) -> Iterator[WinEvent]:
    """EVENTS a few milliseconds apart (distinct times catch records read out of order)."""
    for i, event in enumerate(events):
        yield dataclasses.replace(event, time=T0 + timedelta(microseconds=1237 * i))


# --- Round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_event_type_reads_back_as_written(kind: str) -> None:
    event = dataclasses.replace(EVENTS[kind], step="exploit")
    data, ids = _write([event, event])
    assert ids == [1, 2]
    for rendering, convert in (("json", _from_json), ("xml", _from_xml)):
        records = _records(data, rendering)
        assert [record["event_record_id"] for record in records] == [1, 2]
        assert [convert(record) for record in records] == [_as_read(event)] * 2


def test_all_event_types_mixed_in_one_file_read_back_in_order() -> None:
    events = list(_timeline(list(EVENTS.values()) * 8))
    data, ids = _write(events)
    assert ids == list(range(1, len(events) + 1))
    assert len(data) > FILE_HEADER_SIZE + CHUNK_SIZE  # several chunks, several templates each
    assert [_from_json(record) for record in _records(data)] == [_as_read(e) for e in events]
    assert [_from_xml(record) for record in _records(data, "xml")] == [_as_read(e) for e in events]


def test_the_xml_has_the_shape_windows_writes() -> None:
    data, _ = _write([EVENTS["system-7045"], EVENTS["security-4634"]])
    xml = [record["data"] for record in _records(data, "xml")]
    roots = [ET.fromstring(text.encode()) for text in xml]  # noqa: S314 - the test's own file
    system = [child.tag.removeprefix(NS) for child in roots[0].find(f"{NS}System") or ()]
    assert system == [
        "Provider", "EventID", "Version", "Level", "Task", "Opcode", "Keywords",
        "TimeCreated", "EventRecordID", "Correlation", "Execution", "Channel", "Computer",
        "Security",
    ]  # fmt: skip
    assert [child.tag for child in roots[0]] == [f"{NS}System", f"{NS}EventData"]
    assert '<Provider Name="Service Control Manager" Guid="555908D1-' in xml[0]
    assert 'EventSourceName="Service Control Manager"' in xml[0]
    assert '<EventID Qualifiers="16384">7045</EventID>' in xml[0]
    # Optional values left out take their attribute with them, as in real files.
    assert "EventSourceName" not in xml[1]
    assert "Qualifiers" not in xml[1]
    assert "<EventID>4634</EventID>" in xml[1]
    assert "UserID" not in xml[1]
    assert "ActivityID" not in xml[1]


def test_unicode_values_read_back() -> None:
    event = dataclasses.replace(
        EVENTS["sysmon-11"],
        computer="müller-pc.corp.nwtelecom.example",
        data=(
            ("TargetFilename", "C:\\Users\\jürgen.größe\\Desktop\\Übersicht ÄÖÜ ß.xlsx"),
            ("Chinese", "C:\\用户\\文档\\报告.docx"),
            ("Emoji", "deploy 🚀 done ✅ 𝄞"),
            ("Markup", "<a href=\"x\">'&amp;'</a> ]]> \t tab"),
        ),
    )
    data, _ = _write([event])
    assert _from_json(_records(data)[0]) == _as_read(event)
    assert _from_xml(_records(data, "xml")[0]) == _as_read(event)


def test_empty_values_read_back_as_empty_strings() -> None:
    event = dataclasses.replace(EVENTS["security-4768"], data=(("A", ""), ("B", "x"), ("C", "")))
    data, _ = _write([event])
    document = json.loads(_records(data)[0]["data"])
    assert document["Event"]["EventData"] == {"A": "", "B": "x", "C": ""}
    assert _from_xml(_records(data, "xml")[0]) == _as_read(event)


def test_empty_system_strings_render_as_null() -> None:
    # evtx's habit (the writer stores an empty string): the helpers would read None back.
    event = dataclasses.replace(EVENTS["sysmon-5"], computer="", channel="")
    data, _ = _write([event])
    system = json.loads(_records(data)[0]["data"])["Event"]["System"]
    assert (system["Computer"], system["Channel"]) == (None, None)


def test_an_event_without_data_has_an_empty_event_data() -> None:
    event = dataclasses.replace(EVENTS["system-7036"], data=())
    data, _ = _write([event])
    assert json.loads(_records(data)[0]["data"])["Event"]["EventData"] is None
    assert _from_json(_records(data)[0]) == _as_read(event)


def test_a_32_kib_command_line_reads_back() -> None:
    command = "powershell -e " + "SQBFAFgA" * 2046  # 16,382 characters: 32 KiB of UTF-16
    event = _with_value(EVENTS["sysmon-1"], "CommandLine", command)
    data, _ = _write([EVENTS["sysmon-3"], event, event])
    assert [_from_json(record) for record in _records(data)] == [
        _as_read(EVENTS["sysmon-3"]),
        _as_read(event),
        _as_read(event),
    ]


def test_a_value_of_60_kib_still_fits_in_a_chunk() -> None:
    big = _with_value(EVENTS["sysmon-1"], "CommandLine", "x" * 30_000)  # 60,000 bytes
    data, ids = _write([EVENTS["sysmon-3"], big, EVENTS["sysmon-3"]])
    assert ids == [1, 2, 3]
    assert [_from_json(record) for record in _records(data)] == [
        _as_read(e) for e in (EVENTS["sysmon-3"], big, EVENTS["sysmon-3"])
    ]
    assert len(data) == FILE_HEADER_SIZE + 3 * CHUNK_SIZE  # each one alone in a chunk


@pytest.mark.parametrize("characters", [32_600, 33_000, 40_000])
def test_a_record_too_large_for_a_chunk_is_refused_with_its_size(characters: int) -> None:
    stream = io.BytesIO()
    with EvtxWriter(stream) as writer:
        assert writer.write(EVENTS["sysmon-3"]) == 1
        huge = _with_value(EVENTS["sysmon-1"], "CommandLine", "x" * characters)
        with pytest.raises(ValueError, match=r"record of \d+ bytes") as raised:
            writer.write(huge)
        size = int(re.search(r"record of (\d+) bytes", str(raised.value)).group(1))  # type: ignore[union-attr]
        assert size > MAX_RECORD_SIZE
        assert str(MAX_RECORD_SIZE) in str(raised.value)
        # The writer goes on: no record id is lost, the file stays readable.
        assert writer.write(EVENTS["sysmon-5"]) == 2
    records = _records(stream.getvalue())
    assert [_from_json(record) for record in records] == [
        _as_read(EVENTS["sysmon-3"]),
        _as_read(EVENTS["sysmon-5"]),
    ]


def test_many_records_cross_chunks_with_their_ids_and_a_right_file_header() -> None:
    events = list(_timeline(EVENTS[kind] for kind in sorted(EVENTS) * 200))[:5000]
    data, ids = _write(events)
    assert ids == list(range(1, 5001))
    chunks = (len(data) - FILE_HEADER_SIZE) // CHUNK_SIZE
    assert chunks > 10
    header = _file_header(data)
    assert header["chunks"] == chunks
    assert header["last_chunk"] == chunks - 1
    assert header["next_record_id"] == 5001
    records = _records(data)
    assert [record["event_record_id"] for record in records] == ids
    assert [_from_json(record) for record in records] == [_as_read(e) for e in events]
    # Each chunk holds the records that follow the previous chunk's.
    expected_first = 1
    for chunk in _chunks(data):
        first, last, first_id, last_id = struct.unpack_from("<QQQQ", chunk, 8)
        assert (first, first_id) == (expected_first, expected_first)
        assert last == last_id >= first
        expected_first = last + 1
    assert expected_first == 5001


_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))
_name = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"),
    min_size=1,
    max_size=30,
)
_events = st.builds(
    WinEvent,
    time=st.datetimes(
        min_value=datetime(1601, 1, 2),
        max_value=datetime(9998, 12, 31),
        timezones=st.just(UTC),
    ),
    computer=_name,
    channel=_name,
    provider=_name,
    provider_guid=st.none() | st.uuids().map(lambda u: "{" + str(u).upper() + "}"),
    event_id=st.integers(0, 0xFFFF),
    data=st.lists(st.tuples(_name, _text), unique_by=lambda item: item[0], max_size=25).map(tuple),
    version=st.integers(0, 0xFF),
    level=st.integers(0, 0xFF),
    task=st.integers(0, 0xFFFF),
    opcode=st.integers(0, 0xFF),
    keywords=st.integers(0, 2**64 - 1).map(hex),
    process_id=st.integers(0, 2**32 - 1),
    thread_id=st.integers(0, 2**32 - 1),
    user_sid=st.none()
    | st.lists(st.integers(0, 2**32 - 1), max_size=8).map(
        lambda subs: "-".join(["S-1-5", *map(str, subs)])
    ),
    qualifiers=st.none() | st.integers(0, 0xFFFF),
    event_source_name=st.none() | _name,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=st.lists(_events, max_size=6))
def test_random_events_read_back_as_written(events: list[WinEvent]) -> None:
    data, ids = _write(events)
    assert ids == list(range(1, len(events) + 1))
    assert [_from_json(record) for record in _records(data)] == [_as_read(e) for e in events]


# --- The published format ----------------------------------------------------------------


def _file_header(data: bytes) -> dict[str, int]:
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


def _chunks(data: bytes) -> Iterator[bytes]:
    assert (len(data) - FILE_HEADER_SIZE) % CHUNK_SIZE == 0
    for start in range(FILE_HEADER_SIZE, len(data), CHUNK_SIZE):
        yield data[start : start + CHUNK_SIZE]


def _check_chunk(chunk: bytes) -> list[tuple[int, int]]:
    """Check CHUNK's header, checksums and records; its records' (offset, id)."""
    assert chunk[:8] == b"ElfChnk\x00"
    first, last, first_id, last_id, size, last_offset, free, records_crc = struct.unpack_from(
        "<QQQQIIII", chunk, 8
    )
    assert (first, last) == (first_id, last_id)
    assert size == 128
    (checksum,) = struct.unpack_from("<I", chunk, 124)
    assert checksum == zlib.crc32(chunk[:120] + chunk[128:512])
    assert records_crc == zlib.crc32(chunk[512:free])
    assert chunk[free:] == bytes(CHUNK_SIZE - free)
    records = []
    offset = 512
    while offset < free:
        magic, length, record_id, _ = struct.unpack_from("<4sIQQ", chunk, offset)
        assert magic == b"**\x00\x00"
        assert length % 8 == 0
        assert struct.unpack_from("<I", chunk, offset + length - 4) == (length,)
        records.append((offset, record_id))
        offset += length
    assert offset == free
    assert records[-1][0] == last_offset
    assert [record_id for _, record_id in records] == list(range(first_id, last_id + 1))
    return records


def test_headers_and_checksums_follow_the_format() -> None:
    events = list(_timeline(list(EVENTS.values()) * 10))
    data, _ = _write(events)
    header = _file_header(data)
    assert header["flags"] == 0  # closed: not dirty
    ids = [record_id for chunk in _chunks(data) for _, record_id in _check_chunk(chunk)]
    assert ids == list(range(1, len(events) + 1))
    assert header["chunks"] == len(list(_chunks(data))) > 1


def test_record_headers_carry_the_event_time_as_filetime() -> None:
    data, _ = _write([EVENTS["sysmon-1"]])
    chunk = next(_chunks(data))
    (filetime,) = struct.unpack_from("<Q", chunk, 512 + 16)
    assert datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=filetime // 10) == T0


def test_name_hashes_are_those_windows_computes() -> None:
    # Hashes of names in the chunk string table of a Security.evtx written by Windows.
    windows = {"Event": 3258, "System": 21615, "Provider": 31729, "Name": 38219, "Data": 28554}
    assert {name: name_hash(name) for name in windows} == windows
    assert name_hash("Qualifiers") == 55849
    assert name_hash("EventRecordID") == 838


def _names(chunk: bytes) -> dict[str, int]:
    """The chunk's string table: name -> offset, checking each name's hash and bucket."""
    names: dict[str, int] = {}
    for bucket, head in enumerate(struct.unpack_from("<64I", chunk, 128)):
        offset = head
        while offset:
            following, hashed, length = struct.unpack_from("<IHH", chunk, offset)
            name = chunk[offset + 8 : offset + 8 + 2 * length].decode("utf-16-le")
            assert chunk[offset + 8 + 2 * length : offset + 10 + 2 * length] == b"\x00\x00"
            assert (hashed, hashed % 64) == (name_hash(name), bucket)
            assert name not in names  # stored once per chunk
            names[name] = offset
            offset = following
    return names


def _templates(chunk: bytes) -> dict[int, bytes]:
    """The chunk's template table: definition offset -> template GUID."""
    templates: dict[int, bytes] = {}
    for bucket, head in enumerate(struct.unpack_from("<32I", chunk, 384)):
        offset = head
        while offset:
            # Defined inline, right after the template instance that first used it.
            assert chunk[offset - 10] == 0x0C
            template_id, pointer = struct.unpack_from("<II", chunk, offset - 8)
            assert pointer == offset
            following, guid, size = struct.unpack_from("<I16sI", chunk, offset)
            assert struct.unpack_from("<I", guid) == (template_id,)
            assert template_id % 32 == bucket
            assert chunk[offset + 24 : offset + 28] == b"\x0f\x01\x01\x00"
            assert chunk[offset + 24 + size - 1] == 0  # end of the fragment
            templates[offset] = guid
            offset = following
    return templates


def test_each_chunk_has_its_own_string_and_template_tables() -> None:
    events = list(_timeline(list(EVENTS.values()) * 6))
    data, _ = _write(events)
    kinds = {(e.provider, e.event_id, tuple(n for n, _ in e.data)) for e in events}
    system = {
        "Event", "xmlns", "System", "Provider", "Name", "Guid", "EventSourceName", "EventID",
        "Qualifiers", "Version", "Level", "Task", "Opcode", "Keywords", "TimeCreated",
        "SystemTime", "EventRecordID", "Correlation", "ActivityID", "RelatedActivityID",
        "Execution", "ProcessID", "ThreadID", "Channel", "Computer", "Security", "UserID",
        "EventData", "Data",
    }  # fmt: skip
    chunks = list(_chunks(data))
    assert len(chunks) > 2
    total = 0
    for chunk in chunks:
        records = _check_chunk(chunk)
        assert set(_names(chunk)) == system
        templates = _templates(chunk)
        # One definition per kind of event in the chunk, the others refer to it.
        used = {_template_offset(chunk, offset) for offset, _ in records}
        assert used == set(templates)
        assert len(set(templates.values())) == len(templates) <= len(kinds)
        total += len(templates)
    assert total > len(kinds)  # every chunk defines the templates it uses again


def _template_offset(chunk: bytes, record: int) -> int:
    binxml = record + 24
    assert chunk[binxml : binxml + 6] == b"\x0f\x01\x01\x00\x0c\x01"
    return int(struct.unpack_from("<I", chunk, binxml + 10)[0])


def test_a_file_without_events_is_a_header_alone() -> None:
    data, ids = _write([])
    assert ids == []
    assert len(data) == FILE_HEADER_SIZE
    assert _file_header(data) == {"last_chunk": 0, "next_record_id": 1, "chunks": 0, "flags": 0}
    assert _records(data) == []


def test_the_same_events_make_the_same_bytes() -> None:
    events = list(_timeline(EVENTS.values()))
    assert _write(events)[0] == _write(events)[0]


# --- The writer's streaming and its API ----------------------------------------------------


def test_full_chunks_go_to_the_stream_as_they_fill() -> None:
    stream = io.BytesIO()
    writer = EvtxWriter(stream)
    assert _file_header(stream.getvalue())["flags"] == 1  # dirty until closed
    sizes = []
    for event in _timeline([EVENTS["sysmon-1"]] * 300):
        writer.write(event)
        sizes.append(len(stream.getvalue()))
        # Never more than the chunk being filled is held back.
        assert 0 <= writer.bytes_written - sizes[-1] <= CHUNK_SIZE
    assert sorted(set(sizes)) == [FILE_HEADER_SIZE + n * CHUNK_SIZE for n in range(len(set(sizes)))]
    assert len(set(sizes)) > 3
    before = writer.bytes_written
    writer.close()
    writer.close()  # a second close does nothing
    assert len(stream.getvalue()) == writer.bytes_written >= before
    assert not stream.closed
    with pytest.raises(ValueError, match="closed"):
        writer.write(EVENTS["sysmon-1"])


def test_write_evtx_writes_a_file_and_returns_the_record_ids(tmp_path: Path) -> None:
    path = tmp_path / "Security.evtx"
    events = [e for kind, e in sorted(EVENTS.items()) if kind.startswith("security")]
    assert write_evtx(path, iter(events)) == list(range(1, len(events) + 1))
    assert [_from_json(record) for record in _records(path)] == [_as_read(e) for e in events]


def test_writing_at_an_offset_of_the_stream_rewrites_its_own_header() -> None:
    stream = io.BytesIO()
    stream.write(b"prefix")
    with EvtxWriter(stream) as writer:
        writer.write(EVENTS["sysmon-1"])
    data = stream.getvalue()
    assert data.startswith(b"prefixElfFile\x00")
    assert _file_header(data[6:])["chunks"] == 1


def test_times_in_other_zones_and_naive_times_are_written_as_utc() -> None:
    east = timezone(timedelta(hours=2))
    aware = dataclasses.replace(EVENTS["sysmon-3"], time=T0.astimezone(east))
    naive = dataclasses.replace(EVENTS["sysmon-3"], time=T0.replace(tzinfo=None))
    data, _ = _write([aware, naive])
    assert [_from_json(record).time for record in _records(data)] == [T0, T0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"provider_guid": "not-a-guid"}, "not a GUID"),
        ({"user_sid": "S-1-x"}, "not a SID"),
        ({"user_sid": "X-1-5"}, "not a SID"),
        ({"event_id": 70000}, "out of range"),
        ({"process_id": -1}, "out of range"),
        ({"data": (("Image", "a\x00b"),)}, "NUL"),
        ({"data": (("Ima\x00ge", "a"),)}, "NUL"),
        ({"computer": "pc\x00"}, "NUL"),
    ],
)
def test_values_windows_cannot_store_are_refused(change: dict[str, Any], message: str) -> None:
    stream = io.BytesIO()
    with EvtxWriter(stream) as writer:
        with pytest.raises(ValueError, match=message):
            writer.write(dataclasses.replace(EVENTS["sysmon-1"], **change))
        assert writer.write(EVENTS["sysmon-1"]) == 1
    assert [_from_json(record) for record in _records(stream.getvalue())] == [
        _as_read(EVENTS["sysmon-1"])
    ]


# --- The hunt reads it --------------------------------------------------------------------


def test_the_hunt_reader_gets_the_fields_sigma_rules_name() -> None:
    events = list(_timeline([EVENTS["sysmon-1"], EVENTS["security-4688"], EVENTS["system-7045"]]))
    data, _ = _write(events)
    problems = Problems()
    read = list(EvtxSource().events(io.BytesIO(data), "sp-fe01.evtx", problems))
    assert problems.count == 0
    assert [event.origin.position for event in read] == [1, 2, 3]
    sysmon, security, system = (event.fields for event in read)
    assert sysmon["EventID"] == 1
    assert sysmon["Channel"] == "Microsoft-Windows-Sysmon/Operational"
    assert sysmon["Computer"] == "sp-fe01.corp.nwtelecom.example"
    assert sysmon["Provider_Name"] == "Microsoft-Windows-Sysmon"
    assert sysmon["Image"].endswith("\\powershell.exe")
    assert sysmon["CommandLine"] == dict(EVENTS["sysmon-1"].data)["CommandLine"]
    assert sysmon["ParentImage"] == "C:\\Windows\\System32\\inetsrv\\w3wp.exe"
    assert sysmon["UserID"] == "S-1-5-18"
    assert read[0].logsource.service == "sysmon"
    assert read[0].host == "sp-fe01.corp.nwtelecom.example"
    assert read[0].time == T0
    assert security["EventID"] == 4688
    assert security["NewProcessName"] == "C:\\Windows\\System32\\cmd.exe"
    assert read[1].logsource.service == "security"
    assert system["EventID"] == 7045
    assert system["Qualifiers"] == "16384"
    assert system["ServiceName"] == "UpdSvc"
    assert system["Provider_Name"] == "Service Control Manager"
    assert read[2].logsource.service == "system"


def _with_value(event: WinEvent, name: str, value: str) -> WinEvent:
    data = tuple((key, value if key == name else old) for key, old in event.data)
    assert name in dict(data)
    return dataclasses.replace(event, data=data)
