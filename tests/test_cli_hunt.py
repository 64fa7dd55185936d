"""`warroom hunt`: exit codes, --check, the summary, output files, and --case import."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from typer.testing import CliRunner, Result

from warroom.cases.models import Incident
from warroom.cli import app

HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\n"
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query c-ip cs(Referer) sc-status\n"
)
EXPLOIT = (
    "2025-07-19 06:01:02 10.0.0.5 POST /_layouts/15/ToolPane.aspx "
    "DisplayMode=Edit&a=/ToolPane.aspx 203.0.113.7 /_layouts/SignOut.aspx 200\n"
)
QUIET = "2025-07-19 06:02:00 10.0.0.5 GET /index.aspx - 198.51.100.1 - 200\n"
GOOD_RULE = """\
title: Test rule for the CLI
id: 0b6ee7a2-9d4d-4d46-9c3b-6f1d2c3a4b5c
status: test
author: Test Author
logsource:
    category: webserver
detection:
    selection:
        cs-uri-stem|endswith: '/index.aspx'
    condition: selection
level: low
"""
BROKEN_RULE = """\
title: Broken rule
id: 6c1a2b3c-0000-4000-8000-000000000000
logsource:
    category: webserver
detection:
    selection:
        cs-uri-stem|nosuchmodifier: x
    condition: selection
level: low
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": "250"})


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    log = tmp_path / "iis" / "u_ex250719.log"
    log.parent.mkdir()
    log.write_text(HEADER + EXPLOIT + QUIET, encoding="utf-8")
    return log.parent


@pytest.fixture
def iocs(tmp_path: Path) -> Path:
    path = tmp_path / "iocs.txt"
    path.write_text("203.0.113.7\n", encoding="utf-8")
    return path


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "rules" / "broken.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(BROKEN_RULE, encoding="utf-8")
    return path


def hunt(runner: CliRunner, *args: str | Path) -> Result:
    return runner.invoke(app, ["hunt", *map(str, args)])


def test_it_prints_a_summary_and_exits_0(runner: CliRunner, evidence: Path, iocs: Path) -> None:
    result = hunt(runner, evidence, "--no-builtin-rules", "--iocs", iocs)
    assert result.exit_code == 0, result.output
    assert "Indicator seen" in result.stdout
    assert "203.0.113.7" in result.stdout
    assert "1 files, 2 events" in result.stdout


def test_the_builtin_pack_finds_the_toolshell_post(runner: CliRunner, evidence: Path) -> None:
    result = hunt(runner, evidence)
    assert result.exit_code == 0, result.output
    assert "ToolPane" in result.stdout


def test_it_credits_the_rule_author(runner: CliRunner, evidence: Path, tmp_path: Path) -> None:
    rule = tmp_path / "good.yml"
    rule.write_text(GOOD_RULE, encoding="utf-8")
    result = hunt(runner, evidence, "--no-builtin-rules", "--rules", rule)
    assert result.exit_code == 0, result.output
    assert "Test rule for the CLI" in result.stdout
    assert "Test Author" in result.stdout


def test_it_exits_3_when_a_finding_reaches_fail_on(
    runner: CliRunner, evidence: Path, iocs: Path
) -> None:
    args = (evidence, "--no-builtin-rules", "--iocs", iocs)
    assert hunt(runner, *args, "--fail-on", "high").exit_code == 3
    assert hunt(runner, *args, "--fail-on", "medium").exit_code == 3
    assert hunt(runner, *args, "--fail-on", "critical").exit_code == 0


def test_it_exits_1_on_rule_errors_but_still_hunts(
    runner: CliRunner, evidence: Path, iocs: Path, broken: Path
) -> None:
    result = hunt(runner, evidence, "--no-builtin-rules", "--iocs", iocs, "--rules", broken)
    assert result.exit_code == 1, result.output
    assert "broken.yml" in result.output
    assert "Indicator seen" in result.stdout


