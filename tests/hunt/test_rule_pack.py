"""warroom's own Sigma rule pack: every rule parses, and fires on its attack but not on look-alikes.

The web rules are run over real W3C lines read by W3cSource; the Windows rules over events
shaped as the EVTX source yields them (Sysmon process creation, PowerShell 4104).
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from sigma.rule import SigmaRule

from warroom.hunt.matchers.sigma import SigmaMatcher, SigmaRules
from warroom.hunt.rules import SIGMA_RULES
from warroom.hunt.source import Event, LogSource, Origin, Problems
from warroom.hunt.sources.w3c import W3cSource

RULE_FILES = sorted(SIGMA_RULES.glob("*.yml"))
FIELDS = (
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n"
)
UA = "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64;+rv:120.0)+Gecko/20100101+Firefox/120.0"


def iis(method: str, stem: str, query: str = "-", referer: str = "-") -> Event:
    """One IIS log line in the default IIS 10 layout, read by the W3C source."""
    line = f"2025-07-18 16:06:12 10.0.0.5 {method} {stem} {query} 443 - 107.191.58.76 {UA} "
    line += f"{referer} 200 0 0 312\n"
    problems = Problems()
    (event,) = W3cSource().events(io.BytesIO((FIELDS + line).encode()), "u_ex.log", problems)
    assert problems.count == 0
    return event


def sysmon(image: str, command_line: str, parent: str = r"C:\Windows\explorer.exe") -> Event:
    fields = {
        "Channel": "Microsoft-Windows-Sysmon/Operational",
        "EventID": 1,
        "Computer": "SP01",
        "Image": image,
        "CommandLine": command_line,
        "ParentImage": parent,
        "OriginalFileName": Path(image.replace("\\", "/")).name,
    }
    return _windows(fields, "sysmon")


def file_created(image: str, target: str) -> Event:
    fields = {
        "Channel": "Microsoft-Windows-Sysmon/Operational",
        "EventID": 11,
        "Computer": "SP01",
        "Image": image,
        "TargetFilename": target,
    }
    return _windows(fields, "sysmon")


def script_block(text: str) -> Event:
    fields = {
        "Channel": "Microsoft-Windows-PowerShell/Operational",
        "EventID": 4104,
        "Computer": "SP01",
        "ScriptBlockText": text,
    }
    return _windows(fields, "powershell")


def _windows(fields: dict[str, Any], service: str) -> Event:
    logsource = LogSource(product="windows", service=service)
    return Event(fields, None, "SP01", logsource, Origin("sp01.evtx", 1))


W3WP = r"C:\Windows\System32\inetsrv\w3wp.exe"
CMD = r"C:\Windows\System32\cmd.exe"
POWERSHELL = r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"
LAYOUTS = (
    r"C:\Program Files\Common Files\Microsoft Shared\Web Server Extensions\16\TEMPLATE\LAYOUTS"
)
LAYOUTS_8DOT3 = r"C:\PROGRA~1\COMMON~1\MICROS~1\WEBSER~1\16\TEMPLATE\LAYOUTS"
SPINSTALL_READER = (
    '$t = [System.Reflection.Assembly]::Load("System.Web").GetType('
    '"System.Web.Configuration.MachineKeySection"); '
    '$c = $t.GetMethod("GetApplicationConfig", "Static, NonPublic").Invoke($null, $null); '
    "$c.ValidationKey"
)

# (rule file stem, event, whether the rule fires)
CASES = [
    # (a) ToolPane.aspx POST with the SignOut.aspx referer.
    *[
        ("web_sharepoint_toolpane_signout_referer", event, True)
        for event in (
            iis(
                "POST",
                "/_layouts/15/ToolPane.aspx",
                "DisplayMode=Edit&a=/ToolPane.aspx",
                "/_layouts/SignOut.aspx",
            ),
            iis(
                "POST",
                "/_layouts/16/ToolPane.aspx/",
                "DisplayMode=Edit&a=/ToolPane.aspx",
                "/_layouts/SignOut.aspx",
            ),
            iis(
                "POST",
                "/_LAYOUTS/15/toolpane.aspx",
                "-",
                "https://sp.example.com/_layouts/SignOut.aspx",
            ),
        )
    ],
    (
        "web_sharepoint_toolpane_signout_referer",
        iis("GET", "/_layouts/15/ToolPane.aspx", "-", "/_layouts/SignOut.aspx"),
        False,
    ),
    (
        "web_sharepoint_toolpane_signout_referer",
        iis("POST", "/_layouts/15/ToolPane.aspx", "-", "/sites/team/default.aspx"),
        False,
    ),
    (
        "web_sharepoint_toolpane_signout_referer",
        iis("POST", "/_layouts/14/ToolPane.aspx", "-", "/_layouts/SignOut.aspx"),
        False,
    ),
    # (a) the wide net: any POST to ToolPane.aspx.
    ("web_sharepoint_toolpane_post", iis("POST", "/_layouts/15/ToolPane.aspx/"), True),
    ("web_sharepoint_toolpane_post", iis("POST", "/_layouts/16/ToolPane.aspx"), True),
    ("web_sharepoint_toolpane_post", iis("GET", "/_layouts/15/ToolPane.aspx"), False),
    ("web_sharepoint_toolpane_post", iis("POST", "/_layouts/15/start.aspx"), False),
    # (a) the exploit's query, raw or percent-encoded.
    (
        "web_sharepoint_toolpane_exploit_query",
        iis("POST", "/_layouts/15/ToolPane.aspx", "DisplayMode=Edit&a=/ToolPane.aspx"),
        True,
    ),
    (
        "web_sharepoint_toolpane_exploit_query",
        iis("POST", "/_layouts/16/ToolPane.aspx/", "DisplayMode=Edit&a=%2FToolPane.aspx"),
        True,
    ),
    (
        "web_sharepoint_toolpane_exploit_query",
        iis("POST", "/_layouts/15/ToolPane.aspx", "DisplayMode=Edit"),
        False,
    ),
    (
        "web_sharepoint_toolpane_exploit_query",
        iis("GET", "/_layouts/15/start.aspx", "a=/ToolPane.aspx"),
        False,
    ),
    # (b) the spinstall webshell.
    *[
        ("web_sharepoint_spinstall_webshell", iis("GET", stem, "-", "/_layouts/SignOut.aspx"), True)
        for stem in (
            "/_layouts/15/spinstall0.aspx",
            "/_layouts/16/spinstall.aspx",
            "/_layouts/15/spinstall2.aspx",
            "/_layouts/15/ghostfile93.aspx",
        )
    ],
    ("web_sharepoint_spinstall_webshell", iis("GET", "/_layouts/15/spinstall0.js"), False),
    ("web_sharepoint_spinstall_webshell", iis("GET", "/sites/it/spinstall0.aspx"), False),
    # (b) any other unexpected page under LAYOUTS.
    ("web_sharepoint_unexpected_layouts_page", iis("GET", "/_layouts/15/spinstall0.aspx"), True),
    ("web_sharepoint_unexpected_layouts_page", iis("GET", "/_layouts/16/x7.aspx"), True),
    ("web_sharepoint_unexpected_layouts_page", iis("GET", "/_layouts/evil.aspx"), True),
    ("web_sharepoint_unexpected_layouts_page", iis("GET", "/_layouts/15/start.aspx"), False),
    ("web_sharepoint_unexpected_layouts_page", iis("GET", "/_layouts/15/viewlsts.aspx"), False),
    ("web_sharepoint_unexpected_layouts_page", iis("GET", "/_layouts/15/images/x.aspx"), False),
    ("web_sharepoint_unexpected_layouts_page", iis("GET", "/_layouts/15/blank.js"), False),
    # (c) w3wp.exe spawning a shell.
    ("proc_creation_win_w3wp_spawns_shell", sysmon(CMD, "cmd.exe /c whoami", W3WP), True),
    ("proc_creation_win_w3wp_spawns_shell", sysmon(POWERSHELL, "powershell -nop", W3WP), True),
    ("proc_creation_win_w3wp_spawns_shell", sysmon(CMD, "cmd.exe /c dir"), False),
    (
        "proc_creation_win_w3wp_spawns_shell",
        sysmon(r"C:\Windows\System32\csc.exe", "csc.exe /out:x.exe x.cs", W3WP),
        False,
    ),
    # (d) encoded PowerShell, any dash and abbreviation.
    *[
        ("proc_creation_win_powershell_encoded_command", sysmon(POWERSHELL, line), True)
        for line in (
            "powershell.exe -nop -w hidden -EncodedCommand JABiAGEAcwBlADYANABTAHQAcgBpAG4AZwA=",
            "powershell.exe -enc JABiAGEAcwBlAA==",
            "powershell.exe /e JABiAGEAcwBlAA==",
            "powershell.exe \u2013ec JABiAGEAcwBlAA==",
        )
    ],
    (
        "proc_creation_win_powershell_encoded_command",
        sysmon(POWERSHELL, "powershell.exe -ExecutionPolicy Bypass -File x.ps1"),
        False,
    ),
    (
        "proc_creation_win_powershell_encoded_command",
        sysmon(CMD, "cmd.exe /c echo -enc JABiAGEAcwBlAA=="),
        False,
    ),
    # The webshell written to disk.
    (
        "file_event_win_aspx_written_to_layouts",
        file_created(POWERSHELL, LAYOUTS + r"\spinstall0.aspx"),
        True,
    ),
    (
        "file_event_win_aspx_written_to_layouts",
        file_created(W3WP, LAYOUTS_8DOT3 + r"\ghostfile1.aspx"),
        True,
    ),
    (
        "file_event_win_aspx_written_to_layouts",
        file_created(
            LAYOUTS.replace("TEMPLATE\\LAYOUTS", "BIN\\psconfig.exe"),
            LAYOUTS + r"\start.aspx",
        ),
        False,
    ),
    ("file_event_win_aspx_written_to_layouts", file_created(W3WP, LAYOUTS + r"\1.css"), False),
    # (e) MachineKey read through reflection.
    ("ps_script_win_machinekey_access", script_block(SPINSTALL_READER), True),
    ("ps_script_win_machinekey_access", script_block("Get-SPMachineKey -WebApplication x"), False),
    ("ps_script_win_machinekey_access", script_block("$c.ValidationKey # no class"), False),
    ("proc_creation_win_machinekey_access", sysmon(POWERSHELL, SPINSTALL_READER, W3WP), True),
    (
        "proc_creation_win_machinekey_access",
        sysmon(POWERSHELL, "powershell Update-SPMachineKey -WebApplication x"),
        False,
    ),
]


@pytest.fixture(scope="module")
def matchers() -> dict[str, SigmaMatcher]:
    found = {}
    for path in RULE_FILES:
        rules = SigmaRules.load([path])
        assert rules.errors == []
        assert len(rules.rules) == 1, f"{path.name} applies to no events warroom reads"
        found[path.stem] = SigmaMatcher(rules)
    return found


@pytest.mark.parametrize(("rule", "event", "fires"), CASES)
def test_rule(matchers: dict[str, SigmaMatcher], rule: str, event: Event, fires: bool) -> None:
    findings = list(matchers[rule].scan([event]))
    assert bool(findings) is fires, (rule, event.fields)
    if fires:
        (finding,) = findings
        assert finding.author == "warroom"
        assert finding.origin == event.origin


def test_every_rule_has_positive_and_negative_cases() -> None:
    covered = {(rule, fires) for rule, _, fires in CASES}
    for path in RULE_FILES:
        assert (path.stem, True) in covered, path.name
        assert (path.stem, False) in covered, path.name


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_every_rule_is_complete_valid_sigma(path: Path) -> None:
    rule = SigmaRule.from_yaml(path.read_text(encoding="utf-8"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in (
        "title",
        "id",
        "description",
        "references",
        "author",
        "date",
        "tags",
        "logsource",
        "detection",
        "falsepositives",
        "level",
    ):
        assert data.get(key), f"{path.name} has no {key}"
    assert uuid.UUID(data["id"]).version == 4
    assert rule.author == "warroom"
    assert any(str(tag).startswith("attack.t") for tag in rule.tags)


def test_rule_ids_are_unique() -> None:
    ids = [yaml.safe_load(p.read_text(encoding="utf-8"))["id"] for p in RULE_FILES]
    assert len(ids) == len(set(ids)) == len(RULE_FILES) >= 9


def test_the_pack_loads_as_a_directory() -> None:
    rules = SigmaRules.load([SIGMA_RULES])
    assert rules.errors == []
    assert len(rules.rules) == len(RULE_FILES)
