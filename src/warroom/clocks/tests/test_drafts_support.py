"""Shared set-up of the draft and export tests (no tests of its own).

The draft code reads a step's fields from the regime data; most tests use a step of their own
(`use_test_step`) so that they say exactly which fields, labels and order they expect, and do
not change when a regime file does. `test_drafts_regimes.py` checks the real data files. The
clock pages are routed by conftest.py's `_clock_routes`.
"""

from __future__ import annotations

import re
import types
import zlib
from datetime import timedelta
from typing import Any

import pytest
from conftest import DETECTED
from django.urls import reverse

from warroom.clocks import drafts, export
from warroom.clocks.models import Obligation
from warroom.clocks.regimes import ContentField

FIELDS = (
    ContentField("nature", "Nature of the incident", "What happened, in a few sentences."),
    ContentField("suspected_malicious", "Unlawful or malicious act suspected", ""),
    ContentField("cross_border", "Cross-border impact", "Member States affected."),
    ContentField("people_count", "Approximate number of people", ""),
    ContentField("national_reference", "Portal reference — für Behörden (€ → ✓)", ""),
)
LABELS = [field.label for field in FIELDS]


def use_test_step(
    monkeypatch: pytest.MonkeyPatch, fields: tuple[ContentField, ...] = FIELDS
) -> None:
    """Every obligation's step asks for FIELDS, in that order."""
    monkeypatch.setattr(
        drafts, "find_step", lambda regime, version, step: types.SimpleNamespace(contents=fields)
    )
    monkeypatch.setattr(export, "all_regimes", tuple)


def make_obligation(case: Any, **overrides: Any) -> Obligation:
    """The NIS2 early warning to Germany's CSIRT on CASE, due 24 h after awareness."""
    values: dict[str, Any] = {
        "key": "eu_nis2.early_warning:DE",
        "regime": "eu_nis2",
        "regime_version": "2024-10-18",
        "step": "early_warning",
        "title": "NIS2 early warning",
        "recipient": "CSIRT of DE (BSI)",
        "basis": "NIS2 Art. 23(4)(a)",
        "starts_at": DETECTED,
        "due_at": DETECTED + timedelta(hours=24),
        "notes": "Unconfirmed: the national portal's field list.",
    }
    return Obligation.objects.create(case=case, **(values | overrides))


def draft_url(obligation: Obligation, name: str = "clock-draft") -> str:
    return reverse(name, args=[obligation.case.reference, obligation.pk])


# --- Reading a PDF back, without a PDF library ------------------------------------------------

_STREAM = re.compile(rb"<<(.*?)>>\s*stream\r?\n(.*?)\r?\nendstream", re.S)
_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_SHOW = re.compile(rb"\((.*?)(?<!\\)\)\s*Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def pdf_text(data: bytes) -> str:
    """The text drawn on the pages of DATA, a PDF written by `export.pdf`.

    Enough of PDF for fpdf2's output: Flate streams, one font, text shown with `Tj`. With a
    TrueType font each character is a two-byte glyph id, read back through the font's ToUnicode
    map; with a built-in font the bytes are Windows-1252.
    """
    streams = [_inflate(head, body) for head, body in _STREAM.findall(data)]
    glyphs: dict[int, str] = {}
    for stream in streams:
        if b"beginbfchar" in stream:
            for glyph, code in _BFCHAR.findall(stream.split(b"beginbfchar", 1)[1]):
                glyphs[int(glyph, 16)] = chr(int(code, 16))
    shown = []
    for stream in streams:
        for literal in _SHOW.findall(stream):
            raw = _unescape(literal)
            if glyphs:
                ids = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                shown.append("".join(glyphs.get(gid, "\ufffd") for gid in ids))
            else:
                shown.append(raw.decode(export.CORE_ENCODING))
    return " ".join(" ".join(shown).split())


def _inflate(head: bytes, body: bytes) -> bytes:
    return zlib.decompress(body) if b"/FlateDecode" in head else body


def _unescape(literal: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(literal):
        byte = literal[i : i + 1]
        if byte != b"\\":
            out += byte
            i += 1
            continue
        following = literal[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(following, following)
            i += 2
    return bytes(out)
