"""CSV firewall and proxy logs with a header row, and their column maps."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from warroom.hunt.errors import HuntError
from warroom.hunt.source import Event, LogSource, Problems
from warroom.hunt.sources.csv import ColumnMap, CsvSource

FIREWALL = (
    "Receive Time,Source address,Destination address,Destination Port,Action,Device\n"
    "2025/07/18 18:06:12,107.191.58.76,10.0.0.5,443,allow,fw01\n"
    "2025/07/18 18:06:13,10.0.0.5,65.38.121.198,80,deny,fw01\n"
)
PAN_MAP = {
    "category": "firewall",
    "time": "Receive Time",
    "time_format": "%Y/%m/%d %H:%M:%S",
    "timezone": "Europe/Berlin",
    "host": "Device",
    "fields": {
        "Source address": "src_ip",
        "Destination address": "dst_ip",
        "Destination Port": "dst_port",
        "Action": "action",
    },
}


def parse(
    text: str, cmap: ColumnMap | None = None, problems: Problems | None = None
) -> list[Event]:
    stream = io.BytesIO(text.encode())
    return list(CsvSource(cmap).events(stream, "fw.csv", problems or Problems()))


def test_a_yaml_column_map_names_fields_time_zone_and_host(tmp_path: Path) -> None:
    path = tmp_path / "pan.yml"
    path.write_text(yaml.safe_dump(PAN_MAP))
    first, _ = parse(FIREWALL, ColumnMap.load(path))
    assert first.fields == {
        "Receive Time": "2025/07/18 18:06:12",
        "src_ip": "107.191.58.76",
        "dst_ip": "10.0.0.5",
        "dst_port": 443,
        "action": "allow",
        "Device": "fw01",
    }
    # 18:06 in Berlin in July (CEST) is 16:06 UTC.
    assert first.time == datetime(2025, 7, 18, 16, 6, 12, tzinfo=UTC)
    assert first.host == "fw01"
    assert first.logsource == LogSource(category="firewall")
    assert first.origin.position == 2


def test_common_column_names_are_recognised_without_a_map() -> None:
    text = "timestamp,src,dst,dport,action\n2025-07-18T16:06:12Z,1.2.3.4,5.6.7.8,445,drop\n"
    (event,) = parse(text)
    assert event.fields["src_ip"] == "1.2.3.4"
    assert event.fields["dst_port"] == 445
    assert event.time == datetime(2025, 7, 18, 16, 6, 12, tzinfo=UTC)
    assert event.logsource.category == "firewall"


def test_a_flat_dict_maps_columns_and_names_the_time_column() -> None:
    text = "when;who;url;agent\n1752854772;alice;http://x.test/a;curl/8\n"
    cmap = ColumnMap.from_dict({"when": "time", "url": "c-uri", "agent": "c-useragent"})
    (event,) = parse(text, cmap)
    assert event.fields["c-uri"] == "http://x.test/a"
    assert event.fields["c-useragent"] == "curl/8"
    assert event.logsource.category == "proxy"
    assert event.time == datetime(2025, 7, 18, 16, 6, 12, tzinfo=UTC)


def test_bad_rows_are_reported_by_line_and_skipped() -> None:
    text = FIREWALL + "2025/07/18 18:06:14,1.1.1.1\n" + "yesterday,1.1.1.1,2.2.2.2,1,allow,fw\n"
    problems = Problems()
    events = parse(text, ColumnMap.from_dict(PAN_MAP), problems)
    assert len(events) == 2
    assert [(s.position, s.reason) for s in problems.skipped] == [
        (4, "2 values where the header names 6"),
        (5, "bad time 'yesterday'"),
    ]


def test_a_quoted_value_with_a_newline_keeps_line_numbers_right() -> None:
    text = (
        'ts,src_ip,note\n2025-07-18T00:00:00,1.1.1.1,"two\nlines"\n2025-07-18T00:00:01,2.2.2.2,x\n'
    )
    first, second = parse(text)
    assert first.fields["note"] == "two\nlines"
    assert second.origin.position == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fields": {"a": "b"}, "colour": "red"}, r"unknown keys \['colour'\]"),
        ({"fields": ["a"]}, "'fields' must map"),
    ],
)
def test_a_bad_column_map_is_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(HuntError, match=message):
        ColumnMap.from_dict(data)


def test_a_map_naming_a_missing_time_column_is_refused() -> None:
    with pytest.raises(HuntError, match="'Nope'"):
        parse(FIREWALL, ColumnMap(time="Nope"))


def test_an_unreadable_map_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "map.yml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(HuntError, match=r"map\.yml: a column map is a YAML mapping"):
        ColumnMap.load(path)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (FIREWALL.encode(), True),
        (b"a\tb\tc\n1\t2\t3\n", True),
        (b"#Fields: date time\n2025-01-01 00:00:00\n", False),
        (b'{"a": 1}\n{"a": 2}\n', False),
        (b"a,b,c\n1,2\n", False),
        (b"just one line,of text\n", False),
        (b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1\n' * 2, False),
    ],
)
def test_sniff(head: bytes, expected: bool) -> None:
    assert CsvSource.sniff(head, "log.csv") is expected


PRINTABLE = st.characters(categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf"))
CELL = st.text(alphabet=PRINTABLE, max_size=20).filter(
    lambda v: v not in ("", "-") and "\r" not in v and "\x00" not in v
)


def test_epoch_milliseconds_are_recognised() -> None:
    (event,) = parse("ts,src_ip\n1752854772000,1.1.1.1\n")
    assert event.time == datetime(2025, 7, 18, 16, 6, 12, tzinfo=UTC)


@given(rows=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=6))
def test_any_rows_round_trip(rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["colour", "shape", "size"])
    writer.writerows(rows)
    problems = Problems()
    events = parse(out.getvalue(), None, problems)
    assert problems.count == 0
    assert [[e.fields[c] for c in ("colour", "shape", "size")] for e in events] == rows


@pytest.mark.parametrize(
    ("header", "category"),
    [
        ("ts,src_ip,dst_ip,dst_port,action", "firewall"),
        ("ts,src_ip,dst_ip,url,user_agent", "proxy"),
        ("ts,http_host,method", "proxy"),
        ("ts,colour", None),
    ],
)
def test_the_category_follows_the_fields(header: str, category: str | None) -> None:
    values = ",".join(["2025-07-18T00:00:00"] + ["x"] * header.count(","))
    (event,) = parse(f"{header}\n{values}\n")
    assert event.logsource.category == category
