"""Each Sigma modifier and condition form, on tiny rules and events built here."""

from __future__ import annotations

import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.hunt.tables import as_table, without_nulls
from warroom.hunt.finding import Level
from warroom.hunt.matchers.sigma import SigmaMatcher, SigmaRules, check
from warroom.hunt.source import Event, LogSource, Origin

RULE = """\
title: Test rule
id: 00000000-0000-0000-0000-000000000001
author: Tester
tags: [attack.execution, attack.t1059.001]
level: high
logsource: {{product: windows, category: process_creation}}
detection:
{detection}
"""


def sysmon(**fields: Any) -> Event:
    fields.setdefault("EventID", 1)
    return Event(
        fields=fields,
        time=None,
        host="WS1",
        logsource=LogSource(product="windows", service="sysmon"),
        origin=Origin("test.evtx", 7),
    )


def load(tmp_path: Path, detection: str, template: str = RULE) -> SigmaRules:
    body = textwrap.indent(textwrap.dedent(detection).strip(), "  ")
    (tmp_path / "rule.yml").write_text(template.format(detection=body), encoding="utf-8")
    rules = SigmaRules.load([tmp_path])
    assert not rules.errors, rules.errors
    return rules


def fires(tmp_path: Path, detection: str, event: Event) -> bool:
    """Whether the rule fires on EVENT, read as an Event and as a table: both must agree."""
    matcher = SigmaMatcher(load(tmp_path, detection))
    found = list(matcher.scan([event]))
    assert without_nulls(list(matcher.scan_table(as_table([event])))) == without_nulls(found)
    return bool(found)


CASES = [
    ("sel: {Image: 'C:\\x\\cmd.exe'}", {"Image": "c:\\X\\CMD.EXE"}, True),
    ("sel: {Image: 'cmd.exe'}", {"Image": "C:\\cmd.exe"}, False),
    ("sel: {Image|endswith: '\\cmd.exe'}", {"Image": "C:\\W\\Cmd.exe"}, True),
    ("sel: {Image|startswith: 'c:\\w'}", {"Image": "C:\\W\\Cmd.exe"}, True),
    ("sel: {CommandLine|contains: ' -ENC '}", {"CommandLine": "powershell -enc AA"}, True),
    ("sel: {CommandLine|contains: 'x'}", {"Image": "x"}, False),
    ("sel: {CommandLine: 'a*c?e'}", {"CommandLine": "abbcde"}, True),
    ("sel: {CommandLine: 'a*c?e'}", {"CommandLine": "abbce"}, False),
    ("sel: {CommandLine: '100%_'}", {"CommandLine": "100%_"}, True),
    ("sel: {CommandLine: '100%_'}", {"CommandLine": "1000xy"}, False),
    ("sel: {CommandLine|contains|all: [a, b]}", {"CommandLine": "b a"}, True),
    ("sel: {CommandLine|contains|all: [a, b]}", {"CommandLine": "a"}, False),
    ("sel: {CommandLine|contains: [a, b]}", {"CommandLine": "b"}, True),
    ("sel: {CommandLine|re: '^A.C$'}", {"CommandLine": "AbC"}, True),
    ("sel: {CommandLine|re: '^A.C$'}", {"CommandLine": "abc"}, False),
    ("sel: {CommandLine|re|i: '^A.C$'}", {"CommandLine": "abc"}, True),
    ("sel: {CommandLine|re|s: 'a.b'}", {"CommandLine": "a\nb"}, True),
    ("sel: {CommandLine|re|m: '^b$'}", {"CommandLine": "a\nb"}, True),
    ("sel: {DestinationIp|cidr: 10.1.0.0/16}", {"DestinationIp": "10.1.2.3"}, True),
    ("sel: {DestinationIp|cidr: 10.1.0.0/16}", {"DestinationIp": "10.2.2.3"}, False),
    ("sel: {CommandLine|windash|contains: ' -f '}", {"CommandLine": "x /f y"}, True),
    ("sel: {CommandLine|base64: 'evil'}", {"CommandLine": "ZXZpbA=="}, True),
    ("sel: {CommandLine|base64offset|contains: 'evil'}", {"CommandLine": "xxZXZpbAyy"}, True),
    (
        "sel: {CommandLine|wide|base64offset|contains: 'ping'}",
        {"CommandLine": "-enc cABpAG4AZwA="},
        True,
    ),
    ("sel: {ParentImage|exists: true}", {"ParentImage": "x"}, True),
    ("sel: {ParentImage|exists: true}", {"Image": "x"}, False),
    ("sel: {ParentImage|exists: false}", {"Image": "x"}, True),
    ("sel: {ParentImage: null}", {"Image": "x"}, True),
    ("sel: {ParentImage: null}", {"ParentImage": ""}, True),
    ("sel: {ParentImage: null}", {"ParentImage": "x"}, False),
    ("sel: {TerminalSessionId|gte: 2}", {"TerminalSessionId": "2"}, True),
    ("sel: {TerminalSessionId|gt: 2}", {"TerminalSessionId": "2"}, False),
    ("sel: {TerminalSessionId|lt: 2}", {"TerminalSessionId": "1"}, True),
    ("sel: {TerminalSessionId|lte: 2}", {"TerminalSessionId": "3"}, False),
    ("sel: {Image|fieldref: ParentImage}", {"Image": "A", "ParentImage": "a"}, True),
    ("sel: {Image|fieldref: ParentImage}", {"Image": "A", "ParentImage": "b"}, False),
    ("sel: {EventID: 1}", {"Image": "x"}, True),
    ("sel: {Image|cased: 'ABC'}", {"Image": "abc"}, False),
]


