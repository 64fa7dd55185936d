"""Windows event log files (.evtx) written from `WinEvent`s, as Windows itself lays them out.

The format is the one libyal's "Windows XML Event Log (EVTX)" documentation and [MS-EVEN6]
describe. A file is a 4,096-byte file header followed by 64 KiB chunks. The file header
carries the first and last chunk numbers, the next record identifier, the format version (3.1),
the number of chunks, flags and a CRC32 of its first 120 bytes. It is written first with the
"dirty" flag, as Windows leaves a log that is open, and rewritten clean by `close()`.

A chunk is a 512-byte header and event records packed one after the other, each starting with
`**\\0\\0`, its size, its record identifier and the time it was written, then its Binary XML
(BinXml) and its size once more; records are padded to 8 bytes as Windows pads them. The chunk
header holds the first and last record numbers and identifiers, where the last record starts,
where free space starts, a CRC32 of the records and a CRC32 of the header itself (bytes 0-120
and 128-512), then two hash tables: 64 buckets of element and attribute names and 32 buckets of
template definitions. Names and templates belong to one chunk: a name is stored in full where
it is first used in the chunk (with its hash and the offset of the next name of its bucket)
and referred to by its offset everywhere after, and the same goes for templates. Every chunk
starts with empty tables, so that each chunk can be read on its own.

Each record is a BinXml fragment holding one template instance, as Windows writes them. The
template is the shape of the event's XML with a substitution where each value goes; the
instance carries the values, each typed. There is one template per provider, event id and list
of EventData names: it is defined in full by the first record of a chunk that uses it and
referred to by the chunk offset of that definition by every later record. The System values
are numbered and typed as Windows numbers and types them (Level is 0 and a UInt8, Keywords 5
and a HexInt64, TimeCreated 6 and a FILETIME, the Provider Guid 15 and a GUID, the UserID 12
and a SID, ...) and are optional substitutions, so that a value left out (no Qualifiers, no
provider Guid, no UserID, no EventSourceName; Correlation is always empty) takes the attribute
out of the rendered XML rather than leaving it empty. Each Data item is a named element whose
content is a plain substitution of a UTF-16 string, as Sysmon writes them; the names are
literal text of the template. Windows nests EventData in a BinXml value of its own; a flat
template renders to the same XML and is simpler to write.

Names are hashed as [MS-EVEN6] says (hash * 65599 + each UTF-16 unit, low 16 bits) and go to
bucket hash % 64, the newest at the head of its bucket. Which of the 32 buckets Windows gives a
template is not documented; this writer uses the template id modulo 32 (readers walk every
bucket). A template's GUID is derived from its layout, so that the same events always make
the same file.

Limits, all reported as ValueError naming what is wrong: a record must fit in one chunk
(65,024 bytes, template definition included, which leaves about 30,000 UTF-16 characters for
one value); a value must fit its type (EventID, Task and Qualifiers 16 bits, ...); a GUID or SID
must parse; no text may hold a NUL character, which evtx would read as the end of the string;
a file holds at most 65,535 chunks. The `evtx` parser renders a GUID upper case without braces
(`5770385F-C22A-...`), as it does for files written by Windows, so a Provider Guid does not
come back letter for letter; and it renders an empty string in System (Computer, Channel) as
null, while an empty Data value comes back as "".

The writer is built for speed and constant memory. Template shapes are cached per layout; a
template's definition is cached for the two cases that nearly always arise (the first record
of a chunk, and any later definition once the first one has stored every name in the chunk,
where all names sit at the same offsets in every chunk); the System values that depend only on
the provider, channel, computer and user are cached; a record is packed with a few `struct`
calls and one UTF-16 encoding of all its Data values into one chunk `bytearray`; and a chunk is
written to the stream as soon as the next record does not fit. Nothing but the current chunk
and the small, bounded caches is held.
"""

from __future__ import annotations

import functools
import hashlib
import struct
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Final, TypeVar

from warroom.scenario.model import WinEvent

__all__ = [
    "CHUNK_SIZE",
    "FILE_HEADER_SIZE",
    "MAX_RECORD_SIZE",
    "EvtxWriter",
    "name_hash",
    "write_evtx",
]

