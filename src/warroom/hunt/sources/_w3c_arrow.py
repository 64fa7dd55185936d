"""IIS W3C logs read straight into Arrow columns: `W3cSource.tables`.

The Python reader in `w3c.py` is the specification: for every data line, the row of a table
here gives the event it gives (`EventTable.events`), and the lines it skips are skipped and
reported with the same line numbers and reasons. What changes is the cost: nothing runs in
Python per line, except for lines that are odd.

The bytes travel like this:

1. The stream is read in blocks of 16 MiB cut after a newline, into one buffer used again and
   again (a fresh one costs page faults). Each block is made what the Python reader decodes:
   the byte order mark opening the stream is dropped, and a block that is not valid UTF-8 is
   decoded with ``errors="replace"`` and encoded again (an ASCII block, the usual case, is
   recognised in one C call).
2. A run of data lines goes to Arrow's CSV parser: space as delimiter, no quoting, every column
   a string, ``-`` null. Empty lines are kept as rows so that the rows and refused rows of a run
   are its lines, in order; Arrow ends lines at a lone ``\\r`` as Python's universal newlines
   do. Directive lines are rare, so a run is first taken to reach the end of the block; if a
   row (or a refused row) starts with ``#``, the first line that does is looked for in the
   bytes and the run ends there. Directives go to the Python reader itself, so ``#Fields``,
   ``#Date`` and ``#Software`` mean exactly what they mean there.
3. The rows Arrow refuses for their number of fields come with their line numbers (Arrow gives
   them only when it parses on one thread). They are split again in Python on whitespace runs,
   as the Python reader retries them, and merged back in line order, or reported. A blank or
   whitespace-only line must start with an empty or whitespace value: only rows whose first
   value does are looked at in Python.
4. The values are converted by Arrow kernels. Numbers are cast when all of a column are ASCII
   digits (Arrow alone would read ``0x1F`` as hex); other values go through Python's ``int``
   once per distinct value. ``date`` and ``time`` are joined and, per distinct value, checked
   against a strict pattern and cast to UTC timestamps; what the pattern refuses or the cast
   cannot read goes to the Python reader's own clock, so odd values get its odd results. User
   agents and queries repeat, so they are converted per distinct value too: ``+`` replaced in
   Arrow, and Python's ``unquote_plus`` only for the queries with a ``%``.
5. The converted runs of one layout are gathered into tables of at most ``rows`` rows; a
   different ``#Fields`` layout starts a new table (the same one again, as IIS writes it when
   its worker restarts, does not).

Speed, measured over 200 MB of the logs `bench/hunt_iis.py` writes (the colt scenario's IIS
front ends: the default IIS layout of 15 fields, CRLF), one process on an otherwise idle
two-core machine, best of five runs: `tables` reads about 385 MB/s, seven and a half times the
51 MB/s of `W3cSource.events`. Arrow's parser takes about half of the time, the kernels a
third, reading the file and Python's calls (a few per block) the rest. A fresh process is
slower over its first 50 MB or so, while pyarrow.compute is imported and Arrow's memory pool
grows. Arrow parses on one thread: a hunt runs a worker process per core, a second thread
gained little here, and Arrow numbers the rows it refuses only on one thread. Odd logs cost
more: a layout change in the middle of a block means parsing part of it twice, and the values
the fast paths refuse are converted in Python.

One difference remains, where an int64 column cannot hold what Python can: a number field
beyond the int64 range (an ``sc-bytes`` of 20 digits, which IIS never writes) is reported and
its line skipped, where the Python reader keeps a Python int.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from warroom.hunt.source import EventTable, LogSource, Problems
from warroom.hunt.sources.w3c import W3cError, _Clock, _Layout, _Reader, decode_query

BLOCK_SIZE = 16 * 1024 * 1024  # bytes read at a time (a longer line makes a longer block)
_CSV_BLOCK = 1024 * 1024  # Arrow's unit of parsing (a chunk of the columns)
_BOM = b"\xef\xbb\xbf"
_REFUSED_LIMIT = 1000  # refused rows in one parse before looking for a layout change
_TIMESTAMP = pa.timestamp("us", tz="UTC")
_INT64 = range(-(2**63), 2**63)
# A date and time that Arrow's cast reads as the Python reader's clock does: ASCII digits,
# fields in range (the cast refuses a day past the month's end), a year not 0, 1 to 6 decimals.
_STRICT_TIME = (
    r"^(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
    r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r" (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?$"
)
# The characters for which str.isspace() is true (a test checks the list against Python's).
SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(
    map(chr, [*range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
)
# How a blank line's first value starts: with a space character, or it is empty.
_BLANK_STARTS = pa.array(["", *SPACES], pa.string())


def tables(
    stream: IO[bytes], path: str, problems: Problems, rows: int = 200_000
) -> Iterator[EventTable]:
    """The events of the IIS log STREAM (opened from PATH) as tables of at most ROWS rows.

    Each table holds lines of one ``#Fields`` layout, in line order; lines the Python reader
    skips are skipped and reported to PROBLEMS as it reports them.
    """
    if rows < 1:
        raise ValueError(f"rows must be at least 1, not {rows}")
    reading = _File(path, problems, rows)
    for block in _blocks(stream, BLOCK_SIZE):
        yield from reading.block(block)
    yield from reading.gather.flush()


@dataclass
class _Block:
    """Whole lines of the stream, as Python decodes them: DATA[START:END]."""

    data: bytes | bytearray
    start: int
    end: int

    def view(self, start: int, end: int) -> memoryview:
        """DATA[START:END], not copied."""
        return memoryview(self.data)[start:end]


def _blocks(stream: IO[bytes], size: int) -> Iterator[_Block]:
    """STREAM in blocks of whole lines (the last may lack its newline).

    One buffer is read into again and again: a fresh one would cost page faults.
    """
    buffer, filled, first = bytearray(size), 0, True
    while True:
        filled, more = _fill(stream, buffer, filled)
        cut = _last_line_end(buffer, filled) if more else filled
        if cut:
            yield _clean(buffer, cut, first=first)
            first = False
            buffer[: filled - cut] = buffer[cut:filled]
            filled -= cut
        if not more:
            return
        if filled == len(buffer):  # a line longer than the buffer
            buffer = buffer + bytearray(len(buffer))


def _last_line_end(buffer: bytearray, filled: int) -> int:
    """Where the last line ending in BUFFER[:FILLED] that is sure to be one ends (or 0)."""
    cut = buffer.rfind(b"\n", 0, filled) + 1
    if not cut:  # no \n: a \r ends a line, unless it is the last byte (\n may come next)
        cut = buffer.rfind(b"\r", 0, filled - 1) + 1
    return cut


def _fill(stream: IO[bytes], buffer: bytearray, filled: int) -> tuple[int, bool]:
    """Read STREAM into BUFFER after its FILLED bytes: how many it holds, whether more come."""
    readinto = getattr(stream, "readinto", None)
    while filled < len(buffer):
        if readinto is not None:
            got = readinto(memoryview(buffer)[filled:])
        else:
            data = stream.read(len(buffer) - filled)
            buffer[filled : filled + len(data)] = data
            got = len(data)
        if not got:
            return filled, False
        filled += got
    return filled, True


def _clean(buffer: bytearray, end: int, *, first: bool) -> _Block:
    """BUFFER[:END] without the stream's BOM, invalid UTF-8 replaced as Python decodes it."""
    start = len(_BOM) if first and buffer.startswith(_BOM) else 0
    view = memoryview(buffer)[start:end]
    # (isascii looks past END too: it is only a shortcut)
    if not buffer.isascii() and not valid_utf8(view):
        data = str(view, "utf-8", errors="replace").encode("utf-8")
        return _Block(data, 0, len(data))
    return _Block(buffer, start, end)