@pytest.mark.parametrize(("selection", "fields", "expected"), CASES)
def test_modifier(tmp_path: Path, selection: str, fields: dict[str, Any], expected: bool) -> None:
    assert fires(tmp_path, selection + "\ncondition: sel", sysmon(**fields)) is expected


CONDITIONS = [
    ("sel1 and sel2", {"A": "1", "B": "2"}, True),
    ("sel1 and sel2", {"A": "1"}, False),
    ("sel1 or sel2", {"B": "2"}, True),
    ("sel1 and not sel2", {"A": "1"}, True),
    ("sel1 and not sel2", {"A": "1", "B": "2"}, False),
    ("not sel2", {}, True),
    ("1 of sel*", {"B": "2"}, True),
    ("all of sel*", {"B": "2"}, False),
    ("all of them", {"A": "1", "B": "2", "C": "3"}, True),
    ("1 of them", {"C": "3"}, True),
    ("(sel1 or sel2) and not other", {"A": "1", "C": "3"}, False),
    ("(sel1 or sel2) and not other", {"A": "1"}, True),
]


@pytest.mark.parametrize(("condition", "fields", "expected"), CONDITIONS)
def test_condition(tmp_path: Path, condition: str, fields: dict[str, Any], expected: bool) -> None:
    detection = f"sel1: {{A: '1'}}\nsel2: {{B: '2'}}\nother: {{C: '3'}}\ncondition: {condition}"
    assert fires(tmp_path, detection, sysmon(**fields)) is expected


def test_keywords_match_any_field(tmp_path: Path) -> None:
    detection = "keywords: ['mimikatz', 'sekurlsa::*']\ncondition: keywords"
    assert fires(tmp_path, detection, sysmon(CommandLine="run Mimikatz.exe"))
    assert not fires(tmp_path, detection, sysmon(CommandLine="notepad"))


def test_keywords_do_not_see_missing_values_as_text(tmp_path: Path) -> None:
    # A field IIS logged as "-" is None; it must not read as the word "None".
    detection = "keywords: ['none']\ncondition: keywords"
    assert not fires(tmp_path, detection, sysmon(Image="C:\\a.exe", CommandLine=None))
    assert fires(tmp_path, detection, sysmon(Image="C:\\a.exe", CommandLine="x none y"))


def test_a_field_only_a_later_event_of_the_batch_has_is_matched(tmp_path: Path) -> None:
    matcher = SigmaMatcher(load(tmp_path, "sel: {CommandLine|contains: 'whoami'}\ncondition: sel"))
    events = [sysmon(Image="C:\\a.exe"), sysmon(Image="C:\\b.exe", CommandLine="whoami /all")]
    assert [f.fields["Image"] for f in matcher.scan(events)] == ["C:\\b.exe"]


def test_fields_of_mixed_types_in_one_batch_are_matched(tmp_path: Path) -> None:
    matcher = SigmaMatcher(load(tmp_path, "sel: {LogonType: '3'}\ncondition: sel"))
    events = [sysmon(LogonType=3), sysmon(LogonType="3"), sysmon(LogonType="2")]
    assert len(list(matcher.scan(events))) == 2


def test_finding_reports_the_rule_and_the_event(tmp_path: Path) -> None:
    rules = load(tmp_path, "sel: {Image|endswith: '\\cmd.exe'}\ncondition: sel")
    event = sysmon(Image="C:\\cmd.exe")
    (finding,) = SigmaMatcher(rules).scan([sysmon(Image="a"), event])
    assert finding.matcher == "sigma"
    assert finding.rule_id == "00000000-0000-0000-0000-000000000001"
    assert finding.level is Level.HIGH
    assert finding.tags == ("attack.execution", "attack.t1059.001")
    assert finding.author == "Tester"
    assert finding.origin == Origin("test.evtx", 7)
    assert finding.host == "WS1"
    assert finding.fields["Image"] == "C:\\cmd.exe"