FILE_HEADER_SIZE: Final = 4096
CHUNK_SIZE: Final = 65536
_CHUNK_HEADER_SIZE: Final = 512
MAX_RECORD_SIZE: Final = CHUNK_SIZE - _CHUNK_HEADER_SIZE
_MAX_CHUNKS: Final = 0xFFFF  # the file header counts chunks in 16 bits
_CACHE_LIMIT: Final = 4096  # entries per cache before it starts over: memory stays constant

_FILE_MAGIC: Final = b"ElfFile\x00"
_CHUNK_MAGIC: Final = b"ElfChnk\x00"
_RECORD_MAGIC: Final = 0x00002A2A
_DIRTY: Final = 0x0001
_XMLNS: Final = "http://schemas.microsoft.com/win/2004/08/events/event"
_FILETIME_EPOCH: Final = datetime(1601, 1, 1)  # for naive times, taken as UTC
_FILETIME_EPOCH_UTC: Final = datetime(1601, 1, 1, tzinfo=UTC)

# BinXml tokens.
_FRAGMENT: Final = b"\x0f\x01\x01\x00"  # fragment header, BinXml version 1.1, no flags
_TEMPLATE_INSTANCE: Final = b"\x0c\x01"
_OPEN_ELEMENT: Final = 0x01
_HAS_ATTRIBUTES: Final = 0x40
_CLOSE_START: Final = 0x02
_CLOSE_EMPTY: Final = 0x03
_END_ELEMENT: Final = 0x04
_VALUE_TEXT: Final = 0x05
_ATTRIBUTE: Final = 0x06
_MORE: Final = 0x40  # another attribute follows
_SUBSTITUTION: Final = 0x0D
_OPTIONAL_SUBSTITUTION: Final = 0x0E
_EOF: Final = 0x00
_NO_DEPENDENCY: Final = 0xFFFF

# Value types.
_NULL: Final = 0x00
_STRING: Final = 0x01
_UINT8: Final = 0x04
_UINT16: Final = 0x06
_UINT32: Final = 0x08
_UINT64: Final = 0x0A
_GUID: Final = 0x0F
_FILETIME: Final = 0x11
_SID: Final = 0x13
_HEXINT64: Final = 0x15

# Substitution numbers of the System values: 0-16 as Windows numbers them, 17 and 18 ours
# (Windows writes Computer as literal text of its template), the Data values from 19 on.
(
    _LEVEL,
    _OPCODE,
    _TASK,
    _EVENT_ID,
    _QUALIFIERS,
    _KEYWORDS,
    _TIME_CREATED,
    _ACTIVITY_ID,
    _PROCESS_ID,
    _THREAD_ID,
    _RECORD_ID,
    _VERSION,
    _USER_ID,
    _RELATED_ACTIVITY_ID,
    _PROVIDER_NAME,
    _PROVIDER_GUID,
    _CHANNEL,
    _EVENT_SOURCE_NAME,
    _COMPUTER,
) = range(19)
_SYSTEM_VALUES: Final = 19

_RECORD_HEADER = struct.Struct("<IIQQ")  # magic, size, record id, written time
_U32 = struct.Struct("<I")
_TEMPLATE_REF = struct.Struct("<II")  # template id, offset of its definition in the chunk
_NAME_HEADER = struct.Struct("<IHH")  # next name of the bucket, hash, length in UTF-16 units
_ELEMENT_START = struct.Struct("<BHI")  # token, dependency, data size
_SUBSTITUTION_TOKEN = struct.Struct("<BHB")  # token, number, value type
_TEXT_HEADER = struct.Struct("<BBH")  # token, value type, length in UTF-16 units
_CHUNK_HEADER = struct.Struct("<8sQQQQIIII")
_STRING_BUCKETS = struct.Struct("<64I")
_TEMPLATE_BUCKETS = struct.Struct("<32I")
_FILE_HEADER = struct.Struct("<8sQQQIHHHH")
# Values 0-11 (Qualifiers, 4, and ActivityID, 7, are left out when null).
_NUMBERS = struct.Struct("<BBHHQQIIQB")
_NUMBERS_QUALIFIED = struct.Struct("<BBHHHQQIIQB")
_SYSTEM_DESCRIPTORS = struct.Struct(f"<{_SYSTEM_VALUES}I")
_K = TypeVar("_K")
_V = TypeVar("_V")
_TRAILERS = tuple(bytes(1 + pad) for pad in range(8))  # EOF token and padding to 8 bytes


def _descriptor(size: int, value_type: int) -> int:
    """A value descriptor (size, type, 0) read as one little-endian u32."""
    return size | value_type << 16


