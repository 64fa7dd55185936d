"""A draft as a file to send or to paste into a regulator's portal: Markdown and PDF.

Both come from one `Document`: a heading, what the step is (regime, step, recipient, legal
basis, due, status), the notes that say where the law is unconfirmed, then every field the
regulator asks for as a heading with its text, in the regulator's order, and a footer with the
case reference and the time of export.

Fonts. fpdf2's built-in fonts (Helvetica) know only one 8-bit code page, so "→", "ł" or
Cyrillic cannot appear with them. The PDF therefore uses a TrueType font with wide Unicode
coverage, looked for in this order: the CLOCK_PDF_FONT setting (a path to a .ttf), then
DejaVu Sans where the usual packages install it (Debian's fonts-dejavu-core and its
equivalents), then Arial on macOS and Windows. On a machine with none of them the PDF falls
back to Helvetica with the Windows-1252 code page, which still has "ä", "é", "—", "€" and
typographic quotes; any other character is transliterated ("→" becomes "->", "ł" becomes "l")
or replaced by "?", and the PDF then says so in its footer, pointing to the Markdown export,
which always holds the exact text. The same check applies to the TrueType font: a character
it has no glyph for (CJK in DejaVu, say) is treated the same way rather than drawn blank.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from warroom.clocks.choices import ObligationStatus
from warroom.clocks.display import is_warning, moment, time_left_text
from warroom.clocks.models import Draft, Obligation
from warroom.clocks.regimes import ContentField, all_regimes

__all__ = ["Document", "document", "filename", "find_font", "markdown", "pdf"]

log = logging.getLogger(__name__)
# fontTools logs each step of subsetting a font at INFO: a page of noise per PDF.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

NOT_WRITTEN = "(not yet written)"
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian, Ubuntu: fonts-dejavu-core
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",  # Fedora, RHEL
    "/usr/share/fonts/TTF/DejaVuSans.ttf",  # Arch
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",  # Alpine, openSUSE
    "/usr/local/share/fonts/dejavu/DejaVuSans.ttf",  # FreeBSD
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",  # macOS
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)
CORE_FONT = "helvetica"
CORE_ENCODING = "windows-1252"
# Characters with no decomposition to something a fallback font has, by hand.
SPELLED = {
    "→": "->",
    "←": "<-",
    "↔": "<->",
    "⇒": "=>",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "≈": "~",
    "\u2212": "-",  # minus sign
    "✓": "[x]",
    "✔": "[x]",
    "✗": "[ ]",
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "đ": "d",
    "Đ": "D",
    "ß": "ss",
}


@dataclass(frozen=True)
class Document:
    """What an export says, before it is Markdown or PDF."""

    title: str
    header: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]
    sections: tuple[tuple[str, str], ...]  # (field label, text), in the regulator's order
    footer: str


def document(
    obligation: Obligation,
    fields: Sequence[ContentField],
    texts: Mapping[str, str],
    *,
    draft: Draft | None,
    now: datetime,
) -> Document:
    """The export of OBLIGATION's draft: FIELDS in order, each with its text from TEXTS."""
    case = obligation.case
    saved = (
        f"draft version {draft.version}, saved {moment(draft.updated_at)}"
        if draft
        else "pre-filled from the case, not saved yet"
    )
    header = (
        ("Case", f"{case.reference} {case.title}"),
        ("Regime", _regime_title(obligation)),
        ("Step", obligation.title),
        ("Recipient", obligation.recipient),
        ("Legal basis", obligation.basis),
        ("Started at", moment(obligation.starts_at)),
        ("Due at", _due(obligation, now)),
        ("Status", obligation.state(now).label),
        ("Draft", saved),
    )
    sections = tuple((field.label, texts.get(field.id, "").strip()) for field in fields)
    return Document(
        title=f"{obligation.title}: {obligation.recipient}",
        header=header,
        notes=tuple(line for line in obligation.notes.splitlines() if line.strip()),
        sections=sections,
        footer=f"{case.reference} · exported {moment(now)} by warroom · {saved}",
    )


def filename(obligation: Obligation, extension: str) -> str:
    """E.g. INC-2025-0001-eu_nis2-early_warning-DE.md for key eu_nis2.early_warning:DE."""
    name = re.sub(r"[^A-Za-z0-9_]+", "-", f"{obligation.case.reference}-{obligation.key}")
    return f"{name.strip('-')}.{extension}"


def _regime_title(obligation: Obligation) -> str:
    for regime in all_regimes():
        if regime.id == obligation.regime and regime.version == obligation.regime_version:
            return f"{regime.title} (version of {regime.version})"
    return f"{obligation.regime} (version of {obligation.regime_version})"