def valid_utf8(data: memoryview) -> bool:
    """Whether DATA is UTF-8 as Python's strict decoder takes it (Arrow checks it faster)."""
    offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


_LINE_STARTING_HASH = (re.compile(rb"\n#"), re.compile(rb"\r#"))  # (re: faster than bytes.find)


def _directive_at(block: _Block, pos: int) -> int:
    """Where the first line of BLOCK from POS (a line start) that starts with ``#`` starts.

    BLOCK's end if none does.
    """
    end = block.end
    if pos < end and block.data[pos] == ord("#"):
        return pos
    for pattern in _LINE_STARTING_HASH:  # the second one: a lone \r ends a line too
        found = pattern.search(block.data, pos, end)
        if found is not None:
            end = found.start() + 1
    return end


def _line_end(block: _Block, pos: int) -> int:
    """Where the line of BLOCK that starts at POS ends, its newline (universal) included."""
    data = block.data
    ends = [data.find(newline, pos, block.end) for newline in (b"\n", b"\r")]
    end = min((end for end in ends if end >= 0), default=block.end - 1) + 1
    return end + 1 if end < block.end and data[end - 1 : end + 1] == b"\r\n" else end


def _split_lines(text: str) -> list[str]:
    """TEXT's lines as universal newlines end them, without their newlines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


class _File:
    """Reading one file: the Python reader's directive state, the line number, the tables."""

    def __init__(self, path: str, problems: Problems, rows: int) -> None:
        self.path = path
        self.problems = problems
        self.reader = _Reader(path, problems)
        self.line = 1  # the number of the next line
        self.gather = _Gather(path, rows)

    def block(self, block: _Block) -> Iterator[EventTable]:
        """The tables completed by BLOCK, its directives applied and its lines read."""
        pos = block.start
        while pos < block.end:
            if block.data[pos] == ord("#"):
                end = _line_end(block, pos)
                self.reader.line(self.line, str(block.view(pos, end), "utf-8"))
                self.line += 1
                pos = end
            elif self._layout_width() == 0:
                end = _directive_at(block, pos)
                self._refuse(block.view(pos, end))
                pos = end
            else:
                pos = yield from self._lines(block, pos)

    def _layout_width(self) -> int:
        """The number of fields of the layout (0 without a layout)."""
        return 0 if self.reader.layout is None else self.reader.layout.width

    def _refuse(self, data: memoryview) -> None:
        """Lines no layout fits: the Python reader reports (or ignores) each one."""
        for text in _split_lines(str(data, "utf-8")):
            self.reader.line(self.line, text)
            self.line += 1

    def _lines(self, block: _Block, pos: int) -> Generator[EventTable, None, int]:
        """The tables completed by the lines of BLOCK from POS (data first); where they end.

        The lines are parsed up to the end of the block with the current layout. The
        directives among them are applied in turn; the data lines between are read from the
        parse as long as the layout keeps its width, else from the bytes again.
        """
        width = self._layout_width()
        try:
            parsed = _Parsed.parse(block.view(pos, block.end), width, self.line)
        except _TooManyRefused:  # likely a layout change: parse up to the next directive
            end = _directive_at(block, pos)
            parsed = _Parsed.parse(block.view(pos, end), width, self.line, limit=False)
            yield from self._convert(parsed.rows(self.line, self.line + parsed.lines))
            self.line += parsed.lines
            return end
        directives = parsed.directives()
        for number in [*directives, parsed.end]:
            if number > self.line:
                if self._layout_width() != width:  # the parse does not fit: back to bytes
                    return _after_directives(block, pos, directives.index(self.line - 1) + 1)
                yield from self._convert(parsed.rows(self.line, number))
            if number < parsed.end:
                self.reader.line(number, parsed.text(number))
            self.line = number + 1
        self.line = parsed.end
        return block.end

    def _convert(self, raw: _Raw) -> Iterator[EventTable]:
        """The tables completed by the data lines of RAW, its problems reported."""
        layout = self.reader.layout
        assert layout is not None
        piece = _convert(raw, layout, self.reader.date)
        for position, reason in sorted(raw.problems):
            self.problems.skip(self.path, position, reason)
        yield from self.gather.add(piece, layout)


