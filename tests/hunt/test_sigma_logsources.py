"""The log source table: which events each Sigma logsource applies to."""

from __future__ import annotations

import pytest

from warroom.hunt.sigma_logsources import Target, channel_service, table_key, targets
from warroom.hunt.source import LogSource


@pytest.mark.parametrize(
    ("channel", "service"),
    [
        ("Security", "security"),
        ("Microsoft-Windows-Sysmon/Operational", "sysmon"),
        ("Microsoft-Windows-PowerShell/Operational", "powershell"),
        ("Windows PowerShell", "powershell-classic"),
        ("Microsoft-Windows-Windows Defender/Operational", "windefend"),
        ("Some-Unknown/Channel", "some-unknown/channel"),
    ],
)
def test_channel_service(channel: str, service: str) -> None:
    assert channel_service(channel) == service


def test_process_creation_is_sysmon_1_and_security_4688() -> None:
    sysmon, security = targets("windows", "process_creation", None)
    assert (sysmon.key, sysmon.event_ids) == ("windows/sysmon", (1,))
    assert (security.key, security.event_ids) == ("windows/security", (4688,))
    assert security.renames["Image"] == "NewProcessName"
    assert security.renames["ParentImage"] == "ParentProcessName"


@pytest.mark.parametrize(
    ("category", "event_ids"),
    [
        ("file_event", (11,)),
        ("registry_set", (13,)),
        ("registry_event", (12, 13, 14)),
        ("image_load", (7,)),
        ("network_connection", (3,)),
        ("process_access", (10,)),
        ("pipe_created", (17, 18)),
        ("dns_query", (22,)),
    ],
)
def test_sysmon_categories(category: str, event_ids: tuple[int, ...]) -> None:
    assert targets("windows", category, None) == [Target("windows/sysmon", event_ids)]


def test_powershell_script_blocks() -> None:
    assert targets("windows", "ps_script", None) == [Target("windows/powershell", (4104,))]


def test_services_and_web_servers() -> None:
    assert targets("windows", None, "security") == [Target("windows/security")]
    assert targets(None, "webserver", None) == [Target("webserver")]
    assert table_key(LogSource(category="webserver", service="iis")) == "webserver"
    assert table_key(LogSource(product="windows", service="sysmon")) == "windows/sysmon"


def test_what_warroom_does_not_read_is_not_applicable() -> None:
    assert targets("linux", "process_creation", None) == []
    assert targets("windows", "no_such_category", None) == []
    assert targets("aws", None, "cloudtrail") == []
