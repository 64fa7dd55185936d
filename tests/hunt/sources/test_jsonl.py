"""The JSON source: evtx's rendering (pretty-printed, concatenated), generic JSON lines."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from warroom.hunt.source import LogSource, Problems
from warroom.hunt.sources.jsonl import JsonlSource, flatten

RECORD = {
    "Event": {
        "System": {
            "EventID": 1,
            "Channel": "Microsoft-Windows-Sysmon/Operational",
            "Computer": "ws1",
            "TimeCreated": {"#attributes": {"SystemTime": "2025-07-19T05:11:27Z"}},
        },
        "EventData": {"Image": "C:\\cmd.exe"},
    }
}


def read(text: str) -> tuple[list[Any], Problems]:
    problems = Problems()
    stream = io.BytesIO(text.encode())
    return list(JsonlSource().events(stream, "e.json", problems)), problems


def test_pretty_printed_records_one_after_another() -> None:
    pretty = json.dumps(RECORD, indent=2)
    events, problems = read(pretty + "\n" + pretty + "\n")
    assert problems.count == 0
    assert [e.origin.position for e in events] == [1, len(pretty.splitlines()) + 1]
    assert events[0].logsource == LogSource(product="windows", service="sysmon")
    assert events[0].fields["Image"] == "C:\\cmd.exe"
    assert events[0].host == "ws1"


def test_generic_lines_are_flattened_with_time_and_host() -> None:
    line = {"@timestamp": "2025-07-19T05:00:00Z", "host": {"name": "web1"}, "a": {"b": 1}}
    events, _ = read(json.dumps(line) + "\n")
    (event,) = events
    assert event.fields["a.b"] == 1
    assert event.host == "web1"
    assert event.time is not None
    assert event.time.hour == 5


def test_bad_lines_are_reported_with_their_number() -> None:
    events, problems = read('{"a": 1}\nnot json\n[1]\n{"b": 2}\n')
    assert len(events) == 2
    assert [s.position for s in problems.skipped] == [2, 3]


def test_an_unfinished_object_is_reported() -> None:
    events, problems = read('{"a": 1}\n{\n  "b": \n')
    assert len(events) == 1
    assert problems.skipped[0].position == 2


def test_sniff() -> None:
    assert JsonlSource.sniff(b'\n  {"a": 1}', "x.log")
    assert not JsonlSource.sniff(b"#Fields: date", "x.log")


@given(st.lists(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5))))
def test_every_json_line_is_one_event(objects: list[dict[str, Any]]) -> None:
    text = "".join(json.dumps(o) + "\n" for o in objects)
    events, problems = read(text)
    assert len(events) == len(objects)
    assert problems.count == 0


@given(st.binary(max_size=300))
def test_garbage_never_raises(data: bytes) -> None:
    problems = Problems()
    list(JsonlSource().events(io.BytesIO(data), "g.json", problems))


def test_flatten_nests_with_dots() -> None:
    assert flatten({"a": {"b": {"c": 1}}, "d": [1]}) == {"a.b.c": 1, "d": [1]}
