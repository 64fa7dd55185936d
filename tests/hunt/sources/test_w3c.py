"""IIS W3C extended logs: layouts, mid-file layout changes, decoding, corrupt lines."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.hunt.source import Event, LogSource, Problems
from warroom.hunt.sources.w3c import W3cSource, decode_query

HEADER = (
    "#Software: Microsoft Internet Information Services 10.0\n"
    "#Version: 1.0\n"
    "#Date: 2025-07-18 00:00:00\n"
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n"
)
UA_FIREFOX = "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64;+rv:120.0)+Gecko/20100101+Firefox/120.0"
TOOLPANE = (
    "2025-07-18 16:06:12 10.0.0.5 POST /_layouts/15/ToolPane.aspx "
    "DisplayMode=Edit&a=/ToolPane.aspx 443 - 107.191.58.76 "
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64;+rv:120.0)+Gecko/20100101+Firefox/120.0 "
    "/_layouts/SignOut.aspx 200 0 0 312\n"
)


def parse(text: str, problems: Problems | None = None) -> list[Event]:
    stream = io.BytesIO(text.encode())
    return list(W3cSource().events(stream, "u_ex250718.log", problems or Problems()))


def test_it_reads_the_default_iis_layout() -> None:
    (event,) = parse(HEADER + TOOLPANE)
    assert event.time == datetime(2025, 7, 18, 16, 6, 12, tzinfo=UTC)
    assert event.logsource == LogSource(category="webserver", service="iis")
    assert event.origin.position == 5
    assert event.origin.unit == "line"
    assert event.fields["cs-method"] == "POST"
    assert event.fields["cs-uri-stem"] == "/_layouts/15/ToolPane.aspx"
    assert event.fields["cs-uri-query"] == "DisplayMode=Edit&a=/ToolPane.aspx"
    assert event.fields["c-ip"] == "107.191.58.76"
    assert event.fields["sc-status"] == 200
    assert event.fields["s-port"] == 443


def test_it_gives_sigma_aliases_with_the_user_agent_decoded() -> None:
    (event,) = parse(HEADER + TOOLPANE)
    assert event.fields["cs(User-Agent)"].startswith("Mozilla/5.0+(Windows+NT")
    assert event.fields["cs-user-agent"] == (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"
    )
    assert event.fields["cs-referer"] == "/_layouts/SignOut.aspx"


def test_a_dash_is_none() -> None:
    (event,) = parse(HEADER + TOOLPANE)
    assert event.fields["cs-username"] is None


def test_it_keeps_the_raw_query_and_adds_a_decoded_one() -> None:
    line = TOOLPANE.replace("DisplayMode=Edit&a=/ToolPane.aspx", "q=cmd+/c+whoami%26dir")
    (event,) = parse(HEADER + line)
    assert event.fields["cs-uri-query"] == "q=cmd+/c+whoami%26dir"
    assert event.fields["cs-uri-query-decoded"] == "q=cmd /c whoami&dir"


def test_it_follows_a_layout_change_in_the_middle_of_the_file() -> None:
    second = "#Fields: time c-ip cs-method cs-uri-stem sc-status cs-host\n"
    text = HEADER + TOOLPANE + second + "16:07:00 1.2.3.4 GET /x.aspx 404 sp.example.com\n"
    first, changed = parse(text)
    assert first.fields["cs-method"] == "POST"
    assert changed.fields == {
        "time": "16:07:00",
        "c-ip": "1.2.3.4",
        "cs-method": "GET",
        "cs-uri-stem": "/x.aspx",
        "sc-status": 404,
        "cs-host": "sp.example.com",
    }
    # No date column: the day comes from the #Date directive.
    assert changed.time == datetime(2025, 7, 18, 16, 7, tzinfo=UTC)


def test_the_host_is_the_computer_name_when_logged() -> None:
    text = "#Fields: date time s-computername cs-method\n2025-07-18 01:02:03 SP01 GET\n"
    (event,) = parse(text)
    assert event.host == "SP01"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("2025-07-18 16:06:12 10.0.0.5 POST\n", "4 fields where #Fields names 15"),
        (TOOLPANE.replace("2025-07-18", "18/07/2025"), "bad date/time"),
        (TOOLPANE.replace("16:06:12", "16h06"), "bad date/time"),
        (TOOLPANE.replace(" 200 0 0 312", " OK 0 0 312"), "sc-status is not a number"),
    ],
)
def test_a_corrupt_line_is_reported_with_its_number_and_skipped(line: str, reason: str) -> None:
    problems = Problems()
    events = parse(HEADER + line + TOOLPANE, problems)
    assert len(events) == 1
    assert events[0].origin.position == 6
    (skip,) = problems.skipped
    assert skip.path == "u_ex250718.log"
    assert skip.position == 5
    assert reason in skip.reason


def test_data_before_any_fields_directive_is_reported() -> None:
    problems = Problems()
    assert parse(TOOLPANE, problems) == []
    assert "before any #Fields" in problems.skipped[0].reason


def test_it_tolerates_a_byte_order_mark_crlf_and_blank_lines() -> None:
    text = "\ufeff" + HEADER.replace("\n", "\r\n") + "\r\n" + TOOLPANE.replace("\n", "\r\n")
    (event,) = parse(text)
    assert event.fields["time-taken"] == 312


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (HEADER.encode(), True),
        (b"#Fields: date time cs-method\n", True),
        (b"\xef\xbb\xbf#Software: Microsoft Internet Information Services 8.5\n", True),
        (b'127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1\n', False),
        (b"ts,src_ip,dst_ip\n", False),
    ],
)
def test_sniff(head: bytes, expected: bool) -> None:
    assert W3cSource.sniff(head, "u_ex.log") is expected


def test_decode_query_leaves_plain_values_alone() -> None:
    assert decode_query(None) is None
    assert decode_query("a=b") == "a=b"


# Values as IIS writes them: no spaces, never empty (an empty value is written "-").
W3C_VALUE = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")), min_size=1
).filter(lambda v: v != "-" and v.strip() == v and "\x85" not in v)
FIELD_NAME = st.sampled_from(
    ["s-ip", "cs-method", "cs-uri-stem", "cs-uri-query", "c-ip", "cs(Referer)", "s-sitename"]
)


@given(
    names=st.lists(FIELD_NAME, min_size=1, max_size=7, unique=True),
    rows=st.lists(st.lists(W3C_VALUE, min_size=7, max_size=7), min_size=1, max_size=5),
    second=st.integers(0, 59),
)
def test_any_layout_round_trips(names: list[str], rows: list[list[str]], second: int) -> None:
    lines = [f"#Fields: date time {' '.join(names)}"]
    for row in rows:
        lines.append(f"2025-07-18 10:00:{second:02} " + " ".join(row[: len(names)]))
    problems = Problems()
    events = parse("\n".join(lines) + "\n", problems)
    assert problems.count == 0
    assert len(events) == len(rows)
    for event, row in zip(events, rows, strict=True):
        assert event.time == datetime(2025, 7, 18, 10, 0, second, tzinfo=UTC)
        for name, value in zip(names, row, strict=False):
            assert event.fields[name] == value


EMERGING = "rules-emerging-threats/2025/Exploits"
TOOLPANE_QUERY = "DisplayMode=Edit&a=/ToolPane.aspx"


def sigmahq_rule(relative: str) -> Path:
    """A rule of the SigmaHQ snapshot named by WARROOM_SIGMA_DIR (the test skips without it)."""
    root = os.environ.get("WARROOM_SIGMA_DIR")
    if not root:
        pytest.skip("WARROOM_SIGMA_DIR is not set: SigmaHQ rules are not available")
    return Path(root, relative)


@pytest.mark.parametrize(
    ("rule", "line"),
    [
        # Field selections on the raw query and the Referer alias.
        (f"{EMERGING}/CVE-2025-53770/web_win_iis_exploit_cve_2025_53770.yml", TOOLPANE),
        # Keywords written with IIS's own encoding ("=cmd+/c+") match the raw values.
        (
            "rules/web/webserver_generic/web_win_webshells_in_access_logs.yml",
            TOOLPANE.replace("POST", "GET").replace(TOOLPANE_QUERY, "c=cmd+/c+dir"),
        ),
        # User agents are matched with spaces, as browsers send them.
        (
            "rules/web/webserver_generic/web_susp_useragents.yml",
            TOOLPANE.replace(UA_FIREFOX, "Fuzz+Faster+U+Fool+v2.1.0"),
        ),
    ],
)
def test_sigmahq_webserver_rules_fire_on_iis_lines(rule: str, line: str) -> None:
    from warroom.hunt.matchers.sigma import SigmaMatcher, SigmaRules

    rules = SigmaRules.load([sigmahq_rule(rule)])
    assert rules.errors == []
    assert len(list(SigmaMatcher(rules).scan(parse(HEADER + line)))) == 1


def test_the_windows_firewall_log_is_read_as_a_firewall_log() -> None:
    text = (
        "#Version: 1.5\n#Software: Microsoft Windows Firewall\n#Time Format: Local\n"
        "#Fields: date time action protocol src-ip dst-ip src-port dst-port size path\n"
        "2025-07-18 16:06:12 ALLOW TCP 10.0.0.5 65.38.121.198 50123 443 0 SEND\n"
    )
    (event,) = parse(text)
    assert event.logsource == LogSource(category="firewall", service="windows-firewall")
    assert event.fields["src_ip"] == "10.0.0.5"
    assert event.fields["dst_ip"] == "65.38.121.198"
    assert event.fields["dst_port"] == 443
    assert event.fields["action"] == "ALLOW"
    assert event.host is None
