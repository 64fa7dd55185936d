"""YARA-X over file trees: webshells and other artefacts on disk.

YARA-X is an optional extra (`pip install 'warroom[yara]'`); without it, loading rules raises
HuntError saying so. Each rule file is compiled into its own namespace (its file name without
the extension), so that two files may define rules of the same name; a finding's rule id is
`namespace:rule`. Files are scanned with `Scanner.scan_file`, which maps the file into memory
rather than reading it; files over the size limit, files matching the skip list and files that
cannot be read are reported to Problems and the scan goes on.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from stat import S_ISREG
from types import ModuleType
from typing import Any

from warroom.hunt.errors import HuntError, RuleError
from warroom.hunt.finding import Finding, Level
from warroom.hunt.source import Origin, Problems

RULE_SUFFIXES = (".yar", ".yara")
DEFAULT_MAX_SIZE = 64 * 1024 * 1024
SCAN_TIMEOUT_SECONDS = 60
_MISSING = "YARA scanning needs the yara extra: pip install 'warroom[yara]'"


def _yara_x() -> ModuleType:
    try:
        # An optional extra: imported only when YARA is used.
        import yara_x
    except ImportError:
        raise HuntError(_MISSING) from None
    return yara_x


def builtin_rules() -> Path:
    """The directory of warroom's own webshell rules, shipped in the package."""
    return Path(str(resources.files("warroom.hunt.rules") / "yara"))


def rule_files(paths: Sequence[str | Path]) -> list[Path]:
    """The .yar/.yara files of PATHS (files, or directories searched recursively), sorted."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in RULE_SUFFIXES))
        else:
            found.append(path)
    return found


def _errors(compiler: Any, path: Path, already: int) -> list[RuleError]:
    errors: list[RuleError] = []
    for error in compiler.errors()[already:]:
        labels = error.get("labels") or [{}]
        detail = labels[0].get("text", "")
        reason = f"{error.get('title', 'error')}: {detail}" if detail else error.get("title", "")
        errors.append(RuleError(str(path), reason, error.get("line")))
    return errors


def compile_rules(paths: Sequence[str | Path]) -> tuple[Any, list[RuleError]]:
    """(compiled rules, every error) for the rule files of PATHS; errors name file:line."""
    yara_x = _yara_x()
    compiler = yara_x.Compiler()
    errors: list[RuleError] = []
    files = rule_files(paths)
    if not files:
        errors.append(RuleError(", ".join(map(str, paths)), "no .yar or .yara files found"))
    for path in files:
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(RuleError(str(path), f"cannot read the rule file: {exc}"))
            continue
        compiler.new_namespace(path.stem)
        before = len(compiler.errors())
        try:
            compiler.add_source(source, origin=str(path))
        except yara_x.CompileError:
            errors.extend(_errors(compiler, path, before))
    return compiler.build(), errors


class YaraScanner:
    """Compiled YARA rules and the scan of file trees with them."""

    def __init__(self, rules: Any) -> None:
        self._rules = rules

    @classmethod
    def check(cls, paths: Sequence[str | Path]) -> list[RuleError]:
        """Every error in the rule files of PATHS (empty when they all compile)."""
        return compile_rules(paths)[1]

    @classmethod
    def load(cls, paths: Sequence[str | Path]) -> YaraScanner:
        """The rules of PATHS; raises RuleError (file:line) on the first bad rule file."""
        rules, errors = compile_rules(paths)
        if errors:
            raise errors[0]
        return cls(rules)

    def scan(
        self,
        paths: Sequence[str | Path],
        problems: Problems,
        *,
        max_size: int = DEFAULT_MAX_SIZE,
        skip: Sequence[str] = (),
    ) -> Iterator[Finding]:
        """The matches in the files under PATHS; skipped and unreadable files go to PROBLEMS."""
        yara_x = _yara_x()
        scanner = yara_x.Scanner(self._rules)
        scanner.set_timeout(SCAN_TIMEOUT_SECONDS)
        failures = (OSError, yara_x.ScanError, yara_x.TimeoutError)
        for path in _walk(paths, problems, skip):
            yield from _scan_file(scanner, failures, path, problems, max_size)


def _scan_file(
    scanner: Any,
    failures: tuple[type[Exception], ...],
    path: str,
    problems: Problems,
    max_size: int,
) -> Iterator[Finding]:
    try:
        stat = os.stat(path)
        if not S_ISREG(stat.st_mode):  # a FIFO or device would block or never end
            problems.skip(path, None, "not a regular file")
            return
        if stat.st_size > max_size:
            problems.skip(
                path, None, f"larger than the size limit ({stat.st_size} > {max_size} bytes)"
            )
            return
        results = scanner.scan_file(path)
    except failures as exc:  # unreadable, vanished, or too slow: report and go on
        problems.skip(path, None, f"cannot scan: {exc}")
        return
    modified = datetime.fromtimestamp(stat.st_mtime, UTC)
    for rule in results.matching_rules:
        yield _finding(rule, path, modified, stat.st_size)


def _walk(paths: Sequence[str | Path], problems: Problems, skip: Sequence[str]) -> Iterator[str]:
    for top in map(str, paths):
        if not os.path.exists(top):
            problems.skip(top, None, "no such file or directory")
        elif os.path.isdir(top):
            yield from _walk_dir(top, problems, skip)
        elif not _skipped(top, skip):
            yield top


def _walk_dir(top: str, problems: Problems, skip: Sequence[str]) -> Iterator[str]:
    def report(error: OSError) -> None:
        problems.skip(str(error.filename or top), None, f"cannot list: {error.strerror}")

    # Symbolic links to directories are not followed: a link loop must not hang the scan.
    for directory, dirs, files in os.walk(top, onerror=report):
        dirs[:] = sorted(d for d in dirs if not _skipped(os.path.join(directory, d), skip))
        for name in sorted(files):
            path = os.path.join(directory, name)
            if not _skipped(path, skip) and not os.path.islink(path):
                yield path


def _skipped(path: str, patterns: Sequence[str]) -> bool:
    """Whether PATH (its name or its whole path) matches one of the glob PATTERNS."""
    name = os.path.basename(path)
    posix = path.replace(os.sep, "/")
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(posix, p) for p in patterns)


def _meta(rule: Any) -> dict[str, Any]:
    return {key: value for key, value in rule.metadata}


def _level(value: Any) -> Level:
    try:
        return Level.parse(str(value))
    except ValueError:
        return Level.HIGH


def _finding(rule: Any, path: str, modified: datetime, size: int) -> Finding:
    meta = _meta(rule)
    tags = tuple(tag.strip() for tag in str(meta.get("tags", "")).split(",") if tag.strip())
    strings = sorted({pattern.identifier for pattern in rule.patterns if pattern.matches})
    return Finding(
        matcher="yara",
        rule_id=f"{rule.namespace}:{rule.identifier}",
        title=str(meta.get("description") or rule.identifier),
        level=_level(meta.get("level", "high")),
        origin=Origin(path, 0, "file"),
        time=modified,
        tags=tags,
        author=str(meta.get("author", "")),
        fields={"path": path, "size": size, "modified": modified.isoformat()},
        detail=", ".join(strings),
    )
