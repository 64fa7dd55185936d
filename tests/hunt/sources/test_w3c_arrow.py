"""IIS W3C logs read to Arrow tables: the same events and problems as the Python reader."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.hunt.sources.test_w3c import HEADER
from warroom.hunt.source import Event, EventTable, LogSource, Problems, Skip
from warroom.hunt.sources import _w3c_arrow
from warroom.hunt.sources.w3c import W3cSource

TOOLPANE = (
    "2025-07-18 16:06:12 10.0.0.5 POST /_layouts/15/ToolPane.aspx "
    "DisplayMode=Edit&a=/ToolPane.aspx 443 - 107.191.58.76 "
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64;+rv:120.0)+Gecko/20100101+Firefox/120.0 "
    "/_layouts/SignOut.aspx 200 0 0 312\n"
)
PATH = "u_ex250718.log"


def read_tables(data: bytes, rows: int = 200_000) -> tuple[list[EventTable], Problems]:
    problems = Problems()
    found = list(W3cSource().tables(io.BytesIO(data), PATH, problems, rows=rows))
    return found, problems


def table_events(data: bytes, rows: int = 200_000) -> tuple[list[Event], list[Skip]]:
    """The events of every row of every table of DATA, and the problems reported."""
    found, problems = read_tables(data, rows)
    events: list[Event] = []
    for table in found:
        assert 0 < len(table) <= rows
        events.extend(table.events(range(len(table))))
    return events, problems.skipped


def python_events(data: bytes) -> tuple[list[Event], list[Skip]]:
    """The events and problems of the Python reader (the specification)."""
    problems = Problems()
    events = list(W3cSource().events(io.BytesIO(data), PATH, problems))
    return events, problems.skipped


def assert_same(data: bytes, rows: int = 200_000) -> list[Event]:
    """Both readers agree on DATA: events and problems. The events."""
    expected, expected_problems = python_events(data)
    events, problems = table_events(data, rows)
    assert problems == expected_problems
    assert len(events) == len(expected)
    for event, wanted in zip(events, expected, strict=True):
        assert event == wanted
    return events


@pytest.fixture(params=["default sizes", "small blocks", "low refusal limit"])
def blocks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real sizes; tiny blocks (lines cut across blocks, several parses of a block, lines
    longer than a parsing block); few refused lines before the parser looks for a directive."""
    if request.param == "small blocks":
        monkeypatch.setattr(_w3c_arrow, "BLOCK_SIZE", 64)
        monkeypatch.setattr(_w3c_arrow, "_CSV_BLOCK", 32)
    if request.param != "default sizes":
        monkeypatch.setattr(_w3c_arrow, "_REFUSED_LIMIT", 2)


# --- the property: random logs ------------------------------------------------------------

IIS_FIELDS = [
    "date",
    "time",
    "s-sitename",
    "s-computername",
    "s-ip",
    "cs-method",
    "cs-uri-stem",
    "cs-uri-query",
    "s-port",
    "cs-username",
    "c-ip",
    "cs-version",
    "cs(User-Agent)",
    "cs(Cookie)",
    "cs(Referer)",
    "cs-host",
    "sc-status",
    "sc-substatus",
    "sc-win32-status",
    "sc-bytes",
    "cs-bytes",
    "time-taken",
]
FIREWALL_FIELDS = ["action", "protocol", "src-ip", "dst-ip", "src-port", "dst-port", "size"]
# Names that collide with what the reader adds, and names no IIS writes.
ODD_FIELDS = ["cs-user-agent", "cs-referer", "cs-uri-query-decoded", "src_ip", "x-Ünï"]
INT_FIELDS = {"s-port", "sc-status", "sc-substatus", "sc-win32-status", "sc-bytes", "cs-bytes"}
INT_FIELDS |= {"time-taken", "src-port", "dst-port", "size"}

TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("aZ09/.=&?;:_-+%~#\\'\"\t\x00\x0b\x0c\x1c\x85\xa0\u2028\u3000é€😀\ufeff"),
        st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"),
    ),
    max_size=12,
)
LONG = st.text(alphabet="ab%2+é-", min_size=40, max_size=400)
ESCAPED = st.sampled_from(
    ["a=%41+b", "q=cmd+/c+dir", "%", "%zz", "%e2%82", "%E2%82%AC", "x%2", "+", "a+%2B+b", "%F0"]
)
ODD_NUMBERS = ["0x1F", "+5", "-5", "007", "1_000", " 5", "\u0663", "", "5.0", "1e3", "-0", "x"]
ODD_TIMES = [
    "16:06:1",
    "16:+1:00",
    "24:00:00",
    "23:59:60",
    "16:06",
    "16:06:12.",
    "16:06:12Z",
    "16:06:12.1234567",
    "16:06:12+0100",
    "16:06:12.-5",
    "16:06:12.+5",
    "1:02:03",
    "16x06:12",
    "16:06x12",
    "\u0661\u0666:06:12",
    "16:06:12.\u0665",
    "16:0_:12",
    "16:06:12.5 ",
]
ODD_DATES = ["2025-02-30", "2024-02-29", "0000-01-01", "2025-13-01", "2025/07/18", "18-07-2025"]
ODD_DATES += ["\uff12\uff10\uff12\uff15-07-18", "+202-07-18", "2025-7-018", "9999-12-31"]
ODD_DATES += ["0001-01-01", "2025-07-18x"]


def value_for(name: str) -> st.SearchStrategy[str]:
    """A value a W3C line may hold under NAME: mostly plausible, sometimes not."""
    plausible: st.SearchStrategy[str]
    if name == "date":
        plausible = st.dates().map(lambda day: day.isoformat())
        odd = st.sampled_from(ODD_DATES)
    elif name == "time":
        plausible = st.times().map(lambda t: t.isoformat())
        odd = st.sampled_from(ODD_TIMES)
    elif name in INT_FIELDS:
        plausible = st.integers(0, 2**40).map(str)
        odd = st.sampled_from(ODD_NUMBERS)
    elif name == "cs-uri-query":
        plausible = ESCAPED
        odd = TEXT
    else:
        plausible = TEXT.filter(lambda text: " " not in text)
        odd = TEXT
    if name in INT_FIELDS:  # (no long digit strings: beyond int64, see test_a_number_beyond...)
        return st.one_of(st.just("-"), *[plausible] * 6, odd)
    return st.one_of(st.just("-"), *[plausible] * 6, odd, LONG)


@st.composite
def data_line(draw: st.DrawFn, names: list[str]) -> str:
    """A data line for the layout NAMES: its values joined, or something damaged."""
    values = [draw(value_for(name)) for name in names]
    damage = draw(st.sampled_from(["none"] * 15 + ["drop", "add", "spaces", "tab", "text"]))
    if damage == "drop" and values:
        del values[draw(st.integers(0, len(values) - 1))]
    elif damage == "add":
        values.insert(draw(st.integers(0, len(values))), draw(TEXT))
    elif damage == "text":
        return draw(TEXT)
    separator = {"spaces": "  ", "tab": " \t"}.get(damage, " ")
    return separator.join(values)


FIELDS_LIST = st.lists(
    st.sampled_from(IIS_FIELDS + FIREWALL_FIELDS + ODD_FIELDS), min_size=0, max_size=8
)
DIRECTIVE = st.one_of(
    st.just("#Software: Microsoft Internet Information Services 10.0"),
    st.just("#Software: Microsoft Windows Firewall"),
    st.just("#Version: 1.0"),
    st.dates().map(lambda day: f"#Date: {day.isoformat()} 00:00:00"),
    st.sampled_from(["#Date:", "#Date: 2025-02-30 01:02:03", "#Date: 2025-07-18\t00:00"]),
    st.sampled_from(["#Remark: something", "#", "# Fields : date time", "#Fields:"]),
)
BLANK = st.sampled_from(["", " ", "  ", "\t", "\u3000", "\x1c", " \x85 "])


@st.composite
def w3c_log(draw: st.DrawFn) -> bytes:
    """A random W3C log, as bytes, with whatever a damaged or unusual file may hold."""
    lines: list[str] = []
    names: list[str] | None = None
    if draw(st.integers(0, 3)) == 0:
        lines.append("#Software: Microsoft Windows Firewall")
    if draw(st.integers(0, 5)) > 0:
        names = ["date", "time", *draw(FIELDS_LIST)]
        lines.append("#Fields: " + " ".join(names))
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["data"] * 8 + ["fields", "directive", "blank"]))
        if kind == "fields":
            names = draw(FIELDS_LIST)
            if draw(st.booleans()):
                names = ["date", "time", *names] if draw(st.booleans()) else ["time", *names]
            lines.append("#Fields: " + " ".join(names))
        elif kind == "directive":
            lines.append(draw(DIRECTIVE))
        elif kind == "blank" or names is None:
            lines.append(draw(BLANK) if kind == "blank" else draw(TEXT))
        else:
            lines.append(draw(data_line(names)))
    return encode(draw, lines)