def _due(obligation: Obligation, now: datetime) -> str:
    if obligation.due_at is None:
        return "no fixed time set by law"
    if obligation.status != ObligationStatus.OPEN:  # sent or not applicable: no clock runs
        return moment(obligation.due_at)
    return f"{moment(obligation.due_at)} ({time_left_text(obligation.time_left(now))})"


# --- Markdown --------------------------------------------------------------------------------


def markdown(doc: Document) -> str:
    """DOC as Markdown: a heading, a table of the step, the notes, a heading per field."""
    lines = [f"# {doc.title}", "", "| | |", "|---|---|"]
    lines += [f"| {label} | {_cell(value)} |" for label, value in doc.header]
    if doc.notes:
        lines += ["", "## Notes", ""]
        # A point the law leaves unconfirmed or only proposed is in bold, as on the pages.
        lines += [f"- **{note}**" if is_warning(note) else f"- {note}" for note in doc.notes]
    for label, text in doc.sections:
        lines += ["", f"## {label}", "", text or f"_{NOT_WRITTEN}_"]
    lines += ["", "---", "", doc.footer, ""]
    return "\n".join(lines)


def _cell(value: str) -> str:
    """VALUE safe inside a Markdown table cell: no pipes or line breaks to break the row."""
    return value.replace("|", "\\|").replace("\n", " ")


# --- PDF -------------------------------------------------------------------------------------


def find_font() -> Path | None:
    """The TrueType font the PDF uses, or None to fall back to Helvetica (module docstring)."""
    configured = str(getattr(settings, "CLOCK_PDF_FONT", "") or "")
    if configured:
        if Path(configured).is_file():
            return Path(configured)
        log.warning("CLOCK_PDF_FONT=%s is not a file; looking for DejaVu Sans instead", configured)
    return next((Path(name) for name in FONT_FILES if Path(name).is_file()), None)


def pdf(doc: Document, *, now: datetime) -> bytes:
    """DOC as a PDF (A4). Text the font cannot show is transliterated; the footer says so."""
    writer = _Writer(find_font())
    writer.set_creation_date(now)
    writer.set_title(doc.title)
    writer.set_creator("warroom")
    writer.add_page()
    writer.heading(doc.title, size=16)
    writer.pairs(doc.header)
    if doc.notes:
        writer.heading("Notes", size=13)
        for note in doc.notes:
            writer.paragraph(f"• {note}")
    for label, text in doc.sections:
        writer.heading(label, size=13)
        writer.paragraph(text or NOT_WRITTEN)
    footer = doc.footer
    if writer.replaced:
        footer += (
            f" · Characters this PDF's font cannot show were replaced ({writer.replaced});"
            " the Markdown export has the exact text."
        )
    writer.ln(4)
    writer.paragraph(footer, size=8)
    return bytes(writer.output())


class _Writer(FPDF):
    """FPDF with the font chosen once and every string fitted to it."""

    def __init__(self, font: Path | None) -> None:
        super().__init__(format="A4")
        self.set_auto_page_break(auto=True, margin=15)
        self.replaced = 0
        if font is None:
            self.family = CORE_FONT
            self.core_fonts_encoding = CORE_ENCODING
            self.covers: Callable[[str], bool] = _in_code_page
        else:
            self.family = "body"
            self.add_font(self.family, "", str(font))
            glyphs = self.fonts[self.family].cmap  # type: ignore[union-attr]
            self.covers = lambda char: ord(char) in glyphs
        self.set_font(self.family, size=10)

    def fit(self, text: str) -> str:
        """TEXT with each character the font lacks transliterated or replaced; counted."""
        out = []
        for char in text:
            if char == "\n" or self.covers(char):
                out.append(char)
                continue
            self.replaced += 1
            out.append(self._substitute(char))
        return "".join(out)

    def _substitute(self, char: str) -> str:
        if char in SPELLED:
            return SPELLED[char]
        base = unicodedata.normalize("NFKD", char)
        kept = "".join(c for c in base if not unicodedata.combining(c) and self.covers(c))
        return kept or "?"

    def heading(self, text: str, *, size: int) -> None:
        self.ln(3)
        self.set_font(self.family, size=size)
        self.multi_cell(
            0, size * 0.5, self.fit(text), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_font(self.family, size=10)
        self.ln(1)

    def paragraph(self, text: str, *, size: int = 10) -> None:
        self.set_font(self.family, size=size)
        self.multi_cell(
            0, size * 0.5, self.fit(text), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_font(self.family, size=10)

    def pairs(self, rows: Sequence[tuple[str, str]]) -> None:
        with self.table(col_widths=(30, 150), first_row_as_headings=False) as table:
            for label, value in rows:
                row = table.row()
                row.cell(self.fit(label))
                row.cell(self.fit(value))


def _in_code_page(char: str) -> bool:
    try:
        char.encode(CORE_ENCODING)
    except UnicodeEncodeError:
        return False
    return True