def _after_directives(block: _Block, pos: int, count: int) -> int:
    """Where the line after the COUNTth line starting with ``#`` from POS in BLOCK starts."""
    for _ in range(count):
        pos = _line_end(block, _directive_at(block, pos))
    return pos


@dataclass
class _Raw:
    """Data lines as split: string columns named by index, line numbers, problems."""

    table: pa.Table
    positions: pa.Array
    problems: list[tuple[int, str]] = field(default_factory=list)

    def keep(self, mask: Any) -> None:
        """Keep the rows where MASK is true."""
        self.table = self.table.filter(mask)
        self.positions = self.positions.filter(mask)

    def refuse(self, bad: Any, reasons: Any) -> None:
        """Drop the rows where BAD is true, noting REASONS (one per row) as their problems."""
        positions = self.positions.filter(bad).to_pylist()
        self.problems.extend(zip(positions, reasons.filter(bad).to_pylist(), strict=True))
        self.keep(pc.invert(bad))


class _TooManyRefused(Exception):
    """So many lines do not fit the layout that it has likely changed."""


@dataclass
class _Parsed:
    """Lines from line FIRST on split into WIDTH string columns: rows and refused rows."""

    table: pa.Table  # the rows that have WIDTH fields
    positions: pa.Array  # their line numbers
    refused: dict[int, str]  # the others, by line number
    first: int
    lines: int

    @classmethod
    def parse(cls, data: memoryview, width: int, first: int, *, limit: bool = True) -> _Parsed:
        """The lines of DATA, the first of them line FIRST.

        Raises _TooManyRefused if LIMIT and more than _REFUSED_LIMIT rows are refused.
        """
        table, refused = _read_csv(pa.py_buffer(data), width, limit=limit)
        lines = table.num_rows + len(refused)
        positions = _arange(first, lines)
        texts = {first + number - 1: text for number, text in refused.items()}
        if texts:
            numbers = pa.array(list(texts), pa.int64())
            positions = positions.filter(pc.invert(pc.is_in(positions, value_set=numbers)))
        return cls(table, positions, texts, first, lines)

    @property
    def end(self) -> int:
        """The number of the line after the last."""
        return self.first + self.lines

    def directives(self) -> list[int]:
        """The numbers of the lines that start with ``#``."""
        hashes = pc.starts_with(self.table.column(0), "#")
        numbers = (
            self.positions.filter(_array(hashes)).to_pylist() if pc.any(hashes).as_py() else []
        )
        numbers += [number for number, text in self.refused.items() if text.startswith("#")]
        return sorted(numbers)

    def text(self, number: int) -> str:
        """Line NUMBER as it was."""
        if number in self.refused:
            return self.refused[number]
        row = pc.index(self.positions, number).as_py()
        return _line_text(self.table.slice(row, 1).to_pylist()[0])

    def rows(self, start: int, stop: int) -> _Raw:
        """The data lines START to STOP, as the Python reader splits them."""
        first = pc.sum(pc.less(self.positions, start)).as_py() or 0
        count = (pc.sum(pc.less(self.positions, stop)).as_py() or 0) - first
        raw = _Raw(self.table.slice(first, count), self.positions.slice(first, count))
        _drop_blank_rows(raw)
        refused = {n: text for n, text in self.refused.items() if start <= n < stop}
        if refused:
            _retry_refused(raw, refused)
        return raw