def encode(draw: st.DrawFn, lines: list[str]) -> bytes:
    """LINES as a file: mixed line ends, maybe a BOM, maybe bytes that are not UTF-8."""
    parts = [b"\xef\xbb\xbf"] if draw(st.booleans()) else []
    for number, line in enumerate(lines):
        encoded = line.encode("utf-8", errors="surrogatepass")
        if draw(st.integers(0, 15)) == 0:
            at = draw(st.integers(0, len(encoded)))
            junk = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\x80"]))
            encoded = encoded[:at] + junk + encoded[at:]
        parts.append(encoded)
        if number < len(lines) - 1 or draw(st.booleans()):
            parts.append(draw(st.sampled_from([b"\n", b"\n", b"\r\n", b"\r"])))
    return b"".join(parts)


@pytest.mark.usefixtures("blocks")
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=w3c_log(), rows=st.integers(1, 6))
@example(data=(HEADER + TOOLPANE).encode(), rows=1)
def test_tables_give_the_events_and_problems_of_the_python_reader(data: bytes, rows: int) -> None:
    assert_same(data, rows)


# --- the edges, one by one ----------------------------------------------------------------


def test_a_table_holds_the_columns_of_the_layout_typed_as_the_events() -> None:
    (table,), problems = read_tables((HEADER + TOOLPANE).encode())
    assert problems.count == 0
    assert table.logsource == LogSource(category="webserver", service="iis")
    assert (table.path, table.unit) == (PATH, "line")
    assert table.positions.to_pylist() == [5]
    assert table.times.type == pa.timestamp("us", tz="UTC")
    assert table.times.to_pylist() == [datetime(2025, 7, 18, 16, 6, 12, tzinfo=UTC)]
    assert table.hosts is not None
    assert table.hosts.to_pylist() == ["10.0.0.5"]
    schema = table.columns.schema
    assert schema.field("sc-status").type == pa.int64()
    assert schema.field("cs-uri-stem").type == pa.string()
    assert "cs-user-agent" in schema.names
    assert "cs-uri-query-decoded" in schema.names
    (event,) = assert_same((HEADER + TOOLPANE).encode())
    assert event.fields["cs-user-agent"].startswith("Mozilla/5.0 (Windows NT 10.0;")


def test_tables_respect_rows_and_keep_line_order() -> None:
    data = (HEADER + TOOLPANE * 10).encode()
    found, _ = read_tables(data, rows=3)
    assert [len(table) for table in found] == [3, 3, 3, 1]
    positions = [p for table in found for p in table.positions.to_pylist()]
    assert positions == list(range(5, 15))
    assert_same(data, rows=3)


def test_a_layout_change_starts_a_new_table() -> None:
    second = "#Fields: time c-ip cs-method\n16:07:00 1.2.3.4 GET\n16:07:01 1.2.3.5 GET\n"
    data = (HEADER + TOOLPANE + second + HEADER + TOOLPANE).encode()
    found, _ = read_tables(data)
    assert [len(table) for table in found] == [1, 2, 1]
    assert found[1].columns.column_names == ["time", "c-ip", "cs-method"]
    assert found[1].hosts is None
    assert_same(data)


def test_the_same_layout_again_continues_the_table() -> None:
    # IIS writes its directives again when the worker restarts; nothing changed.
    data = (HEADER + TOOLPANE + HEADER + TOOLPANE).encode()
    found, _ = read_tables(data)
    assert [table.positions.to_pylist() for table in found] == [[5, 10]]


def test_the_date_directive_dates_a_layout_without_date() -> None:
    text = (
        "#Date: 2025-07-18 00:00:00\n#Fields: time cs-method\n23:59:59 GET\n"
        "#Date: 2025-07-19 00:00:00\n00:00:01.25 GET\n- GET\n"
    )
    events = assert_same(text.encode())
    assert [event.time for event in events] == [
        datetime(2025, 7, 18, 23, 59, 59, tzinfo=UTC),
        datetime(2025, 7, 19, 0, 0, 1, 250000, tzinfo=UTC),
        None,
    ]


def test_without_a_date_there_is_no_time() -> None:
    (event,) = assert_same(b"#Fields: time cs-method\n23:59:59 GET\n")
    assert event.time is None


