"""Reading indicator files: plain lists, CSV, STIX 2.1 bundles, MISP events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warroom.intel import (
    IndicatorError,
    IndicatorList,
    IndicatorType,
    detect_format,
    infer_type,
    load_indicators,
    normalise,
)
from warroom.intel.readers import Raw, plain
from warroom.intel.readers.stix import Unsupported, parse_pattern

T = IndicatorType
SHA256 = "92bb4ddb98eeaf11fc15bb32e71d0a63256a0ed826a03ba293ce3a8bf057a514"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"


def pairs(result: IndicatorList) -> set[tuple[IndicatorType, str]]:
    return {(i.type, i.value) for i in result}


def write(tmp_path: Path, name: str, content: str | dict[str, Any] | list[Any]) -> Path:
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content, indent=1)
    path.write_text(text, encoding="utf-8")
    return path


# -- type inference ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("107.191.58.76", T.IPV4),
        ("104.238.159.0/24", T.IPV4),
        ("96.9.125[.]147", T.IPV4),
        ("2001:db8::1", T.IPV6),
        ("2001:db8::/32", T.IPV6),
        ("evil.example.com", T.DOMAIN),
        ("evil[.]example[.]com", T.DOMAIN),
        ("hxxps://evil.example/x", T.URL),
        ("https://evil.example/x", T.URL),
        ("ops@evil.example", T.EMAIL),
        (MD5.upper(), T.MD5),
        (SHA1, T.SHA1),
        (SHA256, T.SHA256),
        ("spinstall0.aspx", T.FILE_NAME),
        ("IIS_Server_dll.dll", T.FILE_NAME),
    ],
)
def test_it_infers_each_type(value: str, kind: IndicatorType) -> None:
    assert infer_type(value) is kind


def test_it_refuses_values_of_no_type() -> None:
    with pytest.raises(IndicatorError, match="not an address"):
        infer_type("hello world")


# -- plain lists ------------------------------------------------------------------------------

PLAIN = f"""# ToolShell indicators
107.191.58.76
104.238.159.149/24   # Storm-2603 range
2001:DB8::1
evil[.]example[.]com
hxxp://evil.example.com/_layouts/15/spinstall0.aspx
Ops@Evil.Example
{MD5.upper()}
{SHA1}
{SHA256}
spinstall0.aspx