def _read_csv(buffer: pa.Buffer, width: int, *, limit: bool) -> tuple[pa.Table, dict[int, str]]:
    """BUFFER parsed into WIDTH string columns, and the text of the refused rows by number.

    Raises _TooManyRefused if LIMIT and more than _REFUSED_LIMIT rows are refused.
    """
    refused: dict[int, str] = {}

    def handler(row: Any) -> str:
        if limit and len(refused) >= _REFUSED_LIMIT:
            return "error"
        refused[row.number] = row.text
        return "skip"

    names, convert = _csv_columns(width)
    block_size = _CSV_BLOCK
    while True:
        refused.clear()
        # One thread: Arrow numbers the rows it refuses only then, a hunt runs a process per
        # core, and a thread of its own would gain little (see the module docstring).
        read = pacsv.ReadOptions(column_names=names, use_threads=False, block_size=block_size)
        try:
            table = pacsv.read_csv(pa.BufferReader(buffer), read, _parse_options(handler), convert)
        except pa.ArrowInvalid as error:
            if limit and len(refused) >= _REFUSED_LIMIT:
                raise _TooManyRefused from None
            if "straddl" not in str(error) or block_size > buffer.size:
                raise
            block_size = buffer.size + 1  # a line longer than a parsing block
            continue
        return table, refused


