"""Collecting evidence: walking paths, archives, format detection, and skipping what is broken."""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from warroom.hunt.collect import SOURCES, count_bytes, detect, iter_events, iter_files
from warroom.hunt.errors import HuntError
from warroom.hunt.source import Event, Problems
from warroom.hunt.sources.csv import ColumnMap

IIS = (
    b"#Software: Microsoft Internet Information Services 10.0\n"
    b"#Fields: date time cs-method cs-uri-stem c-ip\n"
    b"2025-07-18 16:06:12 POST /_layouts/15/ToolPane.aspx 107.191.58.76\n"
    b"2025-07-18 16:06:14 GET /_layouts/15/spinstall0.aspx 107.191.58.76\n"
)
ACCESS = b'1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8"\n' * 3
FIREWALL = b"ts,src_ip,dst_ip,dst_port\n2025-07-18T16:06:12Z,1.1.1.1,2.2.2.2,443\n"


def collect(paths: list[Any], **options: Any) -> tuple[list[Event], Problems]:
    problems = Problems()
    return list(iter_events(paths, problems, **options)), problems


def origins(events: list[Event]) -> list[str]:
    return [str(e.origin) for e in events]


def test_the_registry_has_every_format_csv_last() -> None:
    assert {"evtx", "w3c", "combined", "csv"} <= set(SOURCES)
    assert list(SOURCES)[-1] == "csv"
    assert all(SOURCES[name].name == name for name in SOURCES)


@pytest.mark.parametrize(
    ("head", "name"),
    [(IIS, "w3c"), (ACCESS, "combined"), (FIREWALL, "csv"), (b"ElfFile\x00" + bytes(100), "evtx")],
)
def test_it_detects_the_format_by_content(head: bytes, name: str) -> None:
    source = detect(head, "evidence.bin")
    assert source is not None
    assert source.name == name


def test_it_walks_directories_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "web" / "W3SVC1").mkdir(parents=True)
    (tmp_path / "web" / "W3SVC1" / "u_ex250718.log").write_bytes(IIS)
    (tmp_path / "access.log").write_bytes(ACCESS)
    (tmp_path / "fw.csv").write_bytes(FIREWALL)
    events, problems = collect([tmp_path])
    assert problems.count == 0
    assert [e.logsource.category for e in events] == ["webserver"] * 3 + ["firewall"] + [
        "webserver"
    ] * 2
    assert origins(events)[3] == f"{tmp_path / 'fw.csv'}:line 2"