not an indicator
300.1.1.1
107.191.58.76
"""


def test_plain_list_reads_every_type(tmp_path: Path) -> None:
    result = load_indicators([write(tmp_path, "iocs.txt", PLAIN)])
    assert pairs(result) == {
        (T.IPV4, "107.191.58.76"),
        (T.IPV4, "104.238.159.0/24"),
        (T.IPV6, "2001:db8::1"),
        (T.DOMAIN, "evil.example.com"),
        (T.URL, "http://evil.example.com/_layouts/15/spinstall0.aspx"),
        (T.EMAIL, "Ops@evil.example"),
        (T.MD5, MD5),
        (T.SHA1, SHA1),
        (T.SHA256, SHA256),
        (T.FILE_NAME, "spinstall0.aspx"),
    }


def test_plain_list_keeps_comments_and_where(tmp_path: Path) -> None:
    path = write(tmp_path, "iocs.txt", PLAIN)
    network = next(i for i in load_indicators([path]) if i.value == "104.238.159.0/24")
    assert network.comment == "Storm-2603 range"
    assert network.source == f"{path}:3"


def test_plain_list_names_bad_lines_and_goes_on(tmp_path: Path) -> None:
    path = write(tmp_path, "iocs.txt", PLAIN)
    result = load_indicators([path])
    assert [(e.where, e.path) for e in result.errors] == [("13", str(path)), ("14", str(path))]
    assert str(result.errors[1]).startswith(f"{path}:14: ")
    assert len(result) == 10


def test_duplicates_across_files_are_dropped(tmp_path: Path) -> None:
    first = write(tmp_path, "a.txt", "107.191.58.76\n")
    second = write(tmp_path, "b.txt", "107.191.58.76/32\n107.191.58[.]76\n")
    result = load_indicators([first, second])
    assert [i.source for i in result] == [f"{first}:1"]


def test_a_missing_file_is_an_error_not_an_exception(tmp_path: Path) -> None:
    result = load_indicators([tmp_path / "nope.txt"])
    assert len(result) == 0
    assert "cannot read the file" in str(result.errors[0])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)))
def test_plain_reader_never_raises_and_names_lines(lines: list[str]) -> None:
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    numbers = len(text.splitlines())
    for item in plain.read(text, "x.txt"):
        assert 1 <= int(item.where) <= numbers


@given(st.ip_addresses())
def test_plain_reader_round_trips_addresses(address: Any) -> None:
    kind = T.IPV4 if address.version == 4 else T.IPV6
    raws = list(plain.read(f"{address}  # seen\n", "x.txt"))
    assert len(raws) == 1
    assert isinstance(raws[0], Raw)
    assert normalise(infer_type(raws[0].value), raws[0].value) == normalise(kind, str(address))


# -- CSV --------------------------------------------------------------------------------------


def test_csv_with_type_and_value_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "iocs.csv",
        "type,value,comment\n"
        "ipv4-addr,107.191.58.76,exploit source\n"
        "domain,evil.example.com,\n"
        f"sha256,{SHA256},spinstall0\n"
        "file:name,spinstall0.aspx,\n"
        "ip,2001:db8::/32,\n"
        "colour,blue,\n"
        "ipv4-addr,999.1.1.1,\n"
        "url,,\n",
    )
    result = load_indicators([path])
    assert pairs(result) == {
        (T.IPV4, "107.191.58.76"),
        (T.DOMAIN, "evil.example.com"),
        (T.SHA256, SHA256),
        (T.FILE_NAME, "spinstall0.aspx"),
        (T.IPV6, "2001:db8::/32"),
    }
    assert result[0].comment == "exploit source"
    assert [(e.where, e.reason.split(" ")[0]) for e in result.errors] == [
        ("7", "unknown"),
        ("8", "'999.1.1.1'"),
        ("9", "no"),
    ]


def test_csv_with_a_value_column_only_infers_types(tmp_path: Path) -> None:
    path = write(tmp_path, "iocs.csv", "Indicator,Source\nevil[.]example,report\n10.0.0.0/8,\n")
    result = load_indicators([path])
    assert pairs(result) == {(T.DOMAIN, "evil.example"), (T.IPV4, "10.0.0.0/8")}
    assert result[0].comment == "report"
    assert result[0].source.endswith(":2")


def test_csv_without_header_reads_the_first_column(tmp_path: Path) -> None:
    path = write(tmp_path, "iocs.csv", f"107.191.58.76,first\n{MD5},second\n")
    assert pairs(load_indicators([path])) == {(T.IPV4, "107.191.58.76"), (T.MD5, MD5)}


# -- STIX 2.1 ---------------------------------------------------------------------------------


def indicator(pattern: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--0",
        "pattern": pattern,
        "pattern_type": "stix",
        **extra,
    }


STIX = {
    "type": "bundle",
    "id": "bundle--1",
    "objects": [
        indicator("[ipv4-addr:value = '107.191.58.76']", name="exploit source"),
        indicator("[domain-name:value = 'evil.example.com']"),
        indicator("[url:value = 'https://evil.example.com/a?b=1']"),
        indicator(f"[file:hashes.'SHA-256' = '{SHA256}']"),
        indicator(f"[file:hashes.MD5 = '{MD5}' OR file:hashes.'SHA-1' = '{SHA1}']"),
        indicator("[ipv6-addr:value = '2001:db8::1'] OR [ipv4-addr:value = '10.0.0.0/8']"),
        indicator("[file:name = 'spinstall0.aspx']"),
        indicator("[email-addr:value IN ('a@evil.example', 'b@evil.example')]"),
        indicator("[ipv4-addr:value = '1.1.1.1' AND ipv4-addr:value = '2.2.2.2']"),
        indicator("[file:name LIKE 'spinstall%']"),
        indicator("[process:name = 'cmd.exe']"),
        indicator("[ipv4-addr:value = '3.3.3.3'] WITHIN 5 SECONDS"),
        indicator("alert tcp any any", pattern_type="snort"),
        {"type": "ipv4-addr", "id": "ipv4-addr--1", "value": "198.51.100.7"},
        {"type": "file", "id": "file--1", "hashes": {"SHA-256": SHA256.upper()}, "name": "x.aspx"},
        {
            "type": "observed-data",
            "id": "observed-data--1",
            "objects": {"0": {"type": "domain-name", "value": "old.example"}},
        },
        {"type": "malware", "id": "malware--1", "name": "Warlock"},
    ],
}


def test_stix_bundle_reads_patterns_and_observables(tmp_path: Path) -> None:
    result = load_indicators([write(tmp_path, "bundle.json", STIX)])
    assert pairs(result) == {
        (T.IPV4, "107.191.58.76"),
        (T.DOMAIN, "evil.example.com"),
        (T.URL, "https://evil.example.com/a?b=1"),
        (T.SHA256, SHA256),
        (T.MD5, MD5),
        (T.SHA1, SHA1),
        (T.IPV6, "2001:db8::1"),
        (T.IPV4, "10.0.0.0/8"),
        (T.FILE_NAME, "spinstall0.aspx"),
        (T.EMAIL, "a@evil.example"),
        (T.EMAIL, "b@evil.example"),
        (T.IPV4, "198.51.100.7"),
        (T.FILE_NAME, "x.aspx"),
        (T.DOMAIN, "old.example"),
    }
    assert result[0].comment == "exploit source"


def test_stix_unsupported_patterns_are_reported_with_their_json_path(tmp_path: Path) -> None:
    result = load_indicators([write(tmp_path, "bundle.json", STIX)])
    reasons = {e.where: e.reason for e in result.errors}
    assert set(reasons) == {f"objects[{n}].pattern" for n in (8, 9, 10, 11, 12)}
    assert "AND is not supported" in reasons["objects[8].pattern"]
    assert "LIKE is not supported" in reasons["objects[9].pattern"]
    assert "process:name" in reasons["objects[10].pattern"]
    assert "'snort' not supported" in reasons["objects[12].pattern"]


@pytest.mark.parametrize(
    "pattern",
    [
        "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [ipv4-addr:value = '5.6.7.8']",
        "[ipv4-addr:value != '1.2.3.4']",
        "[ipv4-addr:value MATCHES '^1']",
        "NOT [ipv4-addr:value = '1.2.3.4']",
        "[ipv4-addr:value = '1.2.3.4'",
        "",
        "[ipv4-addr:value = ]",
    ],
)
def test_stix_patterns_that_are_not_plain_or_lists_are_refused(pattern: str) -> None:
    with pytest.raises(Unsupported):
        parse_pattern(pattern)


def test_stix_pattern_strings_unescape_quotes() -> None:
    assert parse_pattern(r"[file:name = 'it\'s.aspx']") == [(T.FILE_NAME, "it's.aspx")]


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bundle.json", '{\n "type": "bundle",\n "objects": [\n}')
    (error,) = load_indicators([path]).errors
    assert error.where == "4"
    assert "not valid JSON" in error.reason


# -- MISP -------------------------------------------------------------------------------------

MISP = {
    "Event": {
        "info": "ToolShell",
        "Attribute": [
            {"type": "ip-src", "value": "107.191.58.76", "to_ids": True, "comment": "exploit"},
            {"type": "ip-dst|port", "value": "2001:db8::1|443", "to_ids": True},
            {"type": "domain", "value": "evil.example.com", "to_ids": True},
            {"type": "hostname", "value": "c2.evil.example", "to_ids": False},
            {"type": "url", "value": "http://evil.example.com/x", "to_ids": True},
            {"type": "md5", "value": MD5, "to_ids": True},
            {"type": "comment", "value": "seen in July", "to_ids": False},
            {"type": "email-src", "value": "ops@evil.example", "to_ids": True},
            {"type": "sha1", "value": "not-a-hash", "to_ids": True},
            {"type": "ip-dst|port", "value": "1.2.3.4", "to_ids": True},
        ],
        "Object": [
            {
                "name": "file",
                "Attribute": [
                    {"type": "filename|sha256", "value": f"spinstall0.aspx|{SHA256}"},
                    {"type": "sha1", "value": SHA1, "to_ids": True},
                ],
            }
        ],
    }
}


def test_misp_event_reads_attributes_and_objects(tmp_path: Path) -> None:
    result = load_indicators([write(tmp_path, "event.json", MISP)])
    assert pairs(result) == {
        (T.IPV4, "107.191.58.76"),
        (T.IPV6, "2001:db8::1"),
        (T.DOMAIN, "evil.example.com"),
        (T.DOMAIN, "c2.evil.example"),
        (T.URL, "http://evil.example.com/x"),
        (T.MD5, MD5),
        (T.EMAIL, "ops@evil.example"),
        (T.FILE_NAME, "spinstall0.aspx"),
        (T.SHA256, SHA256),
        (T.SHA1, SHA1),
    }
    assert result[0].comment == "exploit"
    assert result[0].to_ids is True


def test_misp_names_bad_attributes_by_json_path(tmp_path: Path) -> None:
    result = load_indicators([write(tmp_path, "event.json", MISP)])
    assert [e.where for e in result.errors] == ["Event.Attribute[8].value", "Event.Attribute[9]"]
    assert [e.where for e in result.ignored] == ["Event.Attribute[6]"]


def test_misp_to_ids_false_is_recorded_or_honoured(tmp_path: Path) -> None:
    path = write(tmp_path, "event.json", MISP)
    recorded = next(i for i in load_indicators([path]) if i.value == "c2.evil.example")
    assert recorded.to_ids is False
    honoured = load_indicators([path], ids_only=True)
    assert (T.DOMAIN, "c2.evil.example") not in pairs(honoured)
    assert "to_ids is false" in {p.reason for p in honoured.ignored}


@pytest.mark.parametrize("wrap", ["bare", "list", "response"])
def test_misp_layouts(tmp_path: Path, wrap: str) -> None:
    event = {"Attribute": [{"type": "ip-dst", "value": "198.51.100.7"}]}
    document: Any = {
        "bare": event,
        "list": [{"Event": event}],
        "response": {"response": [{"Event": event}]},
    }[wrap]
    result = load_indicators([write(tmp_path, "event.json", document)])
    assert pairs(result) == {(T.IPV4, "198.51.100.7")}


# -- format detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("a.txt", "1.2.3.4\n", "plain"),
        ("a.csv", "type,value\n", "csv"),
        ("a.json", '{"type": "bundle", "objects": []}', "stix"),
        ("a.txt", '{"type": "bundle", "objects": []}', "stix"),
        ("a.json", '{"Event": {}}', "misp"),
        ("a", '[{"Event": {}}]', "misp"),
    ],
)
def test_it_detects_the_format(name: str, text: str, fmt: str) -> None:
    assert detect_format(name, text) == fmt


def test_format_can_be_forced(tmp_path: Path) -> None:
    path = write(tmp_path, "iocs.dat", "value\n1.2.3.4\n")
    assert pairs(load_indicators([path], fmt="csv")) == {(T.IPV4, "1.2.3.4")}
    assert "unknown format" in str(load_indicators([path], fmt="xml").errors[0])


def test_the_public_names_of_warroom_intel() -> None:
    import warroom.intel

    assert set(warroom.intel.__all__) == {
        "Indicator",
        "IndicatorError",
        "IndicatorList",
        "IndicatorType",
        "IntelError",
        "ReadProblem",
        "detect_format",
        "infer_type",
        "load_indicators",
        "normalise",
    }
