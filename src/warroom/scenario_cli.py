"""`warroom scenario colt`: write the DESIGN.md case as evidence, with its ground truth.

    warroom scenario colt --out evidence/ --seed 7 --days 7 --hosts 8 --size 2GB

The body is `warroom.scenario.colt.generate`; this module parses options, shows progress and
prints what was written.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeElapsedColumn
from rich.table import Table

from warroom.scenario.colt import GROUND_TRUTH, STIX_BUNDLE, Report, generate, parse_size
from warroom.scenario.plan import MIN_DAYS, MIN_HOSTS

app = typer.Typer(help="Generate realistic evidence with ground truth.", no_args_is_help=True)
console = Console(stderr=True, soft_wrap=True)


class EventFormat(enum.StrEnum):
    evtx = "evtx"
    jsonl = "jsonl"


@app.command(no_args_is_help=True)
def colt(
    out: Annotated[Path, typer.Option(help="Directory to write into (new or empty).")],
    seed: Annotated[int, typer.Option(help="The same seed gives the same bytes.")] = 1,
    days: Annotated[int, typer.Option(min=MIN_DAYS, help="Days of evidence.")] = 7,
    hosts: Annotated[int, typer.Option(min=MIN_HOSTS, help="Machines in the network.")] = 8,
    size: Annotated[
        str | None, typer.Option(help="Total size to hit within 5%: 500MB, 2GB, 1.5GiB.")
    ] = None,
    fmt: Annotated[
        EventFormat, typer.Option("--format", help="Windows events as .evtx or JSON lines.")
    ] = EventFormat.evtx,
) -> None:
    """The SharePoint (ToolShell) intrusion at a telecom provider, as its evidence."""
    try:
        wanted = parse_size(size) if size is not None else None
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--size") from error
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("writing evidence", total=wanted)
        try:
            report = generate(
                out,
                seed=seed,
                days=days,
                hosts=hosts,
                size=wanted,
                fmt=fmt.value,
                progress=lambda done: bar.update(task, completed=done),
            )
        except (FileExistsError, ValueError) as error:
            console.print(f"[red]{error}[/]")
            raise typer.Exit(2) from error
    _render(report, out)


def _render(report: Report, out: Path) -> None:
    table = Table(title=f"Scenario colt, seed {report.world.seed}, written to {out}")
    for column in ("evidence", "files", "MB", "records/lines"):
        table.add_column(column, justify="left" if column == "evidence" else "right")
    kinds: dict[str, list[int]] = {}
    for written in report.files:
        totals = kinds.setdefault(written.format, [0, 0, 0])
        totals[0] += 1
        totals[1] += written.bytes
        totals[2] += written.entries
    for kind, (files, size, entries) in sorted(kinds.items()):
        table.add_row(kind, f"{files:,}", f"{size / 1e6:,.1f}", f"{entries:,}")
    table.add_row("total", f"{len(report.files):,}", f"{report.bytes / 1e6:,.1f}", "")
    Console().print(table)
    found = sum(1 for step in report.world.steps if report.evidence.get(step.id))
    typer.echo(
        f"{found} of {len(report.world.steps)} attack steps in the evidence; "
        f"ground truth: {out / GROUND_TRUTH}, indicators: {out / STIX_BUNDLE}"
    )