def test_the_windows_firewall_log_gets_firewall_names_even_if_software_comes_later() -> None:
    text = (
        "#Fields: date time action src-ip dst-port\n2025-07-18 16:06:12 ALLOW 10.0.0.5 443\n"
        "#Software: Microsoft Windows Firewall\n"
        "2025-07-18 16:06:13 ALLOW 10.0.0.6 80\n"
        "#Fields: date time action src-ip dst-port\n2025-07-18 16:06:14 DROP 10.0.0.7 22\n"
    )
    iis, still_iis, firewall = assert_same(text.encode())
    assert "src_ip" not in iis.fields
    assert "src_ip" not in still_iis.fields  # #Software applies from the next #Fields on
    assert firewall.logsource == LogSource(category="firewall", service="windows-firewall")
    assert firewall.fields["src_ip"] == "10.0.0.7"
    assert firewall.fields["dst_port"] == 22
    assert firewall.host is None


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff" + HEADER + TOOLPANE,
        (HEADER + TOOLPANE).replace("\n", "\r\n"),
        (HEADER + TOOLPANE).replace("\n", "\r"),
        HEADER + "\n\n \n\t\n\u3000\n" + TOOLPANE + "  \n",
        HEADER + TOOLPANE + TOOLPANE.rstrip("\n"),
        HEADER.replace("#Fields", "\n#Remark: x\n#Fields") + TOOLPANE,
    ],
    ids=["bom", "crlf", "lone-cr", "blank-lines", "no-final-newline", "other-directives"],
)
def test_line_ends_boms_and_blank_lines(text: str) -> None:
    events = assert_same(text.encode())
    assert events
    assert all(event.fields["time-taken"] == 312 for event in events)


def test_bytes_that_are_not_utf8_are_replaced_as_python_decodes_them() -> None:
    line = TOOLPANE.replace("/_layouts/SignOut.aspx", "/caf\xe9").encode("latin-1")
    data = HEADER.encode() + line + b"\xff" + TOOLPANE.encode()[1:]
    events = assert_same(data)
    assert events[0].fields["cs-referer"] == "/caf\ufffd"
    assert_same(b"\xef\xbb" + data)  # half a BOM is not one


@given(
    st.one_of(
        st.binary(max_size=12),
        st.text(max_size=6).map(lambda text: text.encode("utf-8", errors="surrogatepass")),
    )
)
@example(b"\xed\xa0\x80")  # a surrogate
@example(b"\xc0\x80")  # overlong
@example(b"\xf4\x90\x80\x80")  # beyond U+10FFFF
def test_arrow_checks_utf8_as_python_decodes_it(data: bytes) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        assert not _w3c_arrow.valid_utf8(memoryview(data))
    else:
        assert _w3c_arrow.valid_utf8(memoryview(data))


def test_data_before_any_fields_directive_is_reported() -> None:
    _, problems = table_events((TOOLPANE + "\n  \n" + HEADER + TOOLPANE).encode())
    assert problems == [Skip(PATH, 1, "data before any #Fields directive")]


def test_wrong_field_counts_are_reported_after_the_whitespace_retry() -> None:
    short = "2025-07-18 16:06:12 10.0.0.5 POST\n"
    doubled = TOOLPANE.replace(" POST ", "  POST\t ")  # splits right on whitespace runs
    events = assert_same((HEADER + TOOLPANE + short + doubled + TOOLPANE).encode())
    assert [event.origin.position for event in events] == [5, 7, 8]
    assert events[1].fields["cs-method"] == "POST"
    _, problems = table_events((HEADER + short).encode())
    assert problems == [Skip(PATH, 5, "4 fields where #Fields names 15")]


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("OK", "sc-status is not a number: 'OK'"),
        ("0x1F", "sc-status is not a number: '0x1F'"),  # Arrow alone would read hex
        ("5.0", "sc-status is not a number: '5.0'"),
        ("+5", None),  # int() reads these, so the tables do too
        ("007", None),
        ("1_0", None),
        ("\u0663", None),
    ],
)
def test_numbers_are_read_as_int_reads_them(status: str, reason: str | None) -> None:
    data = (HEADER + TOOLPANE.replace(" 200 0 0 ", f" {status} 0 0 ")).encode()
    events, problems = table_events(data)
    assert_same(data)
    if reason is None:
        assert events[0].fields["sc-status"] == int(status)
    else:
        assert problems == [Skip(PATH, 5, reason)]


def test_the_first_bad_number_of_a_line_is_the_one_reported() -> None:
    data = (HEADER + TOOLPANE.replace(" 443 ", " x ").replace(" 200 ", " y ")).encode()
    _, problems = table_events(data)
    assert problems == [Skip(PATH, 5, "s-port is not a number: 'x'")]
    assert_same(data)


