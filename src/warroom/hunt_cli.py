"""`warroom hunt`: Sigma rules, indicators and YARA over evidence; a summary, a file, a case.

Exit codes, for scripts:

    0  the hunt ran (whatever it found)
    1  some rules or indicator lists failed to load: they are listed with file:line, and the
       hunt still runs with every rule that did load, so nothing that loaded goes unused;
       --ignore-rule-errors makes this 0. With --check: some rule is broken.
    2  usage: bad option values, evidence that does not exist, nothing to hunt with, a case
       or user that --case/--as cannot use
    3  --fail-on LEVEL and a finding at LEVEL or above fired (takes precedence over 1, since
       a script asking --fail-on wants to know about the hit first)
"""

from __future__ import annotations

import enum
import glob
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.progress import Progress as RichProgress
from rich.table import Table

from warroom.hunt.errors import HuntError, RuleError
from warroom.hunt.finding import Finding, Level
from warroom.hunt.hunt import (
    BUILTIN_RULES,
    BUILTIN_YARA,
    DEFAULT_BATCH_SIZE,
    Hunt,
    HuntResult,
    RuleSet,
    load_rules,
)
from warroom.hunt.hunt import Progress as HuntProgress
from warroom.hunt.output import iso, summarise, write_findings
from warroom.hunt.sources.csv import ColumnMap

err = Console(stderr=True, soft_wrap=True)
SHOW_SKIPPED = 20
# One worker process per core this process may run on.
DEFAULT_JOBS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


class EvidenceFormat(enum.StrEnum):
    EVTX = "evtx"
    JSONL = "jsonl"
    W3C = "w3c"
    COMBINED = "combined"
    CSV = "csv"


class OutputFormat(enum.StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    TIMESKETCH = "timesketch"
    TIMESKETCH_CSV = "timesketch-csv"


class FailLevel(enum.StrEnum):
    INFORMATIONAL = "informational"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


def hunt(
    evidence: Annotated[
        list[str] | None,
        typer.Argument(
            help="Evidence files, directories, globs or zip archives.", show_default=False
        ),
    ] = None,
    rules: Annotated[
        list[Path] | None,
        typer.Option("--rules", "-r", help="Sigma rules: directory, .yml or .zip."),
    ] = None,
    builtin_rules: Annotated[
        bool, typer.Option(help="Also use warroom's own rule pack for the ToolShell chain.")
    ] = True,
    iocs: Annotated[
        list[Path] | None, typer.Option(help="Indicator lists: plain, CSV, STIX 2.1, MISP.")
    ] = None,
    yara: Annotated[list[Path] | None, typer.Option(help="YARA rules: file or directory.")] = None,
    fmt: Annotated[
        EvidenceFormat | None,
        typer.Option("--format", help="Evidence format, when detection by content is wrong."),
    ] = None,
    column_map: Annotated[
        Path | None, typer.Option(help="YAML mapping of CSV columns to field names.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the findings here ('-': stdout).")] = None,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option(help="Format of --out [default: csv for a .csv file, else jsonl]."),
    ] = None,
    fail_on: Annotated[
        FailLevel | None, typer.Option(help="Exit 3 when a finding at this level or above fired.")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only check the rules (EVIDENCE... are rule paths).")
    ] = False,
    case: Annotated[
        str | None, typer.Option(help="Import the findings into this case (INC-YYYY-NNNN).")
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="The case member the import is recorded as.")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Events per matcher batch.")] = (
        DEFAULT_BATCH_SIZE
    ),
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=1, help="Worker processes; evidence files are shared among them."
        ),
    ] = DEFAULT_JOBS,
    ignore_rule_errors: Annotated[
        bool,
        typer.Option("--ignore-rule-errors", help="Exit 0 even when some rules failed to load."),
    ] = False,
    yara_max_size: Annotated[
        int, typer.Option(min=1, help="Largest file YARA scans, in MiB.")
    ] = 64,
    yara_skip: Annotated[
        list[str] | None, typer.Option(help="Glob of files YARA skips (repeatable).")
    ] = None,
) -> None:
    """Hunt EVIDENCE with Sigma rules, indicators and YARA; print a summary per rule."""
    if check:
        raise typer.Exit(run_check([*(evidence or []), *(rules or [])], yara or []))
    paths = _existing_evidence(evidence or [])
    mapping = _read_column_map(column_map) if column_map else None
    target = _open_case(case, as_user) if case else None
    ruleset = _load(rules or [], builtin_rules, iocs or [], yara or [])
    runner = Hunt(
        paths,
        matchers=ruleset.matchers,
        yara=ruleset.yara,
        fmt=fmt.value if fmt else None,
        column_map=mapping,
        batch_size=batch_size,
        jobs=jobs,
        yara_max_size=yara_max_size * 1024 * 1024,
        yara_skip=yara_skip or [],
    )
    result = _run(runner)
    _write(result.findings, out, output_format)
    render(result)
    if target is not None:
        _import(target, result.findings)
    raise typer.Exit(exit_code(result.findings, ruleset.errors, fail_on, ignore_rule_errors))