_NULL_DESCRIPTOR: Final = _descriptor(0, _NULL)
# Values 0-11, the numbers of System: (size, type). ActivityID (7) is always null.
_NUMBER_TYPES: Final = (
    (1, _UINT8), (1, _UINT8), (2, _UINT16), (2, _UINT16), (2, _UINT16), (8, _HEXINT64),
    (8, _FILETIME), (0, _NULL), (4, _UINT32), (4, _UINT32), (8, _UINT64), (1, _UINT8),
)  # fmt: skip


# --- The template: the shape of an event's XML ----------------------------------------------


@dataclass(frozen=True, slots=True)
class _Text:
    """Literal text of the template."""

    text: str


@dataclass(frozen=True, slots=True)
class _Sub:
    """A substitution: value NUMBER of each record goes here."""

    number: int
    value_type: int
    optional: bool = True  # an optional substitution with a null value drops its attribute


@dataclass(frozen=True, slots=True)
class _Element:
    name: str
    attributes: tuple[tuple[str, _Text | _Sub], ...] = ()
    content: tuple[_Element | _Text | _Sub, ...] = ()


def _leaf(name: str, number: int, value_type: int) -> _Element:
    return _Element(name, content=(_Sub(number, value_type),))


def _system_element() -> _Element:
    return _Element(
        "System",
        content=(
            _Element(
                "Provider",
                attributes=(
                    ("Name", _Sub(_PROVIDER_NAME, _STRING)),
                    ("Guid", _Sub(_PROVIDER_GUID, _GUID)),
                    ("EventSourceName", _Sub(_EVENT_SOURCE_NAME, _STRING)),
                ),
            ),
            _Element(
                "EventID",
                attributes=(("Qualifiers", _Sub(_QUALIFIERS, _UINT16)),),
                content=(_Sub(_EVENT_ID, _UINT16),),
            ),
            _leaf("Version", _VERSION, _UINT8),
            _leaf("Level", _LEVEL, _UINT8),
            _leaf("Task", _TASK, _UINT16),
            _leaf("Opcode", _OPCODE, _UINT8),
            _leaf("Keywords", _KEYWORDS, _HEXINT64),
            _Element("TimeCreated", attributes=(("SystemTime", _Sub(_TIME_CREATED, _FILETIME)),)),
            _leaf("EventRecordID", _RECORD_ID, _UINT64),
            _Element(
                "Correlation",
                attributes=(
                    ("ActivityID", _Sub(_ACTIVITY_ID, _GUID)),
                    ("RelatedActivityID", _Sub(_RELATED_ACTIVITY_ID, _GUID)),
                ),
            ),
            _Element(
                "Execution",
                attributes=(
                    ("ProcessID", _Sub(_PROCESS_ID, _UINT32)),
                    ("ThreadID", _Sub(_THREAD_ID, _UINT32)),
                ),
            ),
            _leaf("Channel", _CHANNEL, _STRING),
            _leaf("Computer", _COMPUTER, _STRING),
            _Element("Security", attributes=(("UserID", _Sub(_USER_ID, _SID)),)),
        ),
    )


_SYSTEM: Final = _system_element()


def _event_element(names: tuple[str, ...]) -> _Element:
    """<Event>: System, then EventData with one Data item per name."""
    data = tuple(
        _Element(
            "Data",
            attributes=(("Name", _Text(name)),),
            content=(_Sub(_SYSTEM_VALUES + i, _STRING, optional=False),),
        )
        for i, name in enumerate(names)
    )
    return _Element(
        "Event",
        attributes=(("xmlns", _Text(_XMLNS)),),
        content=(_SYSTEM, _Element("EventData", content=data)),
    )


@dataclass(frozen=True, slots=True)
class _Layout:
    """What every record of one provider, event id and list of Data names shares."""

    key: tuple[str, int, tuple[str, ...]]
    element: _Element
    guid: bytes  # the template's identifier, derived from the key: same input, same file
    template_id: int  # its first four bytes, as Windows uses them
    count: bytes  # the number of values, packed
    data_descriptors: struct.Struct  # one u32 per Data value