def test_ignore_rule_errors_exits_0(
    runner: CliRunner, evidence: Path, iocs: Path, broken: Path
) -> None:
    args = ("--no-builtin-rules", "--iocs", iocs, "--rules", broken, "--ignore-rule-errors")
    assert hunt(runner, evidence, *args).exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/evidence"], "No evidence found at: /nonexistent/evidence"),
        (["{evidence}", "--no-builtin-rules"], "Nothing to hunt with"),
        (["{evidence}", "--case", "INC-2025-0001"], "--case needs --as"),
        (["{evidence}", "--format", "xml"], "--format"),
        (["{evidence}", "--batch-size", "0"], "--batch-size"),
        (["{evidence}", "--column-map", "{evidence}/u_ex250719.log"], "column map"),
    ],
)
def test_usage_errors_exit_2(
    runner: CliRunner, evidence: Path, args: list[str], message: str
) -> None:
    result = hunt(runner, *[a.format(evidence=evidence) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_check_reports_every_broken_rule(runner: CliRunner, broken: Path, tmp_path: Path) -> None:
    other = broken.parent / "also_broken.yml"
    other.write_text("title: [unclosed\n", encoding="utf-8")
    (broken.parent / "good.yml").write_text(GOOD_RULE, encoding="utf-8")
    result = hunt(runner, "--check", broken.parent)
    assert result.exit_code == 1, result.output
    assert "broken.yml" in result.output
    assert "also_broken.yml" in result.output
    assert "2 broken" in result.output


def test_check_passes_good_rules(runner: CliRunner, tmp_path: Path) -> None:
    rule = tmp_path / "good.yml"
    rule.write_text(GOOD_RULE, encoding="utf-8")
    result = hunt(runner, "--check", rule)
    assert result.exit_code == 0, result.output
    assert "0 broken" in result.output


def test_check_without_rules_is_a_usage_error(runner: CliRunner) -> None:
    assert hunt(runner, "--check").exit_code == 2


@pytest.mark.parametrize(
    ("fmt", "first_key"),
    [("jsonl", "rule_id"), ("csv", "rule_id"), ("timesketch", "message")],
)
def test_it_writes_the_findings(
    runner: CliRunner, evidence: Path, iocs: Path, tmp_path: Path, fmt: str, first_key: str
) -> None:
    out = tmp_path / f"findings.{fmt}"
    args = (evidence, "--no-builtin-rules", "--iocs", iocs, "--out", out)
    result = hunt(runner, *args, "--output-format", fmt)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(text.splitlines()))
    else:
        rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == 1
    assert rows[0][first_key].startswith(("ioc:", "[high]"))


def test_it_imports_into_a_case_once(
    runner: CliRunner, evidence: Path, iocs: Path, case: Incident, bob: User
) -> None:
    from warroom.cases.choices import AssetState, EventSource

    args = (evidence, "--no-builtin-rules", "--iocs", iocs, "--case", case.reference)
    first = hunt(runner, *args, "--as", "bob")
    assert first.exit_code == 0, first.output
    assert "1 findings added to the timeline" in first.output
    second = hunt(runner, *args, "--as", "bob")
    assert "0 findings added to the timeline (1 already there)" in second.output
    event = case.events.get(source=EventSource.HUNT)
    assert event.actor == bob
    assert event.indicator is not None
    assert event.indicator.value == "203.0.113.7"
    assert case.assets.get().state == AssetState.SUSPECTED


def test_it_refuses_to_import_as_an_outsider(
    runner: CliRunner, evidence: Path, iocs: Path, case: Incident, charlie: User
) -> None:
    args = (evidence, "--no-builtin-rules", "--iocs", iocs, "--case", case.reference)
    result = hunt(runner, *args, "--as", "charlie")
    assert result.exit_code == 2
    assert "charlie is not a member" in result.output


def test_the_progress_bar_waits_a_second_before_it_appears() -> None:
    from warroom.hunt.hunt import Progress
    from warroom.hunt_cli import _ProgressBar

    bar = _ProgressBar()
    bar(Progress(10, 100, 5, 0, "events"))
    assert bar.bar is None
    bar.started -= 2
    bar(Progress(50, 100, 25, 1, "events"))
    assert bar.bar is not None
    assert bar.bar.tasks[0].completed == 50
    bar.close()


def test_yara_finds_a_webshell_with_the_builtin_rules(runner: CliRunner, tmp_path: Path) -> None:
    layouts = tmp_path / "LAYOUTS"
    layouts.mkdir()
    (layouts / "spinstall0.aspx").write_text(
        '<%@ Import Namespace="System.Web.Configuration" %>\n'
        '<script runat="server" language="c#">\n'
        "var section = (MachineKeySection)WebConfigurationManager.GetSection("
        '"system.web/machineKey");\n'
        'Response.Write(section.ValidationKey + "|" + section.DecryptionKey);\n'
        "</script>\n",
        encoding="utf-8",
    )
    yara_rules = tmp_path / "empty.yar"
    yara_rules.write_text("rule Never { condition: false }\n", encoding="utf-8")
    result = hunt(runner, layouts, "--yara", yara_rules, "--fail-on", "critical")
    assert result.exit_code == 3, result.output
    assert "ASPX_MachineKey_Dumper" in result.stdout or "MachineKey" in result.stdout


def test_check_lists_broken_yara_rules(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yar"
    bad.write_text("rule Broken { condition: nonsense }\n", encoding="utf-8")
    result = hunt(runner, "--check", "--yara", bad)
    assert result.exit_code == 1, result.output
    assert "bad.yar:1" in result.output


SAMPLE_NAME = "windows/file/file_event/file_event_win_creation_system_dll_files"
SAMPLE_RULE = f"rules/{SAMPLE_NAME}.yml"
SAMPLE_DIR = f"regression_data/rules/{SAMPLE_NAME}"
SAMPLE_ID = "13c02350-4177-4e45-ac17-cf7ca628ff5e"


@pytest.mark.parametrize("suffix", ["evtx", "json"])
def test_a_sigmahq_regression_sample_end_to_end(
    runner: CliRunner, tmp_path: Path, suffix: str
) -> None:
    root = os.environ.get("WARROOM_SIGMA_DIR")
    if not root:
        pytest.skip("WARROOM_SIGMA_DIR is not set: it names the SigmaHQ snapshot to test with")
    sample = Path(root) / SAMPLE_DIR / f"{SAMPLE_ID}.{suffix}"
    out = tmp_path / "findings.jsonl"
    args = (sample, "--no-builtin-rules", "--rules", Path(root) / SAMPLE_RULE, "--out", out)
    result = hunt(runner, *args)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert SAMPLE_ID in {record["rule_id"] for record in records}
    assert all(record["author"] for record in records)


def test_the_output_format_follows_a_csv_suffix(
    runner: CliRunner, evidence: Path, iocs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "findings.csv"
    assert hunt(runner, evidence, "--no-builtin-rules", "--iocs", iocs, "--out", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("time,level,title,rule_id")


def test_a_yaml_column_map_reads_a_firewall_export(runner: CliRunner, tmp_path: Path) -> None:
    export = tmp_path / "fw.csv"
    export.write_text(
        "Receive Time,Source address,Destination address,Destination Port,Action\n"
        "2025/08/12 03:14:15,10.20.0.11,203.0.113.7,443,allow\n",
        encoding="utf-8",
    )
    column_map = tmp_path / "fw.yml"
    column_map.write_text(
        "category: firewall\n"
        "time: Receive Time\n"
        'time_format: "%Y/%m/%d %H:%M:%S"\n'
        "fields:\n"
        "  Source address: src_ip\n"
        "  Destination address: dst_ip\n"
        "  Destination Port: dst_port\n"
        "  Action: action\n",
        encoding="utf-8",
    )
    iocs = tmp_path / "iocs.txt"
    iocs.write_text("203.0.113.7\n", encoding="utf-8")
    out = tmp_path / "found.jsonl"
    result = hunt(
        runner,
        export,
        "--format",
        "csv",
        "--column-map",
        column_map,
        "--iocs",
        iocs,
        "--no-builtin-rules",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    (finding,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert finding["time"].startswith("2025-08-12T03:14:15")
    assert "dst_ip" in finding["detail"]


def test_a_bad_column_map_is_named(runner: CliRunner, evidence: Path, tmp_path: Path) -> None:
    column_map = tmp_path / "bad.yml"
    column_map.write_text("category: firewall\nfields: [src, dst]\n", encoding="utf-8")
    result = hunt(runner, evidence, "--column-map", column_map)
    assert result.exit_code == 2
    assert "bad.yml" in result.output or "unknown keys" in result.output
