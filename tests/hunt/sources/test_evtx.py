"""The EVTX source: flattening evtx's JSON rendering, corrupt input, real samples."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.hunt.errors import SourceError
from warroom.hunt.source import Problems
from warroom.hunt.sources.evtx import EvtxSource, flatten, parse_time

SYSTEM: dict[str, Any] = {
    "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon", "Guid": "5770385F"}},
    "EventID": {"#text": 1, "#attributes": {"Qualifiers": 16384}},
    "Level": 4,
    "TimeCreated": {"#attributes": {"SystemTime": "2025-07-19T05:11:27.9276937Z"}},
    "EventRecordID": 142649,
    "Correlation": None,
    "Channel": "Microsoft-Windows-Sysmon/Operational",
    "Computer": "sp01.corp",
    "Security": {"#attributes": {"UserID": "S-1-5-18"}},
}


def test_system_fields_are_flat_and_named_as_sigma_names_them() -> None:
    fields = flatten({"Event": {"System": SYSTEM}})
    assert fields["EventID"] == 1
    assert fields["Qualifiers"] == "16384"
    assert fields["Provider_Name"] == "Microsoft-Windows-Sysmon"
    assert fields["Provider_Guid"] == "5770385F"
    assert fields["Channel"] == "Microsoft-Windows-Sysmon/Operational"
    assert fields["Computer"] == "sp01.corp"
    assert fields["Level"] == "4"
    assert fields["UserID"] == "S-1-5-18"
    assert "Correlation" not in fields


def test_event_data_values_are_strings() -> None:
    data = {"Image": "C:\\w3wp.exe", "ProcessId": 10116, "Flag": True, "Empty": None}
    fields = flatten({"Event": {"System": SYSTEM, "EventData": data}})
    assert fields["Image"] == "C:\\w3wp.exe"
    assert fields["ProcessId"] == "10116"
    assert fields["Flag"] == "true"
    assert "Empty" not in fields


def test_defender_field_names_lose_their_spaces() -> None:
    fields = flatten({"Event": {"EventData": {"Threat Name": "EICAR"}}})
    assert fields["ThreatName"] == "EICAR"


def test_unnamed_data_items_are_numbered_and_joined() -> None:
    fields = flatten({"Event": {"EventData": {"Data": {"#text": ["a", "b"]}}}})
    assert (fields["Data"], fields["Data1"], fields["Data2"]) == ("a\nb", "a", "b")
    fields = flatten({"Event": {"EventData": {"Data": ["x", "y"]}}})
    assert (fields["Data1"], fields["Data2"]) == ("x", "y")


def test_user_data_leaves_become_fields() -> None:
    user_data = {"LogFileCleared": {"#attributes": {"xmlns": "x"}, "SubjectUserName": "bob"}}
    assert flatten({"Event": {"UserData": user_data}})["SubjectUserName"] == "bob"


def test_time_is_aware_utc() -> None:
    assert parse_time("2025-07-19T05:11:27.9276937Z") == datetime(
        2025, 7, 19, 5, 11, 27, 927693, tzinfo=UTC
    )
    assert parse_time("2025-07-19 07:00:00+02:00") == datetime(2025, 7, 19, 5, tzinfo=UTC)
    assert parse_time("not a time") is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=6), json_values, max_size=6), json_values)
def test_flatten_never_fails_and_gives_flat_strings(data: dict[str, Any], system: Any) -> None:
    fields = flatten({"Event": {"System": system, "EventData": data}})
    for name, value in fields.items():
        assert name == "EventID" or isinstance(value, str), (name, value)


@given(st.binary(max_size=4096))
def test_garbage_after_the_signature_is_reported_not_raised(tail: bytes) -> None:
    problems = Problems()
    stream = io.BytesIO(b"ElfFile\x00" + tail)
    try:
        events = list(EvtxSource().events(stream, "x.evtx", problems))
    except SourceError as exc:
        message = str(exc)
    else:
        message = "x.evtx"
        assert all(event.origin.path == "x.evtx" for event in events)
    assert "x.evtx" in message


def test_sniff() -> None:
    assert EvtxSource.sniff(b"ElfFile\x00rest", "a.bin")
    assert not EvtxSource.sniff(b"{}", "a.evtx")


def test_a_regression_sample_reads_as_windows_events() -> None:
    root = os.environ.get("WARROOM_SIGMA_DIR")
    if not root:
        pytest.skip("WARROOM_SIGMA_DIR is not set: it names the SigmaHQ snapshot to test with")
    sample = next(Path(root, "regression_data").rglob("*.evtx"))
    problems = Problems()
    with sample.open("rb") as stream:
        events = list(EvtxSource().events(stream, str(sample), problems))
    assert events
    assert problems.count == 0
    event = events[0]
    assert event.logsource.product == "windows"
    assert isinstance(event.fields["EventID"], int)
    assert event.time is not None
    assert event.time.tzinfo is UTC
    assert event.origin.unit == "record"