def exit_code(
    findings: Sequence[Finding],
    errors: Sequence[RuleError],
    fail_on: FailLevel | None,
    ignore_rule_errors: bool,
) -> int:
    """The exit code of a hunt that ran (see the module docstring)."""
    if fail_on is not None:
        threshold = Level.parse(fail_on.value)
        if any(finding.level >= threshold for finding in findings):
            return 3
    return 1 if errors and not ignore_rule_errors else 0


def _usage(message: str) -> typer.Exit:
    err.print(f"[red]{message}[/]")
    return typer.Exit(2)


def _existing_evidence(evidence: Sequence[str]) -> list[str]:
    if not evidence:
        raise _usage("No evidence given: name files, directories, globs or zip archives.")
    missing = [p for p in evidence if not os.path.exists(p) and not glob.glob(p, recursive=True)]
    if missing:
        raise _usage(f"No evidence found at: {', '.join(missing)}")
    return list(evidence)


def _read_column_map(path: Path) -> ColumnMap:
    """The CSV column map of --column-map (see warroom.hunt.sources.csv.ColumnMap)."""
    try:
        return ColumnMap.load(path)
    except HuntError as exc:
        raise _usage(str(exc)) from None


def _load(rules: list[Path], builtin: bool, iocs: list[Path], yara: list[Path]) -> RuleSet:
    sigma: list[str | Path] = [*rules]
    yara_rules: list[str | Path] = [*yara]
    if builtin and BUILTIN_RULES.is_dir():
        sigma.append(BUILTIN_RULES)
    # YARA reads every file of the evidence, so it runs only when asked for with --yara; the
    # built-in webshell rules then join the user's.
    if builtin and yara and BUILTIN_YARA.is_dir():
        yara_rules.append(BUILTIN_YARA)
    if not sigma and not iocs and not yara:
        raise _usage("Nothing to hunt with: give --rules, --iocs or --yara, or --builtin-rules.")
    # Imported here: the Sigma compiler (pySigma, DuckDB) is not needed by `warroom up`.
    from warroom.hunt.matchers.sigma import default_cache_dir

    try:
        ruleset = load_rules(sigma=sigma, iocs=iocs, yara=yara_rules, cache_dir=default_cache_dir())
    except HuntError as exc:  # e.g. YARA asked for but yara-x not installed
        raise _usage(str(exc)) from None
    _print_rule_errors(ruleset.errors)
    loaded = ", ".join(f"{count:,} {kind}" for kind, count in ruleset.counts.items())
    err.print(f"Loaded {loaded or 'no rules'}.")
    return ruleset


def _print_rule_errors(errors: Sequence[RuleError]) -> None:
    if not errors:
        return
    err.print(f"[red]{len(errors)} rule(s) could not be loaded (the others are used):[/]")
    for error in errors:
        err.print(f"  {error}", markup=False, highlight=False)


def run_check(sigma: Sequence[str | Path], yara: Sequence[str | Path]) -> int:
    """Load every rule, list every broken one; 0 when all load, 1 when some failed."""
    if not sigma and not yara:
        err.print("[red]--check needs rule paths: warroom hunt --check RULES... [--yara DIR][/]")
        return 2
    try:
        ruleset = load_rules(sigma=sigma, yara=yara)
    except HuntError as exc:
        err.print(f"[red]{exc}[/]")
        return 2
    for error in ruleset.errors:
        typer.echo(str(error))
    loaded = ", ".join(f"{count:,} {kind}" for kind, count in ruleset.counts.items())
    typer.echo(f"{loaded or 'no rules'} loaded; {len(ruleset.errors)} broken.")
    return 1 if ruleset.errors else 0