def _parse_options(handler: Callable[[Any], str]) -> pacsv.ParseOptions:
    """How W3C lines split: on single spaces, nothing quoted, a refused row to HANDLER."""
    return pacsv.ParseOptions(
        delimiter=" ",
        quote_char=False,
        double_quote=False,
        escape_char=False,
        newlines_in_values=False,
        ignore_empty_lines=False,  # so that rows and lines correspond
        invalid_row_handler=handler,
    )


@functools.lru_cache(maxsize=64)
def _csv_columns(width: int) -> tuple[list[str], pacsv.ConvertOptions]:
    """Names for WIDTH columns and the options that keep them strings, ``-`` null."""
    names = [str(index) for index in range(width)]
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        null_values=["-"],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        check_utf8=False,  # _clean made it so
    )
    return names, convert


_RANGE = [pa.array([], pa.int64())]  # 0, 1, 2, ...: grown as needed


def _arange(start: int, count: int) -> pa.Array:
    """The int64 array START, START + 1, ... (COUNT values)."""
    if len(_RANGE[0]) < count:
        _RANGE[0] = pa.array(range(max(count, 2 * len(_RANGE[0]))), pa.int64())
    return pc.add(_RANGE[0].slice(0, count), pa.scalar(start, pa.int64()))


def _drop_blank_rows(raw: _Raw) -> None:
    """Drop the rows of empty or whitespace-only lines (the Python reader ignores them)."""
    starts = pc.utf8_slice_codeunits(raw.table.column(0), 0, 1)
    suspects = _array(pc.is_in(starts, value_set=_BLANK_STARTS))
    if not pc.any(suspects).as_py():
        return
    indexes = pc.indices_nonzero(suspects).cast(pa.int64())
    rows = raw.table.take(indexes).to_pylist()
    blank = [index for index, row in zip(indexes.to_pylist(), rows, strict=True) if _blank(row)]
    if blank:
        every = _arange(0, raw.table.num_rows)
        raw.keep(pc.invert(pc.is_in(every, value_set=pa.array(blank, pa.int64()))))


def _blank(row: dict[str, str | None]) -> bool:
    """Whether ROW was split from an empty or whitespace-only line."""
    text = _line_text(row)
    return not text or text.isspace()


def _line_text(row: dict[str, str | None]) -> str:
    """The line ROW was split from (null was ``-``)."""
    return " ".join("-" if value is None else value for value in row.values())


def _retry_refused(raw: _Raw, refused: dict[int, str]) -> None:
    """Split the REFUSED lines (texts by number) on whitespace runs, as the Python reader does.

    Those that then fit join RAW in line order; the others are RAW's problems.
    """
    width = raw.table.num_columns
    rescued: list[list[str | None]] = []
    positions: list[int] = []
    for number, text in refused.items():
        if not text or text.isspace():
            continue
        parts = text.split()
        if len(parts) == width:
            rescued.append([None if part == "-" else part for part in parts])
            positions.append(number)
        else:
            raw.problems.append((number, f"{len(parts)} fields where #Fields names {width}"))
    if rescued:
        columns = [pa.array(column, pa.string()) for column in zip(*rescued, strict=True)]
        extra = pa.Table.from_arrays(columns, names=raw.table.column_names)
        merged = pa.concat_arrays([raw.positions, pa.array(positions, pa.int64())])
        order = pc.sort_indices(merged)
        raw.table = pa.concat_tables([raw.table, extra]).take(order)
        raw.positions = merged.take(order)


@dataclass
class _Piece:
    """A converted run: what an EventTable holds, for some rows of one layout."""

    columns: pa.Table
    positions: pa.Array
    times: pa.Array
    hosts: pa.Array | None


