"""Apache/Nginx combined and common access logs."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.hunt.source import Event, LogSource, Problems
from warroom.hunt.sources.combined import CombinedSource, parse_time

LINE = (
    '203.0.113.9 - frank [10/Oct/2000:13:55:36 -0700] "GET /search.php?q=union%20select HTTP/1.1" '
    '200 2326 "http://www.example.com/start.html" "Mozilla/5.0 (X11; Linux x86_64)"\n'
)


def parse(text: str, problems: Problems | None = None, path: str = "access.log") -> list[Event]:
    stream = io.BytesIO(text.encode())
    return list(CombinedSource().events(stream, path, problems or Problems()))


def test_it_reads_a_combined_line_into_sigma_names() -> None:
    (event,) = parse(LINE)
    assert event.fields == {
        "c-ip": "203.0.113.9",
        "cs-ident": None,
        "cs-username": "frank",
        "cs-request": "GET /search.php?q=union%20select HTTP/1.1",
        "cs-method": "GET",
        "cs-uri": "/search.php?q=union%20select",
        "cs-uri-stem": "/search.php",
        "cs-uri-query": "q=union%20select",
        "cs-uri-query-decoded": "q=union select",
        "cs-version": "HTTP/1.1",
        "sc-status": 200,
        "sc-bytes": 2326,
        "cs-referer": "http://www.example.com/start.html",
        "cs-user-agent": "Mozilla/5.0 (X11; Linux x86_64)",
    }
    assert event.time == datetime(2000, 10, 10, 20, 55, 36, tzinfo=UTC)
    assert event.origin.position == 1


def test_it_reads_the_common_format() -> None:
    (event,) = parse('10.1.1.1 - - [01/Jan/2025:00:00:00 +0100] "POST /login HTTP/1.0" 302 -\n')
    assert event.fields["cs-method"] == "POST"
    assert event.fields["sc-bytes"] is None
    assert event.fields["cs-uri-query"] is None
    assert "cs-user-agent" in event.fields
    assert event.fields["cs-user-agent"] is None
    assert event.time == datetime(2024, 12, 31, 23, 0, tzinfo=UTC)


def test_it_undoes_escaped_quotes_in_request_and_user_agent() -> None:
    line = (
        '1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET /a?x=\\"y\\" HTTP/1.1" 200 1 "-" '
        '"curl \\"7\\" \\\\ ok"\n'
    )
    (event,) = parse(line)
    assert event.fields["cs-uri-query"] == 'x="y"'
    assert event.fields["cs-user-agent"] == 'curl "7" \\ ok'
    assert event.fields["cs-referer"] is None


def test_a_junk_request_line_is_kept_as_evidence() -> None:
    line = '1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "\\x16\\x03\\x01" 400 0 "-" "-"\n'
    (event,) = parse(line)
    assert event.fields["cs-request"] == "\\x16\\x03\\x01"
    assert "cs-method" not in event.fields


def test_the_service_comes_from_the_file_name() -> None:
    (event,) = parse(LINE, path="/var/log/nginx/access.log")
    assert event.logsource == LogSource(category="webserver", service="nginx")
    (event,) = parse(LINE, path="/var/log/httpd/access_log")
    assert event.logsource.service == "apache"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not a log line at all\n", "not a combined/common log line"),
        (LINE.replace("10/Oct/2000", "10/Foo/2000"), "bad time"),
        (LINE.replace("-0700", "PDT"), "bad time"),
    ],
)
def test_a_malformed_line_is_reported_and_skipped(line: str, reason: str) -> None:
    problems = Problems()
    events = parse(LINE + line + LINE, problems)
    assert [e.origin.position for e in events] == [1, 3]
    (skip,) = problems.skipped
    assert skip.position == 2
    assert reason in skip.reason


def test_sniff() -> None:
    assert CombinedSource.sniff((LINE * 3).encode(), "access.log")
    assert not CombinedSource.sniff(b"#Fields: date time\n", "u_ex.log")
    assert not CombinedSource.sniff(b"ts,src_ip\n1,2\n", "fw.csv")
    assert not CombinedSource.sniff(b"", "empty")


def test_parse_time_converts_the_offset_to_utc() -> None:
    assert parse_time("18/Jul/2025:18:06:12 +0200") == datetime(2025, 7, 18, 16, 6, 12, tzinfo=UTC)


QUOTED = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1
).filter(lambda v: v != "-" and "\x85" not in v)
TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789/._%=&-", min_size=1)


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


@given(
    client=st.ip_addresses().map(str),
    when=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)),
    offset=st.integers(-12 * 60, 14 * 60),
    method=st.sampled_from(["GET", "POST", "PROPFIND"]),
    stem=TOKEN.map(lambda t: "/" + t.replace("?", "")),
    query=st.none() | TOKEN,
    status=st.integers(100, 599),
    size=st.none() | st.integers(0, 10**12),
    referer=QUOTED,
    agent=QUOTED,
)
def test_any_combined_line_round_trips(
    client: str,
    when: datetime,
    offset: int,
    method: str,
    stem: str,
    query: str | None,
    status: int,
    size: int | None,
    referer: str,
    agent: str,
) -> None:
    sign = "-" if offset < 0 else "+"
    zone = f"{sign}{abs(offset) // 60:02}{abs(offset) % 60:02}"
    target = stem + (f"?{query}" if query else "")
    line = (
        f'{client} - - [{when:%d/%b/%Y:%H:%M:%S} {zone}] "{method} {target} HTTP/1.1" {status} '
        f'{"-" if size is None else size} "{escape(referer)}" "{escape(agent)}"\n'
    )
    problems = Problems()
    (event,) = parse(line, problems)
    assert problems.count == 0
    fields = event.fields
    assert (fields["c-ip"], fields["cs-method"], fields["cs-uri-stem"]) == (client, method, stem)
    assert fields["cs-uri-query"] == (query or None)
    assert (fields["sc-status"], fields["sc-bytes"]) == (status, size)
    assert (fields["cs-referer"], fields["cs-user-agent"]) == (referer, agent)
    minutes = abs(offset) * (-1 if offset < 0 else 1)
    expected = when.replace(microsecond=0) - timedelta(minutes=minutes)
    assert event.time == expected.replace(tzinfo=UTC)


def test_sigmahq_webserver_rules_fire_on_combined_lines() -> None:
    root = os.environ.get("WARROOM_SIGMA_DIR")
    if not root:
        pytest.skip("WARROOM_SIGMA_DIR is not set: SigmaHQ rules are not available")
    from warroom.hunt.matchers.sigma import SigmaMatcher, SigmaRules

    rules = SigmaRules.load(
        [
            Path(root, "rules/web/webserver_generic/web_sql_injection_in_access_logs.yml"),
            Path(root, "rules/web/webserver_generic/web_susp_useragents.yml"),
        ]
    )
    agent = LINE.replace("Mozilla/5.0 (X11; Linux x86_64)", "sqlmap/1.7 (https://sqlmap.org)")
    titles = sorted(f.title for f in SigmaMatcher(rules).scan(parse(LINE + agent)))
    assert titles == [
        "SQL Injection Strings In URI",
        "SQL Injection Strings In URI",
        "Suspicious User-Agents Related To Recon Tools",
    ]