def test_security_4688_is_process_creation_with_renamed_fields(tmp_path: Path) -> None:
    rules = load(tmp_path, "sel: {Image|endswith: '\\cmd.exe'}\ncondition: sel")
    event = Event(
        fields={"EventID": 4688, "NewProcessName": "C:\\cmd.exe"},
        time=None,
        host=None,
        logsource=LogSource(product="windows", service="security"),
        origin=Origin("s.evtx", 1),
    )
    assert len(list(SigmaMatcher(rules).scan([event]))) == 1


def test_other_sysmon_event_ids_are_not_process_creation(tmp_path: Path) -> None:
    detection = "sel: {Image|endswith: '\\cmd.exe'}\ncondition: sel"
    assert not fires(tmp_path, detection, sysmon(EventID=11, Image="C:\\cmd.exe"))


def test_webserver_rules_apply_to_web_logs(tmp_path: Path) -> None:
    template = RULE.replace("product: windows, category: process_creation", "category: webserver")
    rules = load(tmp_path, "sel: {cs-uri-stem|contains: 'ToolPane'}\ncondition: sel", template)
    event = Event(
        fields={"cs-uri-stem": "/_layouts/15/ToolPane.aspx", "cs(User-Agent)": "x"},
        time=None,
        host=None,
        logsource=LogSource(category="webserver", service="iis"),
        origin=Origin("u.log", 3, "line"),
    )
    assert len(list(SigmaMatcher(rules).scan([event]))) == 1


def test_unmapped_logsource_is_not_applicable(tmp_path: Path) -> None:
    template = RULE.replace("product: windows, category: process_creation", "product: linux")
    (tmp_path / "r.yml").write_text(template.format(detection="  s: {a: b}\n  condition: s"))
    rules = SigmaRules.load([tmp_path])
    assert (len(rules.rules), len(rules.errors), rules.not_applicable) == (0, 0, 1)


def test_broken_rules_are_all_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad_yaml.yml").write_text("title: x\ndetection: [\n", encoding="utf-8")
    (tmp_path / "bad_condition.yml").write_text(
        RULE.format(detection="  sel: {a: b}\n  condition: sel and nothere")
    )
    (tmp_path / "bad_regex.yml").write_text(
        RULE.format(detection="  sel: {a|re: '(?<=x)y'}\n  condition: sel")
    )
    (tmp_path / "good.yml").write_text(RULE.format(detection="  sel: {a: b}\n  condition: sel"))
    errors = check([tmp_path])
    assert sorted(Path(e.path).name for e in errors) == [
        "bad_condition.yml",
        "bad_regex.yml",
        "bad_yaml.yml",
    ]
    assert all(e.line is not None for e in errors if e.path.endswith("_yaml.yml"))


def test_rules_load_from_a_zip_archive(tmp_path: Path) -> None:
    archive = tmp_path / "sigma.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("rules/windows/r.yml", RULE.format(detection="  s: {a: b}\n  condition: s"))
        out.writestr("README.md", "not a rule")
    rules = SigmaRules.load([archive])
    assert len(rules.rules) == 1
    assert not rules.errors


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    assert len(check([tmp_path / "nowhere"])) == 1


def test_compiled_rules_are_cached_by_the_rule_files_hash(tmp_path: Path) -> None:
    rules_dir, cache = tmp_path / "rules", tmp_path / "cache"
    rules_dir.mkdir()
    (rules_dir / "r.yml").write_text(RULE.format(detection="  s: {a: b}\n  condition: s"))
    (rules_dir / "bad.yml").write_text("title: [\n")
    first = SigmaRules.load([rules_dir], cache_dir=cache)
    assert len(list(cache.glob("sigma-*.pickle"))) == 1
    assert cache.stat().st_mode & 0o777 == 0o700
    again = SigmaRules.load([rules_dir], cache_dir=cache)
    assert [r.id for r in again.rules] == [r.id for r in first.rules]
    assert [str(e) for e in again.errors] == [str(e) for e in first.errors]
    (rules_dir / "r.yml").write_text(RULE.format(detection="  s: {a: c}\n  condition: s"))
    SigmaRules.load([rules_dir], cache_dir=cache)
    assert len(list(cache.glob("sigma-*.pickle"))) == 2


@pytest.mark.parametrize(
    "value",
    [
        "x'); COPY (SELECT 42) TO '{out}'; --",
        "x\\'); COPY (SELECT 42) TO '{out}'; --",
        "x' OR '1'='1",
    ],
)
def test_rule_values_cannot_escape_their_sql_string(tmp_path: Path, value: str) -> None:
    # Rules come from files a user downloaded: a value is data, never SQL.
    out = tmp_path / "pwned.csv"
    text = value.format(out=out).replace("'", "''")
    detection = f"sel: {{CommandLine|contains: '{text}'}}\ncondition: sel"
    assert not fires(tmp_path, detection, sysmon(CommandLine="innocent"))
    assert fires(tmp_path, detection, sysmon(CommandLine=f"a {value.format(out=out)} b"))
    assert not out.exists()