def _convert(raw: _Raw, layout: _Layout, date: str | None) -> _Piece:
    """RAW's rows as event columns of LAYOUT; rows the Python reader refuses are dropped."""
    _numbers(raw, layout)
    times = _times(raw, layout, date)
    fields: dict[str, Any] = {}
    for index, name in enumerate(layout.names):
        fields[name] = raw.table.column(index)
    for name, alias in layout.aliases:
        fields[alias] = fields[name]
    if layout.has_agent:
        fields["cs-user-agent"] = _per_value(fields["cs-user-agent"], _spaced)
    if layout.has_query:
        fields["cs-uri-query-decoded"] = _per_value(fields["cs-uri-query"], _decoded)
    hosts = None if layout.host_field is None else _array(fields[layout.host_field])
    return _Piece(pa.table(fields), raw.positions, times, hosts)


def _array(values: Any) -> pa.Array:
    """VALUES (an Array or a ChunkedArray) as one Array."""
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values


def _per_value(values: Any, convert: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """CONVERT applied to the distinct VALUES once each, spread back over the rows."""
    encoded = pc.dictionary_encode(_array(values))
    return convert(encoded.dictionary).take(encoded.indices)


def _spaced(agents: pa.Array) -> pa.Array:
    """User agents with IIS's ``+`` turned back into spaces."""
    return pc.replace_substring(agents, "+", " ")


def _decoded(queries: pa.Array) -> pa.Array:
    """QUERIES decoded as `decode_query` decodes them (``+`` alone is replaced in Arrow)."""
    escaped = pc.match_substring(queries, "%")
    plain = pc.replace_substring(queries, "+", " ")
    if not pc.any(escaped).as_py():
        return plain
    decoded = [decode_query(query) for query in queries.filter(escaped).to_pylist()]
    return pc.replace_with_mask(plain, escaped, pa.array(decoded, pa.string()))


def _numbers(raw: _Raw, layout: _Layout) -> None:
    """Make RAW's number columns int64; rows with a value that is not a number are dropped."""
    refusals: list[Any] = []  # per number column with a bad value: the reason for each row
    for index, name in layout.ints:
        values, reasons = _int_column(raw.table.column(index), name)
        raw.table = raw.table.set_column(index, raw.table.field(index).name, values)
        if reasons is not None:
            refusals.append(reasons)
    if refusals:
        reasons = pc.coalesce(*refusals)  # the first in line order, as the Python reader
        raw.refuse(pc.is_valid(reasons), reasons)


def _int_column(column: Any, name: str) -> tuple[Any, Any]:
    """COLUMN as int64, and why each row's value is not a number (None: all are)."""
    if pc.all(pc.ascii_is_decimal(column)).as_py() is not False:
        try:
            return pc.cast(column, pa.int64()), None
        except pa.ArrowInvalid:  # beyond int64
            pass
    encoded = pc.dictionary_encode(_array(column))
    numbers: list[int | None] = []
    reasons: list[str | None] = []
    for value in encoded.dictionary.to_pylist():
        number, reason = _python_int(value, name)
        numbers.append(number)
        reasons.append(reason)
    return (
        pa.array(numbers, pa.int64()).take(encoded.indices),
        pa.array(reasons, pa.string()).take(encoded.indices),
    )


def _python_int(value: str, name: str) -> tuple[int | None, str | None]:
    """VALUE read as the Python reader reads a number: (number, None) or (None, why not)."""
    try:
        number = int(value)
    except ValueError:
        return None, f"{name} is not a number: {value!r}"
    if number not in _INT64:
        return None, f"{name} is out of range: {value!r}"
    return number, None


def _times(raw: _Raw, layout: _Layout, date: str | None) -> pa.Array:
    """The UTC time of each row of RAW; rows with a bad date or time are dropped."""
    if not layout.has_time or (not layout.has_date and date is None):
        return pa.nulls(raw.table.num_rows, _TIMESTAMP)
    times = raw.table.column(_last_index(layout.names, "time"))
    if layout.has_date:
        dates = raw.table.column(_last_index(layout.names, "date"))
    else:
        dates = pa.scalar(date, pa.string())
    encoded = pc.dictionary_encode(_array(pc.binary_join_element_wise(dates, times, " ")))
    values, reasons = _stamps(encoded.dictionary)
    values = values.take(encoded.indices)
    if reasons is not None:
        reasons = reasons.take(encoded.indices)
        bad = pc.is_valid(reasons)
        if pc.any(bad).as_py():
            raw.refuse(bad, reasons)
            values = values.filter(pc.invert(bad))
    return values


def _stamps(stamps: pa.Array) -> tuple[pa.Array, pa.Array | None]:
    """Distinct "date time" STAMPS as UTC times, and why each is bad (None: none is)."""
    if pc.all(pc.match_substring_regex(stamps, _STRICT_TIME)).as_py() is not False:
        try:
            return pc.cast(stamps, pa.timestamp("us")).cast(_TIMESTAMP), None
        except (pa.ArrowInvalid, OverflowError):  # a day past the end of its month
            pass
    clock = _Clock()
    values: list[Any] = []
    reasons: list[str | None] = []
    for stamp in stamps.to_pylist():
        day, _, time = stamp.partition(" ")
        try:
            values.append(clock.at(day, time))
            reasons.append(None)
        except W3cError as error:
            values.append(None)
            reasons.append(str(error))
    return pa.array(values, _TIMESTAMP), pa.array(reasons, pa.string())


def _last_index(names: Sequence[str], name: str) -> int:
    """The index of the last NAME in NAMES (the value an event keeps when one repeats)."""
    return len(names) - 1 - names[::-1].index(name)


class _Gather:
    """Converted runs gathered into EventTables of at most ROWS rows, one layout each."""

    def __init__(self, path: str, rows: int) -> None:
        self.path = path
        self.rows = rows
        self.key: tuple[tuple[str, ...], LogSource] | None = None
        self.logsource = LogSource()
        self.pieces: list[_Piece] = []
        self.count = 0

    def add(self, piece: _Piece, layout: _Layout) -> Iterator[EventTable]:
        """Add PIECE, rows of LAYOUT; the tables that completes."""
        key = (tuple(layout.names), layout.logsource)
        if key != self.key:
            yield from self.flush()
            self.key, self.logsource = key, layout.logsource
        if len(piece.positions):
            self.pieces.append(piece)
            self.count += len(piece.positions)
        while self.count >= self.rows:
            yield self._table(self.rows)

    def flush(self) -> Iterator[EventTable]:
        """The table of the rows gathered so far, if any."""
        if self.count:
            yield self._table(self.count)

    def _table(self, size: int) -> EventTable:
        """An EventTable of the first SIZE rows gathered."""
        taken: list[_Piece] = []
        while size:
            piece = self.pieces.pop(0)
            count = len(piece.positions)
            if count > size:
                self.pieces.insert(0, _slice(piece, size, count))
                piece = _slice(piece, 0, size)
                count = size
            taken.append(piece)
            size -= count
            self.count -= count
        hosts = taken[0].hosts
        return EventTable(
            columns=pa.concat_tables([piece.columns for piece in taken]),
            logsource=self.logsource,
            path=self.path,
            unit="line",
            positions=_concat([piece.positions for piece in taken]),
            times=_concat([piece.times for piece in taken]),
            hosts=None if hosts is None else _concat([piece.hosts for piece in taken]),
        )


def _slice(piece: _Piece, start: int, stop: int) -> _Piece:
    """Rows START to STOP of PIECE (no copy)."""
    length = stop - start
    return _Piece(
        piece.columns.slice(start, length),
        piece.positions.slice(start, length),
        piece.times.slice(start, length),
        None if piece.hosts is None else piece.hosts.slice(start, length),
    )


def _concat(arrays: Sequence[Any]) -> pa.Array:
    """ARRAYS as one Array (no copy for one)."""
    return arrays[0] if len(arrays) == 1 else pa.concat_arrays(list(arrays))