def _layout(key: tuple[str, int, tuple[str, ...]]) -> _Layout:
    if any("\x00" in name for name in key[2]):
        raise ValueError(f"event {key[1]}: a Data name holds a NUL character")
    guid = hashlib.md5(repr(key).encode(), usedforsecurity=False).digest()
    names = key[2]
    return _Layout(
        key=key,
        element=_event_element(names),
        guid=guid,
        template_id=_U32.unpack_from(guid)[0],
        count=_U32.pack(_SYSTEM_VALUES + len(names)),
        data_descriptors=struct.Struct(f"<{len(names)}I"),
    )


# --- Template definitions, per chunk ---------------------------------------------------------


def name_hash(name: str) -> int:
    """The 16-bit hash of a BinXml name ([MS-EVEN6]: hash * 65599 + each UTF-16 unit)."""
    encoded = name.encode("utf-16-le")
    value = 0
    for unit in struct.unpack(f"<{len(encoded) // 2}H", encoded):
        value = (value * 65599 + unit) & 0xFFFFFFFF
    return value & 0xFFFF


class _Definition:
    """Writes one template definition at chunk offset BASE, with the chunk's name table.

    Names new to the chunk are stored inline and collected in `names` and `buckets`, copies
    of the chunk's: the chunk takes them only if the record is written to it.
    """

    def __init__(self, base: int, names: dict[str, int], buckets: list[int]) -> None:
        self.base = base
        self.names = dict(names)
        self.buckets = list(buckets)
        self.out = bytearray()

    def name(self, name: str) -> None:
        out = self.out
        offset = self.names.get(name)
        if offset is not None:
            out += _U32.pack(offset)
            return
        offset = self.base + len(out) + 4
        encoded = name.encode("utf-16-le")
        hashed = name_hash(name)
        bucket = hashed % 64
        out += _U32.pack(offset)
        out += _NAME_HEADER.pack(self.buckets[bucket], hashed, len(encoded) // 2)
        out += encoded
        out += b"\x00\x00"
        self.buckets[bucket] = offset
        self.names[name] = offset

    def content(self, item: _Element | _Text | _Sub) -> None:
        if isinstance(item, _Element):
            self.element(item)
        elif isinstance(item, _Text):
            encoded = item.text.encode("utf-16-le")
            self.out += _TEXT_HEADER.pack(_VALUE_TEXT, _STRING, len(encoded) // 2)
            self.out += encoded
        else:
            token = _OPTIONAL_SUBSTITUTION if item.optional else _SUBSTITUTION
            self.out += _SUBSTITUTION_TOKEN.pack(token, item.number, item.value_type)

    def element(self, element: _Element) -> None:
        out = self.out
        start = len(out)
        token = _OPEN_ELEMENT | (_HAS_ATTRIBUTES if element.attributes else 0)
        out += _ELEMENT_START.pack(token, _dependency(element), 0)
        self.name(element.name)
        if element.attributes:
            self.attributes(element.attributes)
        if element.content:
            out.append(_CLOSE_START)
            for item in element.content:
                self.content(item)
            out.append(_END_ELEMENT)
        else:
            out.append(_CLOSE_EMPTY)
        # The data size counts everything after the token, dependency and size (7 bytes).
        _U32.pack_into(out, start + 3, len(out) - start - 7)

    def attributes(self, attributes: tuple[tuple[str, _Text | _Sub], ...]) -> None:
        out = self.out
        start = len(out)
        out += b"\x00\x00\x00\x00"
        last = len(attributes) - 1
        for i, (name, value) in enumerate(attributes):
            out.append(_ATTRIBUTE | (_MORE if i < last else 0))
            self.name(name)
            self.content(value)
        _U32.pack_into(out, start, len(out) - start - 4)


def _dependency(element: _Element) -> int:
    """The value an element depends on (Windows: its only, optional, substitution)."""
    content = element.content
    if len(content) == 1 and isinstance(content[0], _Sub) and content[0].optional:
        return content[0].number
    return _NO_DEPENDENCY


# --- Values ----------------------------------------------------------------------------------


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _guid(text: str) -> bytes:
    try:
        return uuid.UUID(text).bytes_le
    except ValueError as exc:
        raise ValueError(f"not a GUID: {text!r}") from exc


def _sid(text: str) -> bytes:
    """The binary form of a SID string: S-1-5-21-..."""
    parts = text.split("-")
    try:
        if len(parts) < 3 or parts[0].upper() != "S":
            raise ValueError(text)
        revision, authority = int(parts[1]), int(parts[2])
        subs = [int(part) for part in parts[3:]]
        return (
            struct.pack("<BB", revision, len(subs))
            + authority.to_bytes(6, "big")
            + struct.pack(f"<{len(subs)}I", *subs)
        )
    except (ValueError, OverflowError, struct.error) as exc:
        raise ValueError(f"not a SID: {text!r}") from exc


def _filetime(time: datetime) -> int:
    """TIME (UTC if naive) in 100 ns since 1601-01-01."""
    delta = time - (_FILETIME_EPOCH if time.tzinfo is None else _FILETIME_EPOCH_UTC)
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def _system_tail(event: WinEvent) -> tuple[bytes, bytes]:
    """Descriptors of the System values, and values 12-18 (user, provider, guid, ...)."""
    texts = (event.provider, event.channel, event.computer, event.event_source_name or "")
    if any("\x00" in text for text in texts):
        raise ValueError(f"event {event.event_id}: a System value holds a NUL character")
    source = event.event_source_name
    tail = (  # (type, value), None for a null value
        (_SID, None if event.user_sid is None else _sid(event.user_sid)),
        (_NULL, None),  # RelatedActivityID
        (_STRING, _utf16(event.provider)),
        (_GUID, None if event.provider_guid is None else _guid(event.provider_guid)),
        (_STRING, _utf16(event.channel)),
        (_STRING, None if source is None else _utf16(source)),
        (_STRING, _utf16(event.computer)),
    )
    descriptors = [_descriptor(size, value_type) for size, value_type in _NUMBER_TYPES]
    if event.qualifiers is None:
        descriptors[_QUALIFIERS] = _NULL_DESCRIPTOR
    for value_type, value in tail:
        descriptors.append(
            _NULL_DESCRIPTOR if value is None else _descriptor(len(value), value_type)
        )
    values = b"".join(value for _, value in tail if value is not None)
    return _SYSTEM_DESCRIPTORS.pack(*descriptors), values


def _numbers(event: WinEvent, keywords: int, record_id: int, time: int) -> bytes:
    """Values 0-11 of EVENT: the numbers of System."""
    if event.qualifiers is None:
        return _NUMBERS.pack(
            event.level, event.opcode, event.task, event.event_id, keywords, time,
            event.process_id, event.thread_id, record_id, event.version,
        )  # fmt: skip
    return _NUMBERS_QUALIFIED.pack(
        event.level, event.opcode, event.task, event.event_id, event.qualifiers, keywords,
        time, event.process_id, event.thread_id, record_id, event.version,
    )  # fmt: skip


def _remember(cache: dict[_K, _V], key: _K, value: _V) -> _V:
    """Put VALUE in CACHE, emptying it first when full; VALUE."""
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


# --- The writer ------------------------------------------------------------------------------

_Key = tuple[str, int, tuple[str, ...]]
_Body = tuple[bytes, dict[str, int], list[int]]  # definition, chunk names and buckets after it
# Where the <Event> element of a template defined by the first record of a chunk starts.
_FIRST_BODY: Final = _CHUNK_HEADER_SIZE + _RECORD_HEADER.size + 14 + 24


def _build(layout: _Layout, base: int, names: dict[str, int], buckets: list[int]) -> _Body:
    """The definition of LAYOUT (fragment, <Event>, EOF) at chunk offset BASE."""
    definition = _Definition(base, names, buckets)
    definition.out += _FRAGMENT
    definition.element(layout.element)
    definition.out.append(_EOF)
    return bytes(definition.out), definition.names, definition.buckets


@functools.cache
def _standard_names() -> dict[str, int]:
    """Where the first template of a chunk puts the names (of a template with Data items)."""
    return _build(_layout(("", 0, ("",))), _FIRST_BODY, {}, [0] * 64)[1]


class EvtxWriter:
    """Writes `WinEvent`s to STREAM (seekable, opened "wb") as one EVTX file.

    Records are numbered 1, 2, 3, ... in the order written. `close()` (or leaving a `with`
    block) writes the last chunk and the final file header; it does not close STREAM.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._start = stream.tell()
        self._next_id = 1
        self._chunks = 0
        self._closed = False
        self._layouts: dict[_Key, _Layout] = {}
        self._tails: dict[tuple[object, ...], tuple[bytes, bytes]] = {}
        self._keywords: dict[str, int] = {}
        self._first_bodies: dict[_Key, _Body] = {}  # definitions by the first record of a chunk
        self._known_bodies: dict[_Key, bytes] = {}  # definitions once the names are all known
        self._new_chunk()
        stream.write(_file_header(0, 1, _DIRTY))

    # The chunk being filled.

    def _new_chunk(self) -> None:
        self._chunk = bytearray(_CHUNK_HEADER_SIZE)
        self._first_id = self._next_id
        self._last_offset = 0
        self._names: dict[str, int] = {}
        self._string_buckets = [0] * 64
        self._template_buckets = [0] * 32
        self._references: dict[_Key, bytes] = {}
        self._standard = False  # whether the names are where `_standard_names` has them

    def _flush(self) -> None:
        """Write the current chunk, if it holds records, and start a new one."""
        chunk = self._chunk
        free = len(chunk)
        if free == _CHUNK_HEADER_SIZE:
            return
        if self._chunks == _MAX_CHUNKS:
            raise ValueError(f"an EVTX file holds at most {_MAX_CHUNKS} chunks")
        chunk += bytes(CHUNK_SIZE - free)
        first, last = self._first_id, self._next_id - 1
        records_crc = zlib.crc32(memoryview(chunk)[_CHUNK_HEADER_SIZE:free])
        _CHUNK_HEADER.pack_into(
            chunk, 0, _CHUNK_MAGIC, first, last, first, last, 128, self._last_offset, free,
            records_crc,
        )  # fmt: skip
        _STRING_BUCKETS.pack_into(chunk, 128, *self._string_buckets)
        _TEMPLATE_BUCKETS.pack_into(chunk, 384, *self._template_buckets)
        header = memoryview(chunk)
        _U32.pack_into(chunk, 124, zlib.crc32(header[128:512], zlib.crc32(header[:120])))
        self._stream.write(chunk)
        self._chunks += 1
        self._new_chunk()

    # Records.

    def write(self, event: WinEvent) -> int:
        """Append EVENT; its EventRecordID."""
        if self._closed:
            raise ValueError("write to a closed EvtxWriter")
        names: tuple[str, ...] = ()
        values: tuple[str, ...] = ()
        if event.data:
            names, values = zip(*event.data, strict=True)
        key = (event.provider, event.event_id, names)
        layout = self._layouts.get(key)
        if layout is None:
            layout = _remember(self._layouts, key, _layout(key))
        record_id = self._next_id
        time = _filetime(event.time)
        body = self._values(event, layout, values, record_id, time)
        smallest = _RECORD_HEADER.size + len(_FRAGMENT) + 10 + len(body) + 5
        if smallest > MAX_RECORD_SIZE:
            raise _too_large(event, smallest)
        reference = self._references.get(key)
        if reference is None:
            self._define(event, layout, body, record_id, time)
        elif not self._append(reference, body, record_id, time):
            self._flush()
            self._define(event, layout, body, record_id, time)
        self._next_id = record_id + 1
        return record_id

    def _values(
        self, event: WinEvent, layout: _Layout, values: tuple[str, ...], record_id: int, time: int
    ) -> bytes:
        """The template instance data of EVENT: count, descriptors, values."""
        tail_key = (
            event.provider, event.provider_guid, event.event_source_name, event.channel,
            event.computer, event.user_sid, event.qualifiers is None,
        )  # fmt: skip
        tail = self._tails.get(tail_key)
        if tail is None:
            tail = _remember(self._tails, tail_key, _system_tail(event))
        keywords = self._keywords.get(event.keywords)
        if keywords is None:
            keywords = _remember(self._keywords, event.keywords, int(event.keywords, 16))
        text = "".join(values)
        if "\x00" in text:
            raise ValueError(f"event {event.event_id}: a Data value holds a NUL character")
        data = text.encode("utf-16-le")
        try:
            if len(data) == 2 * len(text):  # no character outside the BMP: 2 bytes each
                sizes = [2 * len(value) | 0x10000 for value in values]
            else:
                sizes = [len(value.encode("utf-16-le")) | 0x10000 for value in values]
            descriptors = layout.data_descriptors.pack(*sizes)
            numbers = _numbers(event, keywords, record_id, time)
        except struct.error as exc:
            raise ValueError(f"event {event.event_id}: a value is out of range: {exc}") from exc
        return b"".join((layout.count, tail[0], descriptors, numbers, tail[1], data))

    def _append(self, head: bytes, body: bytes, record_id: int, time: int) -> bool:
        """Add the record to the chunk, if it fits; whether it did."""
        chunk = self._chunk
        size = _RECORD_HEADER.size + len(head) + len(body) + 5  # EOF token, size copy
        pad = -size & 7
        size += pad
        offset = len(chunk)
        if offset + size > CHUNK_SIZE:
            return False
        chunk += _RECORD_HEADER.pack(_RECORD_MAGIC, size, record_id, time)
        chunk += head
        chunk += body
        chunk += _TRAILERS[pad]
        chunk += _U32.pack(size)
        self._last_offset = offset
        return True

    def _define(
        self, event: WinEvent, layout: _Layout, body: bytes, record_id: int, time: int
    ) -> None:
        """Write the record with its template defined inline, in this chunk or a new one."""
        while True:
            offset = len(self._chunk)
            at = offset + _RECORD_HEADER.size + 14  # fragment header, template instance
            definition, names, buckets = self._template_body(layout, at + 24)
            head = b"".join((
                _FRAGMENT, _TEMPLATE_INSTANCE, _TEMPLATE_REF.pack(layout.template_id, at),
                _U32.pack(self._template_buckets[layout.template_id % 32]), layout.guid,
                _U32.pack(len(definition)), definition,
            ))  # fmt: skip
            if self._append(head, body, record_id, time):
                self._adopt(layout, at, names, buckets)
                return
            if offset == _CHUNK_HEADER_SIZE:
                raise _too_large(event, _RECORD_HEADER.size + len(head) + len(body) + 5)
            self._flush()

    def _template_body(self, layout: _Layout, base: int) -> _Body:
        """LAYOUT's definition at chunk offset BASE, from a cache where the chunk allows."""
        if base == _FIRST_BODY:
            cached = self._first_bodies.get(layout.key)
            if cached is None:
                cached = _build(layout, base, {}, [0] * 64)
                _remember(self._first_bodies, layout.key, cached)
            return cached[0], dict(cached[1]), list(cached[2])
        if self._standard:
            known = self._known_bodies.get(layout.key)
            if known is None:
                known = _build(layout, base, self._names, self._string_buckets)[0]
                _remember(self._known_bodies, layout.key, known)
            return known, self._names, self._string_buckets
        return _build(layout, base, self._names, self._string_buckets)

    def _adopt(self, layout: _Layout, at: int, names: dict[str, int], buckets: list[int]) -> None:
        """The chunk takes the names and the template the record just written defined."""
        self._names = names
        self._string_buckets = buckets
        self._standard = names.items() >= _standard_names().items()
        self._template_buckets[layout.template_id % 32] = at
        self._references[layout.key] = (
            _FRAGMENT + _TEMPLATE_INSTANCE + _TEMPLATE_REF.pack(layout.template_id, at)
        )

    # The file.

    @property
    def bytes_written(self) -> int:
        """The size of the file so far: header, full chunks and the part of the current one."""
        current = len(self._chunk)
        return (
            FILE_HEADER_SIZE
            + self._chunks * CHUNK_SIZE
            + (current if current > _CHUNK_HEADER_SIZE else 0)
        )

    def close(self) -> None:
        """Write the last chunk and the final file header. STREAM stays open."""
        if self._closed:
            return
        self._flush()
        self._closed = True
        end = self._stream.tell()
        self._stream.seek(self._start)
        self._stream.write(_file_header(self._chunks, self._next_id, 0))
        self._stream.seek(end)
        self._stream.flush()

    def __enter__(self) -> EvtxWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _too_large(event: WinEvent, size: int) -> ValueError:
    return ValueError(
        f"event {event.event_id} makes a record of {size} bytes; a record must fit in one"
        f" chunk: at most {MAX_RECORD_SIZE} bytes"
    )


def _file_header(chunks: int, next_id: int, flags: int) -> bytes:
    header = bytearray(FILE_HEADER_SIZE)
    last = max(chunks - 1, 0)
    _FILE_HEADER.pack_into(header, 0, _FILE_MAGIC, 0, last, next_id, 128, 1, 3, 4096, chunks)
    _U32.pack_into(header, 120, flags)
    _U32.pack_into(header, 124, zlib.crc32(memoryview(header)[:120]))
    return bytes(header)


def write_evtx(path: Path, events: Iterable[WinEvent]) -> list[int]:
    """Write EVENTS to a new EVTX file at PATH; their EventRecordIDs."""
    with path.open("wb") as stream, EvtxWriter(stream) as writer:
        return [writer.write(event) for event in events]
