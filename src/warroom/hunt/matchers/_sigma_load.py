"""Read Sigma rule files from directories, single files and zip archives; parse each alone.

Each file is parsed on its own so that one broken rule never hides the others: its error is
kept, with the file and (where it can be found) the line, and loading goes on.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml
from sigma.exceptions import SigmaError
from sigma.rule import SigmaRule

from warroom.hunt.errors import RuleError

_SUFFIXES = (".yml", ".yaml")
# libyaml parses the 3,000 SigmaHQ rules ten times faster than the pure-Python loader.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def rule_texts(paths: Sequence[str | Path]) -> Iterator[tuple[str, str] | RuleError]:
    """(path, text) of every rule file under PATHS, or the error reading it."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.suffix in _SUFFIXES and file.is_file():
                    yield _read(file)
        elif path.suffix == ".zip":
            yield from _zip_texts(path)
        elif path.is_file():
            yield _read(path)
        else:
            yield RuleError(str(path), "no such file or directory")


def _read(path: Path) -> tuple[str, str] | RuleError:
    try:
        return str(path), path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return RuleError(str(path), f"cannot read: {exc}")


def _zip_texts(path: Path) -> Iterator[tuple[str, str] | RuleError]:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        yield RuleError(str(path), f"not a readable zip archive: {exc}")
        return
    with archive:
        for member in sorted(archive.namelist()):
            if not member.endswith(_SUFFIXES):
                continue
            where = f"{path}!{member}"
            try:
                yield where, archive.read(member).decode("utf-8")
            except (OSError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
                yield RuleError(where, f"cannot read: {exc}")


def parse(path: str, text: str) -> SigmaRule | RuleError | None:
    """The rule in TEXT; None for YAML that is not a detection rule (correlations, filters)."""
    try:
        document = yaml.load(text, Loader=_LOADER)  # noqa: S506 - the C safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return RuleError(path, f"invalid YAML: {getattr(exc, 'problem', exc)}", line)
    if not isinstance(document, dict) or "detection" not in document:
        return None
    try:
        rule = SigmaRule.from_dict(document, collect_errors=True)
    except SigmaError as exc:
        return RuleError(path, str(exc), _line_of(text, "detection"))
    if rule.errors:
        reason = "; ".join(str(error) for error in rule.errors)
        return RuleError(path, reason, _line_of(text, "detection"))
    return rule


def _line_of(text: str, key: str) -> int | None:
    """The line where top-level KEY starts, for errors pySigma gives without a line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return None