def test_a_number_beyond_int64_is_reported() -> None:
    # The one difference from the Python reader, which keeps a Python int: a column is int64.
    huge = str(2**63)
    data = (HEADER + TOOLPANE.replace(" 312\n", f" {huge}\n")).encode()
    events, problems = table_events(data)
    assert events == []
    assert problems == [Skip(PATH, 5, f"time-taken is out of range: '{huge}'")]
    assert python_events(data)[0][0].fields["time-taken"] == 2**63


@pytest.mark.parametrize("date", ["2025-02-30", "0000-01-01", "2025/07/18", "2025-07-18x"])
def test_bad_dates_are_reported(date: str) -> None:
    data = (HEADER + TOOLPANE.replace("2025-07-18", date)).encode()
    _, problems = table_events(data)
    assert problems == [Skip(PATH, 5, f"bad date/time {date!r} '16:06:12'")]
    assert_same(data)


@pytest.mark.parametrize("time", ["16:06:1", "16:06:12.1234567", "16:06x12", "16:+6:12", "1:2"])
def test_odd_times_get_the_python_readers_reading(time: str) -> None:
    assert_same((HEADER + TOOLPANE.replace("16:06:12", time)).encode())


def test_the_decoded_query() -> None:
    queries = ["q=cmd+/c+whoami%26dir", "a=%zz+%E2%82", "%F0%9F%98%80", "plain", "-", "a+b"]
    lines = "".join(TOOLPANE.replace("DisplayMode=Edit&a=/ToolPane.aspx", q) for q in queries)
    events = assert_same((HEADER + lines).encode())
    decoded = [event.fields["cs-uri-query-decoded"] for event in events]
    assert decoded == ["q=cmd /c whoami&dir", "a=%zz \ufffd", "😀", "plain", None, "a b"]


def test_a_line_longer_than_the_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_w3c_arrow, "BLOCK_SIZE", 1000)
    long_line = TOOLPANE.replace("DisplayMode=Edit", "x" * 5000)
    events = assert_same((HEADER + TOOLPANE + long_line + TOOLPANE).encode())
    assert len(events) == 3


def test_old_mac_line_ends_cut_blocks_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_w3c_arrow, "BLOCK_SIZE", 300)
    data = (HEADER + TOOLPANE * 20).replace("\n", "\r").encode()
    blocks = list(_w3c_arrow._blocks(io.BytesIO(data), 300))
    assert max(len(block.data) for block in blocks) == 300  # the buffer never grew
    assert len(assert_same(data)) == 20


def test_a_directive_that_fits_the_layout_width() -> None:
    text = "#Fields: time c-ip\n10:00:00 1.1.1.1\n#Remark: x\n10:00:01 1.1.1.2\n"
    assert len(assert_same(text.encode())) == 2


def test_many_refused_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_w3c_arrow, "_REFUSED_LIMIT", 3)
    bad = "2025-07-18 16:06:12 10.0.0.5 POST\n" * 10
    _, problems = table_events((HEADER + TOOLPANE + bad + TOOLPANE).encode())
    assert [skip.position for skip in problems] == list(range(6, 16))
    assert_same((HEADER + TOOLPANE + bad + TOOLPANE).encode())


class ReadOnly(io.RawIOBase):
    """A stream with read() but no readinto(), giving a few bytes at a time."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self.data.read(min(size, 7) if size >= 0 else -1)

    readinto = None  # type: ignore[assignment]


def test_a_stream_without_readinto() -> None:
    data = (HEADER + TOOLPANE * 3).encode()
    problems = Problems()
    found = list(W3cSource().tables(ReadOnly(data), PATH, problems))  # type: ignore[arg-type]
    events = [event for table in found for event in table.events(range(len(table)))]
    assert events == python_events(data)[0]


def test_the_space_characters_are_those_of_str_isspace() -> None:
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(_w3c_arrow.SPACES) == spaces


def test_rows_must_be_positive() -> None:
    with pytest.raises(ValueError, match="rows"):
        read_tables(HEADER.encode(), rows=0)


def test_an_empty_file_has_no_tables() -> None:
    assert read_tables(b"") == ([], Problems())


def lines_of(count: int) -> Iterator[str]:
    for n in range(count):
        yield f"2025-07-18 10:{n // 60 % 60:02}:{n % 60:02} 10.0.0.{n % 250} GET /{n} - 200\n"


def test_a_large_file_in_several_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_w3c_arrow, "BLOCK_SIZE", 4096)
    text = "#Fields: date time c-ip cs-method cs-uri-stem cs-uri-query sc-status\n"
    text += "".join(lines_of(2000))
    found, _ = read_tables(text.encode(), rows=700)
    assert [len(table) for table in found] == [700, 700, 600]
    assert_same(text.encode(), rows=700)
