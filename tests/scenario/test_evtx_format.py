"""The EVTX writer's files follow the published format.

The checks recompute the CRC32s of the file header, chunk headers and records with zlib,
and walk each chunk's string and template tables.
"""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime, timedelta

from tests.scenario.evtx_events import (
    EVENTS,
    T0,
    file_chunks,
    file_header,
    read_records,
    timeline,
    write_events,
)
from warroom.scenario.evtx_writer import (
    CHUNK_SIZE,
    FILE_HEADER_SIZE,
    name_hash,
)

# --- The published format ----------------------------------------------------------------


def _check_chunk(chunk: bytes) -> list[tuple[int, int]]:
    """Check CHUNK's header, checksums and records; its records' (offset, id)."""
    assert chunk[:8] == b"ElfChnk\x00"
    first, last, first_id, last_id, size, last_offset, free, records_crc = struct.unpack_from(
        "<QQQQIIII", chunk, 8
    )
    assert (first, last) == (first_id, last_id)
    assert size == 128
    (checksum,) = struct.unpack_from("<I", chunk, 124)
    assert checksum == zlib.crc32(chunk[:120] + chunk[128:512])
    assert records_crc == zlib.crc32(chunk[512:free])
    assert chunk[free:] == bytes(CHUNK_SIZE - free)
    records = []
    offset = 512
    while offset < free:
        magic, length, record_id, _ = struct.unpack_from("<4sIQQ", chunk, offset)
        assert magic == b"**\x00\x00"
        assert length % 8 == 0
        assert struct.unpack_from("<I", chunk, offset + length - 4) == (length,)
        records.append((offset, record_id))
        offset += length
    assert offset == free
    assert records[-1][0] == last_offset
    assert [record_id for _, record_id in records] == list(range(first_id, last_id + 1))
    return records


def test_headers_and_checksums_follow_the_format() -> None:
    events = list(timeline(list(EVENTS.values()) * 10))
    data, _ = write_events(events)
    header = file_header(data)
    assert header["flags"] == 0  # closed: not dirty
    ids = [record_id for chunk in file_chunks(data) for _, record_id in _check_chunk(chunk)]
    assert ids == list(range(1, len(events) + 1))
    assert header["chunks"] == len(list(file_chunks(data))) > 1


def test_record_headers_carry_the_event_time_as_filetime() -> None:
    data, _ = write_events([EVENTS["sysmon-1"]])
    chunk = next(file_chunks(data))
    (filetime,) = struct.unpack_from("<Q", chunk, 512 + 16)
    assert datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=filetime // 10) == T0


def test_name_hashes_are_those_windows_computes() -> None:
    # Hashes of names in the chunk string table of a Security.evtx written by Windows.
    windows = {"Event": 3258, "System": 21615, "Provider": 31729, "Name": 38219, "Data": 28554}
    assert {name: name_hash(name) for name in windows} == windows
    assert name_hash("Qualifiers") == 55849
    assert name_hash("EventRecordID") == 838


def _names(chunk: bytes) -> dict[str, int]:
    """The chunk's string table: name -> offset, checking each name's hash and bucket."""
    names: dict[str, int] = {}
    for bucket, head in enumerate(struct.unpack_from("<64I", chunk, 128)):
        offset = head
        while offset:
            following, hashed, length = struct.unpack_from("<IHH", chunk, offset)
            name = chunk[offset + 8 : offset + 8 + 2 * length].decode("utf-16-le")
            assert chunk[offset + 8 + 2 * length : offset + 10 + 2 * length] == b"\x00\x00"
            assert (hashed, hashed % 64) == (name_hash(name), bucket)
            assert name not in names  # stored once per chunk
            names[name] = offset
            offset = following
    return names


def _templates(chunk: bytes) -> dict[int, bytes]:
    """The chunk's template table: definition offset -> template GUID."""
    templates: dict[int, bytes] = {}
    for bucket, head in enumerate(struct.unpack_from("<32I", chunk, 384)):
        offset = head
        while offset:
            # Defined inline, right after the template instance that first used it.
            assert chunk[offset - 10] == 0x0C
            template_id, pointer = struct.unpack_from("<II", chunk, offset - 8)
            assert pointer == offset
            following, guid, size = struct.unpack_from("<I16sI", chunk, offset)
            assert struct.unpack_from("<I", guid) == (template_id,)
            assert template_id % 32 == bucket
            assert chunk[offset + 24 : offset + 28] == b"\x0f\x01\x01\x00"
            assert chunk[offset + 24 + size - 1] == 0  # end of the fragment
            templates[offset] = guid
            offset = following
    return templates


def test_each_chunk_has_its_own_string_and_template_tables() -> None:
    events = list(timeline(list(EVENTS.values()) * 6))
    data, _ = write_events(events)
    kinds = {(e.provider, e.event_id, tuple(n for n, _ in e.data)) for e in events}
    system = {
        "Event", "xmlns", "System", "Provider", "Name", "Guid", "EventSourceName", "EventID",
        "Qualifiers", "Version", "Level", "Task", "Opcode", "Keywords", "TimeCreated",
        "SystemTime", "EventRecordID", "Correlation", "ActivityID", "RelatedActivityID",
        "Execution", "ProcessID", "ThreadID", "Channel", "Computer", "Security", "UserID",
        "EventData", "Data",
    }  # fmt: skip
    chunks = list(file_chunks(data))
    assert len(chunks) > 2
    total = 0
    for chunk in chunks:
        records = _check_chunk(chunk)
        assert set(_names(chunk)) == system
        templates = _templates(chunk)
        # One definition per kind of event in the chunk, the others refer to it.
        used = {_template_offset(chunk, offset) for offset, _ in records}
        assert used == set(templates)
        assert len(set(templates.values())) == len(templates) <= len(kinds)
        total += len(templates)
    assert total > len(kinds)  # every chunk defines the templates it uses again


def _template_offset(chunk: bytes, record: int) -> int:
    binxml = record + 24
    assert chunk[binxml : binxml + 6] == b"\x0f\x01\x01\x00\x0c\x01"
    return int(struct.unpack_from("<I", chunk, binxml + 10)[0])


def test_a_file_without_events_is_a_header_alone() -> None:
    data, ids = write_events([])
    assert ids == []
    assert len(data) == FILE_HEADER_SIZE
    assert file_header(data) == {"last_chunk": 0, "next_record_id": 1, "chunks": 0, "flags": 0}
    assert read_records(data) == []


def test_the_same_events_make_the_same_bytes() -> None:
    events = list(timeline(EVENTS.values()))
    assert write_events(events)[0] == write_events(events)[0]