def _run(runner: Hunt) -> HuntResult:
    bar = _ProgressBar()
    try:
        return runner.run(progress=bar)
    finally:
        bar.close()


class _ProgressBar:
    """A Rich progress bar that appears only once the hunt has taken more than a second."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar: RichProgress | None = None
        self.task: Any = None

    def __call__(self, progress: HuntProgress) -> None:
        if self.bar is None:
            if time.monotonic() - self.started < 1.0 or progress.phase == "done":
                return
            self._start()
        assert self.bar is not None
        self.bar.update(
            self.task,
            total=progress.bytes_total or None,
            completed=progress.bytes_done,
            description=f"{progress.events:,} events, {progress.findings:,} findings",
        )

    def _start(self) -> None:
        self.bar = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task("hunting", total=None)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _write(findings: Sequence[Finding], out: Path | None, fmt: OutputFormat | None) -> None:
    if out is None:
        return
    if fmt is None:
        fmt = OutputFormat.CSV if out.suffix.lower() == ".csv" else OutputFormat.JSONL
    now = datetime.now(UTC)
    if str(out) == "-":
        write_findings(findings, sys.stdout, fmt.value, now=now)
        return
    try:
        with out.open("w", encoding="utf-8", newline="") as handle:
            count = write_findings(findings, handle, fmt.value, now=now)
    except OSError as exc:
        raise _usage(f"Cannot write {out}: {exc.strerror}") from None
    err.print(f"Wrote {count:,} findings to {out} ({fmt.value}).")


def render(result: HuntResult) -> None:
    """Print the summary table, what was skipped, and the numbers."""
    console = Console(soft_wrap=False)
    summary = summarise(result.findings)
    if summary:
        table = Table(title="Findings by rule")
        for column in ("Rule", "Level", "Count", "Hosts", "First", "Last", "Author"):
            table.add_column(column, overflow="fold")
        for rule in summary:
            hosts = ", ".join(sorted(rule.hosts)[:3]) + ("…" if len(rule.hosts) > 3 else "")
            table.add_row(
                rule.title,
                str(rule.level),
                f"{rule.count:,}",
                hosts,
                _short(rule.first),
                _short(rule.last),
                rule.author,
            )
        console.print(table)
    else:
        console.print("No findings.")
    _render_skipped(console, result)
    stats = result.stats
    console.print(
        f"{stats.files:,} files, {stats.events:,} events, {stats.bytes / 1e6:,.1f} MB in "
        f"{stats.seconds:,.1f} s ({stats.events_per_second:,.0f} events/s); "
        f"{len(result.findings):,} findings, {result.problems.count:,} skipped."
    )


def _short(moment: datetime | None) -> str:
    text = iso(moment)
    return text[:19].replace("T", " ") if text else ""


def _render_skipped(console: Console, result: HuntResult) -> None:
    problems = result.problems
    if not problems.count:
        return
    console.print(f"Skipped {problems.count:,} files or records:")
    for skip in problems.skipped[:SHOW_SKIPPED]:
        console.print(f"  {skip}", markup=False, highlight=False)
    if problems.count > SHOW_SKIPPED:
        console.print(f"  … and {problems.count - SHOW_SKIPPED:,} more.")


def _open_case(reference: str, username: str | None) -> tuple[Any, Any]:
    """The case and user to import into, checked before the hunt so no work is wasted."""
    if not username:
        raise _usage("--case needs --as USERNAME: the case member the import is recorded as.")
    from warroom.cli import _setup_django

    _setup_django()
    from warroom.cases.hunt_import import HuntImportError, resolve

    try:
        return resolve(reference, username)
    except HuntImportError as exc:
        raise _usage(str(exc)) from None


def _import(target: tuple[Any, Any], findings: Sequence[Finding]) -> None:
    from warroom.cases.hunt_import import import_findings

    case, user = target
    summary = import_findings(case, user, findings, now=datetime.now(UTC))
    err.print(f"{case.reference}: {summary}.")