def test_it_expands_globs(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_bytes(IIS)
    (tmp_path / "b.log").write_bytes(IIS)
    (tmp_path / "c.txt").write_bytes(IIS)
    events, _ = collect([str(tmp_path / "*.log")])
    assert len(events) == 4


def test_it_streams_zip_members_and_names_them_archive_bang_member(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("host2/access.log", ACCESS)
    path = tmp_path / "collection.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("host1/inetpub/u_ex250718.log", IIS)
        archive.writestr("host1/empty/", b"")
        archive.writestr("host2.zip", inner.getvalue())
    events, problems = collect([path])
    assert problems.count == 0
    assert origins(events) == [
        f"{path}!host1/inetpub/u_ex250718.log:line 3",
        f"{path}!host1/inetpub/u_ex250718.log:line 4",
        f"{path}!host2.zip!host2/access.log:line 1",
        f"{path}!host2.zip!host2/access.log:line 2",
        f"{path}!host2.zip!host2/access.log:line 3",
    ]


def test_it_reads_gzip_compressed_logs(tmp_path: Path) -> None:
    (tmp_path / "access.log.1.gz").write_bytes(gzip.compress(ACCESS))
    events, _ = collect([tmp_path])
    assert len(events) == 3


def test_a_forced_format_overrides_detection(tmp_path: Path) -> None:
    # Data lines alone: no directive to sniff, so only --format w3c reads it (and reports it).
    path = tmp_path / "x.log"
    path.write_bytes(b"2025-07-18 16:06:12 GET /\n")
    _, problems = collect([path])
    assert "unknown format" in problems.skipped[0].reason
    _, problems = collect([path], fmt="w3c")
    assert "before any #Fields" in problems.skipped[0].reason


def test_an_unknown_format_name_is_a_usage_error() -> None:
    with pytest.raises(HuntError, match="unknown format 'syslog'"):
        collect([], fmt="syslog")


def test_a_column_map_reaches_the_csv_source(tmp_path: Path) -> None:
    path = tmp_path / "proxy.csv"
    path.write_bytes(b"when,address\n2025-07-18T16:06:12Z,http://x.test/\n")
    events, _ = collect([path], column_map={"when": "time", "address": "c-uri"})
    assert events[0].fields["c-uri"] == "http://x.test/"
    events, _ = collect([path], column_map=ColumnMap(fields={"address": "c-uri"}))
    assert events[0].logsource.category == "proxy"


def test_broken_files_are_reported_and_the_others_still_read(tmp_path: Path) -> None:
    (tmp_path / "a_missing_link").symlink_to(tmp_path / "nowhere")
    (tmp_path / "b_bad.zip").write_bytes(b"PK\x03\x04 this is no zip")
    (tmp_path / "c_bad.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (tmp_path / "d_truncated.gz").write_bytes(gzip.compress(ACCESS * 3000)[:-40])
    (tmp_path / "e_notes.txt").write_bytes(b"hello\n")
    (tmp_path / "f_good.log").write_bytes(IIS)
    events, problems = collect([tmp_path, tmp_path / "absent.log", str(tmp_path / "*.none")])
    assert {e.origin.path for e in events} >= {str(tmp_path / "f_good.log")}
    reasons = {Path(s.path).name: s.reason for s in problems.skipped}
    assert reasons["a_missing_link"].startswith("cannot open")
    assert reasons["b_bad.zip"].startswith("corrupt zip archive")
    assert reasons["c_bad.gz"].startswith("cannot read")
    assert "unreadable after" in reasons["d_truncated.gz"]
    assert reasons["e_notes.txt"].startswith("unknown format")
    assert reasons["absent.log"] == "no such file or directory"
    assert reasons["*.none"] == "no files match this pattern"
    assert all(s.position is None for s in problems.skipped)


def test_iter_files_yields_each_file_open_until_the_next(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_bytes(IIS)
    (tmp_path / "b.gz").write_bytes(gzip.compress(ACCESS))
    seen = [(name, stream.read()) for name, stream in iter_files([tmp_path], Problems())]
    assert seen == [(str(tmp_path / "a.log"), IIS), (str(tmp_path / "b.gz"), ACCESS)]


def test_count_bytes_totals_sizes_on_disk(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.log").write_bytes(IIS)
    (tmp_path / "sub" / "b.csv").write_bytes(FIREWALL)
    assert count_bytes([tmp_path, tmp_path / "absent"]) == len(IIS) + len(FIREWALL)


def test_evtx_and_json_samples_are_read_from_inside_a_zip(tmp_path: Path) -> None:
    root = os.environ.get("WARROOM_SIGMA_DIR")
    if not root:
        pytest.skip("WARROOM_SIGMA_DIR is not set: the regression samples are not available")
    samples = sorted(Path(root, "regression_data").rglob("*.evtx"))[:3]
    path = tmp_path / "triage.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, sample in enumerate(samples):
            archive.write(sample, f"host{number}/{sample.name}")
    direct, problems = collect(samples)
    zipped, zip_problems = collect([path])
    assert problems.count == zip_problems.count == 0
    assert len(zipped) == len(direct) > 0
    assert [e.fields for e in zipped] == [e.fields for e in direct]
    assert zipped[0].origin.path == f"{path}!host0/{samples[0].name}"


def test_a_yaml_column_map_as_loaded_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "fw.log"
    path.write_bytes(b"when;from;to\n18/07/2025 16:06;1.1.1.1;2.2.2.2\n")
    cmap = {"time": "when", "time_format": "%d/%m/%Y %H:%M", "fields": {"from": "src_ip"}}
    (event,) = collect([path], column_map=cmap)[0]
    assert event.fields["src_ip"] == "1.1.1.1"
    assert event.logsource.category == "firewall"
    assert event.time is not None
    assert event.time.hour == 16
