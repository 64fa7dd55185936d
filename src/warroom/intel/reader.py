"""Load indicator files: plain lists, CSV, STIX 2.1 bundles and MISP events.

`load_indicators(paths)` detects each file's format (extension, then content), normalises
every value with `warroom.intel.normalise`, drops duplicates and collects what it could not
read as `ReadProblem`s naming the file and line (or JSON path). It never stops at the first bad
value: an analyst pasting a list from a report wants the good ninety-nine loaded and the bad one
named.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warroom.intel.indicator import IndicatorError, IndicatorType, normalise
from warroom.intel.readers import Raw, ReadProblem, csv, misp, plain, stix

__all__ = [
    "FORMATS",
    "Indicator",
    "IndicatorList",
    "ReadProblem",
    "detect_format",
    "infer_type",
    "load_indicators",
]

T = IndicatorType
FORMATS = ("plain", "csv", "stix", "misp")


@dataclass(frozen=True, slots=True)
class Indicator:
    """One normalised indicator and where it was read."""

    type: IndicatorType
    value: str  # normalised: compare with ==
    source: str  # file and line or JSON path, e.g. "iocs.csv:12"
    comment: str = ""
    to_ids: bool | None = None  # MISP's "use for detection" flag; None when the format has none


class IndicatorList(list[Indicator]):
    """The indicators loaded, plus what was not loaded.

    `errors` are values and records that could not be read; `ignored` are entries that were
    read but are not indicators warroom matches (a MISP comment attribute, a to_ids=false
    value when only detection indicators were asked for).
    """

    def __init__(self, items: Iterable[Indicator] = ()) -> None:
        super().__init__(items)
        self.errors: list[ReadProblem] = []
        self.ignored: list[ReadProblem] = []


_HEX = re.compile(r"[0-9a-fA-F]+")
_HASH_TYPES = {32: T.MD5, 40: T.SHA1, 64: T.SHA256}
# Extensions of files that attackers drop, read as file names rather than domains in plain
# lists: "spinstall0.aspx" is a valid domain name under the rules of DNS but never meant as one.
_FILE_EXTENSIONS = frozenset(
    {"aspx", "ashx", "asmx", "asp", "jsp", "jspx", "php", "dll", "exe", "ps1", "psm1", "bat"}
    | {"cmd", "vbs", "js", "hta", "scr", "sys", "lnk", "msi", "config", "cs", "txt", "log"}
)


def infer_type(value: str) -> IndicatorType:
    """The indicator type a bare VALUE most plausibly is; raises IndicatorError if none fits."""
    cleaned = value.strip().replace("[.]", ".").replace("(.)", ".").replace("[:]", ":")
    if len(cleaned) in _HASH_TYPES and _HEX.fullmatch(cleaned):
        return _HASH_TYPES[len(cleaned)]
    if "://" in cleaned or cleaned.lower().startswith("hxxp"):
        return T.URL
    if "@" in cleaned:
        return T.EMAIL
    try:
        network = ipaddress.ip_network(cleaned, strict=False)
    except ValueError:
        pass
    else:
        return T.IPV4 if network.version == 4 else T.IPV6
    if "/" not in cleaned and "\\" not in cleaned and "." in cleaned:
        extension = cleaned.rsplit(".", 1)[1].lower()
        return T.FILE_NAME if extension in _FILE_EXTENSIONS else T.DOMAIN
    raise IndicatorError(f"{value!r} is not an address, network, domain, URL, hash or e-mail")


def detect_format(path: str, text: str) -> str:
    """Which reader reads the file at PATH with contents TEXT: one of FORMATS."""
    suffix = Path(path).suffix.lower()
    if suffix in {".csv", ".tsv"}:
        return "csv"
    head = text.lstrip()[:1]
    if suffix == ".json" or head in {"{", "["}:
        return "stix" if re.search(r'"type"\s*:\s*"bundle"', text[:4096]) else "misp"
    return "plain"


def load_indicators(
    paths: Sequence[str | Path], *, fmt: str | None = None, ids_only: bool = False
) -> IndicatorList:
    """The indicators of the files at PATHS, normalised and without duplicates.

    FMT forces one of FORMATS for every file. With IDS_ONLY, MISP attributes whose to_ids flag
    is false are ignored (and listed in `ignored`). Problems never raise: they are collected in
    the result's `errors` and `ignored`.
    """
    result = IndicatorList()
    seen: set[tuple[IndicatorType, str]] = set()
    for path in paths:
        for item in _read_file(str(path), fmt):
            if isinstance(item, ReadProblem):
                (result.ignored if item.ignored else result.errors).append(item)
                continue
            indicator = _indicator(item, str(path), result, ids_only)
            if indicator is not None and (indicator.type, indicator.value) not in seen:
                seen.add((indicator.type, indicator.value))
                result.append(indicator)
    return result


def _read_file(path: str, fmt: str | None) -> Iterable[Raw | ReadProblem]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [ReadProblem(path, "", f"cannot read the file: {exc}")]
    fmt = fmt or detect_format(path, text)
    if fmt == "plain":
        return plain.read(text, path)
    if fmt == "csv":
        return csv.read(text, path)
    if fmt not in FORMATS:
        return [ReadProblem(path, "", f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")]
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return [ReadProblem(path, str(exc.lineno), f"not valid JSON: {exc.msg}")]
    return stix.read(document, path) if fmt == "stix" else misp.read(document, path)


def _indicator(raw: Raw, path: str, result: IndicatorList, ids_only: bool) -> Indicator | None:
    where = f"{path}:{raw.where}"
    if ids_only and raw.to_ids is False:
        result.ignored.append(ReadProblem(path, raw.where, "to_ids is false", ignored=True))
        return None
    try:
        kind = raw.type or infer_type(raw.value)
        value = normalise(kind, raw.value)
    except IndicatorError as exc:
        result.errors.append(ReadProblem(path, raw.where, str(exc)))
        return None
    return Indicator(kind, value, where, raw.comment, raw.to_ids)
