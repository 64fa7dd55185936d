"""Writers (JSONL, CSV, Timesketch) and the per-rule summary."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.hunt.finding import Finding, Level
from warroom.hunt.output import (
    FORMATS,
    summarise,
    write_csv,
    write_findings,
    write_jsonl,
    write_timesketch,
    write_timesketch_csv,
)
from warroom.hunt.source import Origin

T0 = datetime(2025, 7, 19, 6, 1, 2, tzinfo=UTC)
HUNT = datetime(2025, 8, 12, 9, 0, tzinfo=UTC)


def finding(
    rule_id: str = "r1",
    level: Level = Level.HIGH,
    time: datetime | None = T0,
    host: str | None = "SP-FE-01",
    **kwargs: object,
) -> Finding:
    defaults: dict[str, object] = {
        "matcher": "sigma",
        "title": f"Rule {rule_id}",
        "origin": Origin("logs/u_ex250719.log", 5, "line"),
        "tags": ("attack.initial-access", "attack.t1190"),
        "author": "Jane Doe",
        "fields": {"cs-uri-stem": "/_layouts/15/ToolPane.aspx", "sc-status": 200},
    }
    defaults.update(kwargs)
    return Finding(rule_id=rule_id, level=level, time=time, host=host, **defaults)  # type: ignore[arg-type]


def test_jsonl_has_one_finding_per_line_with_every_field() -> None:
    out = io.StringIO()
    assert write_jsonl([finding(), finding("r2")], out) == 2
    lines = out.getvalue().splitlines()
    record = json.loads(lines[0])
    assert len(lines) == 2
    assert record == {
        "time": "2025-07-19T06:01:02+00:00",
        "level": "high",
        "title": "Rule r1",
        "rule_id": "r1",
        "matcher": "sigma",
        "host": "SP-FE-01",
        "source_file": "logs/u_ex250719.log",
        "position": 5,
        "unit": "line",
        "tags": ["attack.initial-access", "attack.t1190"],
        "author": "Jane Doe",
        "detail": "",
        "fields": {"cs-uri-stem": "/_layouts/15/ToolPane.aspx", "sc-status": 200},
    }


def test_times_are_written_in_utc() -> None:
    paris = datetime(2025, 7, 19, 8, 1, 2, tzinfo=timezone(timedelta(hours=2)))
    out = io.StringIO()
    write_jsonl([finding(time=paris)], out)
    assert json.loads(out.getvalue())["time"] == "2025-07-19T06:01:02+00:00"


def test_odd_field_values_do_not_break_the_output() -> None:
    out = io.StringIO()
    write_jsonl([finding(fields={"raw": b"\x00\xff", "when": T0, "set": {1}})], out)
    fields = json.loads(out.getvalue())["fields"]
    assert fields == {"raw": "00ff", "when": "2025-07-19T06:01:02+00:00", "set": "{1}"}


def test_csv_is_flat_with_matched_fields_as_json() -> None:
    out = io.StringIO()
    write_csv([finding(), finding(time=None, host=None)], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["tags"] == "attack.initial-access;attack.t1190"
    assert json.loads(rows[0]["fields"])["cs-uri-stem"] == "/_layouts/15/ToolPane.aspx"
    assert (rows[0]["time"], rows[0]["position"]) == ("2025-07-19T06:01:02+00:00", "5")
    assert (rows[1]["time"], rows[1]["host"]) == ("", "")


@pytest.mark.parametrize("writer", [write_timesketch, write_timesketch_csv])
def test_timesketch_rows_have_the_mandatory_columns(writer: Callable[..., int]) -> None:
    out = io.StringIO()
    writer([finding(), finding("yara1", matcher="yara", time=None)], out, hunt_time=HUNT)
    text = out.getvalue()
    if writer is write_timesketch:
        rows = [json.loads(line) for line in text.splitlines()]
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        assert row["message"]
        assert datetime.fromisoformat(row["datetime"]).tzinfo is not None
        assert row["timestamp_desc"]
    assert rows[0]["datetime"] == "2025-07-19T06:01:02+00:00"
    assert int(rows[0]["timestamp"]) == int(T0.timestamp()) * 1_000_000
    assert (rows[0]["rule_title"], rows[0]["level"], rows[0]["host"]) == (
        "Rule r1",
        "high",
        "SP-FE-01",
    )
    assert (rows[0]["source_file"], str(rows[0]["record"])) == ("logs/u_ex250719.log", "5")
    assert "Rule r1 on SP-FE-01" in rows[0]["message"]
    # A finding without a time (a YARA hit on a file) is placed at the hunt's time.
    assert (rows[1]["datetime"], rows[1]["timestamp_desc"]) == (HUNT.isoformat(), "Hunt Time")


def test_the_timesketch_csv_starts_with_the_mandatory_columns() -> None:
    out = io.StringIO()
    write_timesketch_csv([finding()], out, hunt_time=HUNT)
    header = out.getvalue().splitlines()[0].split(",")
    assert header[:4] == ["message", "datetime", "timestamp", "timestamp_desc"]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_write_findings_dispatches_on_format(fmt: str) -> None:
    out = io.StringIO()
    assert write_findings([finding()], out, fmt, now=HUNT) == 1
    assert "Rule r1" in out.getvalue()


def test_write_findings_names_the_known_formats() -> None:
    with pytest.raises(ValueError, match="known: jsonl, csv"):
        write_findings([], io.StringIO(), "xml", now=HUNT)


def test_summary_is_per_rule_most_severe_then_most_hits() -> None:
    later = T0 + timedelta(hours=1)
    findings = [
        finding("low", Level.LOW),
        finding("many", Level.HIGH, host="A"),
        finding("many", Level.HIGH, host="B", time=later),
        finding("many", Level.HIGH, host="A", time=None),
        finding("few", Level.HIGH),
        finding("crit", Level.CRITICAL),
    ]
    summary = summarise(findings)
    assert [s.rule_id for s in summary] == ["crit", "many", "few", "low"]
    many = summary[1]
    assert (many.count, many.hosts, many.first, many.last) == (3, {"A", "B"}, T0, later)
    assert (many.level, many.author) == (Level.HIGH, "Jane Doe")


_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)


@given(
    title=_text,
    host=st.none() | _text,
    fields=st.dictionaries(_text, st.none() | _text | st.integers(), max_size=5),
)
def test_every_writer_round_trips_any_text(
    title: str, host: str | None, fields: dict[str, object]
) -> None:
    one = finding(title=title, host=host, fields=fields)
    jsonl, table = io.StringIO(), io.StringIO()
    write_jsonl([one], jsonl)
    write_csv([one], table)
    record = json.loads(jsonl.getvalue())
    row = next(csv.DictReader(io.StringIO(table.getvalue(), newline="")))
    assert (record["title"], record["host"], record["fields"]) == (title, host, fields)
    assert (row["title"], json.loads(row["fields"])) == (title, fields)
