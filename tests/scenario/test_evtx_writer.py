"""The EVTX writer: what `evtx` (the parser `warroom hunt` uses) reads back as written.

Every event is written, read back with `PyEvtxParser` (checksums validated, warnings as
errors) in both its renderings, turned back into a `WinEvent` and compared with what was
written; `evtx_events.py` holds the sample events and the reading back. The writer's
streaming and API, and what the hunt's EVTX source makes of its files, are tested here too;
the published format's headers, checksums and tables in `test_evtx_format.py`.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import struct
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.scenario.evtx_events import (
    EVENTS,
    NS,
    T0,
    as_read,
    file_chunks,
    file_header,
    from_json,
    from_xml,
    read_records,
    timeline,
    with_value,
    write_events,
)
from warroom.hunt.source import Problems
from warroom.hunt.sources.evtx import EvtxSource
from warroom.scenario.evtx_writer import (
    CHUNK_SIZE,
    FILE_HEADER_SIZE,
    MAX_RECORD_SIZE,
    EvtxWriter,
    write_evtx,
)
from warroom.scenario.model import WinEvent

# --- Round trips -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_event_type_reads_back_as_written(kind: str) -> None:
    event = dataclasses.replace(EVENTS[kind], step="exploit")
    data, ids = write_events([event, event])
    assert ids == [1, 2]
    for rendering, convert in (("json", from_json), ("xml", from_xml)):
        records = read_records(data, rendering)
        assert [record["event_record_id"] for record in records] == [1, 2]
        assert [convert(record) for record in records] == [as_read(event)] * 2


def test_all_event_types_mixed_in_one_file_read_back_in_order() -> None:
    events = list(timeline(list(EVENTS.values()) * 8))
    data, ids = write_events(events)
    assert ids == list(range(1, len(events) + 1))
    assert len(data) > FILE_HEADER_SIZE + CHUNK_SIZE  # several chunks, several templates each
    assert [from_json(record) for record in read_records(data)] == [as_read(e) for e in events]
    assert [from_xml(record) for record in read_records(data, "xml")] == [
        as_read(e) for e in events
    ]


def test_the_xml_has_the_shape_windows_writes() -> None:
    data, _ = write_events([EVENTS["system-7045"], EVENTS["security-4634"]])
    xml = [record["data"] for record in read_records(data, "xml")]
    roots = [ET.fromstring(text.encode()) for text in xml]  # noqa: S314 - the test's own file
    system = [child.tag.removeprefix(NS) for child in roots[0].find(f"{NS}System") or ()]
    assert system == [
        "Provider", "EventID", "Version", "Level", "Task", "Opcode", "Keywords",
        "TimeCreated", "EventRecordID", "Correlation", "Execution", "Channel", "Computer",
        "Security",
    ]  # fmt: skip
    assert [child.tag for child in roots[0]] == [f"{NS}System", f"{NS}EventData"]
    assert '<Provider Name="Service Control Manager" Guid="555908D1-' in xml[0]
    assert 'EventSourceName="Service Control Manager"' in xml[0]
    assert '<EventID Qualifiers="16384">7045</EventID>' in xml[0]
    # Optional values left out take their attribute with them, as in real files.
    assert "EventSourceName" not in xml[1]
    assert "Qualifiers" not in xml[1]
    assert "<EventID>4634</EventID>" in xml[1]
    assert "UserID" not in xml[1]
    assert "ActivityID" not in xml[1]


def test_unicode_values_read_back() -> None:
    event = dataclasses.replace(
        EVENTS["sysmon-11"],
        computer="müller-pc.corp.nwtelecom.example",
        data=(
            ("TargetFilename", "C:\\Users\\jürgen.größe\\Desktop\\Übersicht ÄÖÜ ß.xlsx"),
            ("Chinese", "C:\\用户\\文档\\报告.docx"),
            ("Emoji", "deploy 🚀 done ✅ 𝄞"),
            ("Markup", "<a href=\"x\">'&amp;'</a> ]]> \t tab"),
        ),
    )
    data, _ = write_events([event])
    assert from_json(read_records(data)[0]) == as_read(event)
    assert from_xml(read_records(data, "xml")[0]) == as_read(event)


def test_empty_values_read_back_as_empty_strings() -> None:
    event = dataclasses.replace(EVENTS["security-4768"], data=(("A", ""), ("B", "x"), ("C", "")))
    data, _ = write_events([event])
    document = json.loads(read_records(data)[0]["data"])
    assert document["Event"]["EventData"] == {"A": "", "B": "x", "C": ""}
    assert from_xml(read_records(data, "xml")[0]) == as_read(event)


def test_empty_system_strings_render_as_null() -> None:
    # evtx's habit (the writer stores an empty string): the helpers would read None back.
    event = dataclasses.replace(EVENTS["sysmon-5"], computer="", channel="")
    data, _ = write_events([event])
    system = json.loads(read_records(data)[0]["data"])["Event"]["System"]
    assert (system["Computer"], system["Channel"]) == (None, None)


def test_an_event_without_data_has_an_empty_event_data() -> None:
    event = dataclasses.replace(EVENTS["system-7036"], data=())
    data, _ = write_events([event])
    assert json.loads(read_records(data)[0]["data"])["Event"]["EventData"] is None
    assert from_json(read_records(data)[0]) == as_read(event)


def test_a_32_kib_command_line_reads_back() -> None:
    command = "powershell -e " + "SQBFAFgA" * 2046  # 16,382 characters: 32 KiB of UTF-16
    event = with_value(EVENTS["sysmon-1"], "CommandLine", command)
    data, _ = write_events([EVENTS["sysmon-3"], event, event])
    assert [from_json(record) for record in read_records(data)] == [
        as_read(EVENTS["sysmon-3"]),
        as_read(event),
        as_read(event),
    ]


def test_a_value_of_60_kib_still_fits_in_a_chunk() -> None:
    big = with_value(EVENTS["sysmon-1"], "CommandLine", "x" * 30_000)  # 60,000 bytes
    data, ids = write_events([EVENTS["sysmon-3"], big, EVENTS["sysmon-3"]])
    assert ids == [1, 2, 3]
    assert [from_json(record) for record in read_records(data)] == [
        as_read(e) for e in (EVENTS["sysmon-3"], big, EVENTS["sysmon-3"])
    ]
    assert len(data) == FILE_HEADER_SIZE + 3 * CHUNK_SIZE  # each one alone in a chunk


@pytest.mark.parametrize("characters", [32_600, 33_000, 40_000])
def test_a_record_too_large_for_a_chunk_is_refused_with_its_size(characters: int) -> None:
    stream = io.BytesIO()
    with EvtxWriter(stream) as writer:
        assert writer.write(EVENTS["sysmon-3"]) == 1
        huge = with_value(EVENTS["sysmon-1"], "CommandLine", "x" * characters)
        with pytest.raises(ValueError, match=r"record of \d+ bytes") as raised:
            writer.write(huge)
        size = int(re.search(r"record of (\d+) bytes", str(raised.value)).group(1))  # type: ignore[union-attr]
        assert size > MAX_RECORD_SIZE
        assert str(MAX_RECORD_SIZE) in str(raised.value)
        # The writer goes on: no record id is lost, the file stays readable.
        assert writer.write(EVENTS["sysmon-5"]) == 2
    records = read_records(stream.getvalue())
    assert [from_json(record) for record in records] == [
        as_read(EVENTS["sysmon-3"]),
        as_read(EVENTS["sysmon-5"]),
    ]


def test_many_records_cross_chunks_with_their_ids_and_a_right_file_header() -> None:
    events = list(timeline(EVENTS[kind] for kind in sorted(EVENTS) * 200))[:5000]
    data, ids = write_events(events)
    assert ids == list(range(1, 5001))
    chunks = (len(data) - FILE_HEADER_SIZE) // CHUNK_SIZE
    assert chunks > 10
    header = file_header(data)
    assert header["chunks"] == chunks
    assert header["last_chunk"] == chunks - 1
    assert header["next_record_id"] == 5001
    records = read_records(data)
    assert [record["event_record_id"] for record in records] == ids
    assert [from_json(record) for record in records] == [as_read(e) for e in events]
    # Each chunk holds the records that follow the previous chunk's.
    expected_first = 1
    for chunk in file_chunks(data):
        first, last, first_id, last_id = struct.unpack_from("<QQQQ", chunk, 8)
        assert (first, first_id) == (expected_first, expected_first)
        assert last == last_id >= first
        expected_first = last + 1
    assert expected_first == 5001


_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))
_name = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"),
    min_size=1,
    max_size=30,
)
_events = st.builds(
    WinEvent,
    time=st.datetimes(
        min_value=datetime(1601, 1, 2),
        max_value=datetime(9998, 12, 31),
        timezones=st.just(UTC),
    ),
    computer=_name,
    channel=_name,
    provider=_name,
    provider_guid=st.none() | st.uuids().map(lambda u: "{" + str(u).upper() + "}"),
    event_id=st.integers(0, 0xFFFF),
    data=st.lists(st.tuples(_name, _text), unique_by=lambda item: item[0], max_size=25).map(tuple),
    version=st.integers(0, 0xFF),
    level=st.integers(0, 0xFF),
    task=st.integers(0, 0xFFFF),
    opcode=st.integers(0, 0xFF),
    keywords=st.integers(0, 2**64 - 1).map(hex),
    process_id=st.integers(0, 2**32 - 1),
    thread_id=st.integers(0, 2**32 - 1),
    user_sid=st.none()
    | st.lists(st.integers(0, 2**32 - 1), max_size=8).map(
        lambda subs: "-".join(["S-1-5", *map(str, subs)])
    ),
    qualifiers=st.none() | st.integers(0, 0xFFFF),
    event_source_name=st.none() | _name,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=st.lists(_events, max_size=6))
def test_random_events_read_back_as_written(events: list[WinEvent]) -> None:
    data, ids = write_events(events)
    assert ids == list(range(1, len(events) + 1))
    assert [from_json(record) for record in read_records(data)] == [as_read(e) for e in events]


# --- The writer's streaming and its API ----------------------------------------------------


def test_full_chunks_go_to_the_stream_as_they_fill() -> None:
    stream = io.BytesIO()
    writer = EvtxWriter(stream)
    assert file_header(stream.getvalue())["flags"] == 1  # dirty until closed
    sizes = []
    for event in timeline([EVENTS["sysmon-1"]] * 300):
        writer.write(event)
        sizes.append(len(stream.getvalue()))
        # Never more than the chunk being filled is held back.
        assert 0 <= writer.bytes_written - sizes[-1] <= CHUNK_SIZE
    assert sorted(set(sizes)) == [FILE_HEADER_SIZE + n * CHUNK_SIZE for n in range(len(set(sizes)))]
    assert len(set(sizes)) > 3
    before = writer.bytes_written
    writer.close()
    writer.close()  # a second close does nothing
    assert len(stream.getvalue()) == writer.bytes_written >= before
    assert not stream.closed
    with pytest.raises(ValueError, match="closed"):
        writer.write(EVENTS["sysmon-1"])


def test_write_evtx_writes_a_file_and_returns_the_record_ids(tmp_path: Path) -> None:
    path = tmp_path / "Security.evtx"
    events = [e for kind, e in sorted(EVENTS.items()) if kind.startswith("security")]
    assert write_evtx(path, iter(events)) == list(range(1, len(events) + 1))
    assert [from_json(record) for record in read_records(path)] == [as_read(e) for e in events]


def test_writing_at_an_offset_of_the_stream_rewrites_its_own_header() -> None:
    stream = io.BytesIO()
    stream.write(b"prefix")
    with EvtxWriter(stream) as writer:
        writer.write(EVENTS["sysmon-1"])
    data = stream.getvalue()
    assert data.startswith(b"prefixElfFile\x00")
    assert file_header(data[6:])["chunks"] == 1


def test_times_in_other_zones_and_naive_times_are_written_as_utc() -> None:
    east = timezone(timedelta(hours=2))
    aware = dataclasses.replace(EVENTS["sysmon-3"], time=T0.astimezone(east))
    naive = dataclasses.replace(EVENTS["sysmon-3"], time=T0.replace(tzinfo=None))
    data, _ = write_events([aware, naive])
    assert [from_json(record).time for record in read_records(data)] == [T0, T0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"provider_guid": "not-a-guid"}, "not a GUID"),
        ({"user_sid": "S-1-x"}, "not a SID"),
        ({"user_sid": "X-1-5"}, "not a SID"),
        ({"event_id": 70000}, "out of range"),
        ({"process_id": -1}, "out of range"),
        ({"data": (("Image", "a\x00b"),)}, "NUL"),
        ({"data": (("Ima\x00ge", "a"),)}, "NUL"),
        ({"computer": "pc\x00"}, "NUL"),
    ],
)
def test_values_windows_cannot_store_are_refused(change: dict[str, Any], message: str) -> None:
    stream = io.BytesIO()
    with EvtxWriter(stream) as writer:
        with pytest.raises(ValueError, match=message):
            writer.write(dataclasses.replace(EVENTS["sysmon-1"], **change))
        assert writer.write(EVENTS["sysmon-1"]) == 1
    assert [from_json(record) for record in read_records(stream.getvalue())] == [
        as_read(EVENTS["sysmon-1"])
    ]


# --- The hunt reads it --------------------------------------------------------------------


def test_the_hunt_reader_gets_the_fields_sigma_rules_name() -> None:
    events = list(timeline([EVENTS["sysmon-1"], EVENTS["security-4688"], EVENTS["system-7045"]]))
    data, _ = write_events(events)
    problems = Problems()
    read = list(EvtxSource().events(io.BytesIO(data), "sp-fe01.evtx", problems))
    assert problems.count == 0
    assert [event.origin.position for event in read] == [1, 2, 3]
    sysmon, security, system = (event.fields for event in read)
    assert sysmon["EventID"] == 1
    assert sysmon["Channel"] == "Microsoft-Windows-Sysmon/Operational"
    assert sysmon["Computer"] == "sp-fe01.corp.nwtelecom.example"
    assert sysmon["Provider_Name"] == "Microsoft-Windows-Sysmon"
    assert sysmon["Image"].endswith("\\powershell.exe")
    assert sysmon["CommandLine"] == dict(EVENTS["sysmon-1"].data)["CommandLine"]
    assert sysmon["ParentImage"] == "C:\\Windows\\System32\\inetsrv\\w3wp.exe"
    assert sysmon["UserID"] == "S-1-5-18"
    assert read[0].logsource.service == "sysmon"
    assert read[0].host == "sp-fe01.corp.nwtelecom.example"
    assert read[0].time == T0
    assert security["EventID"] == 4688
    assert security["NewProcessName"] == "C:\\Windows\\System32\\cmd.exe"
    assert read[1].logsource.service == "security"
    assert system["EventID"] == 7045
    assert system["Qualifiers"] == "16384"
    assert system["ServiceName"] == "UpdSvc"
    assert system["Provider_Name"] == "Service Control Manager"
    assert read[2].logsource.service == "system"
