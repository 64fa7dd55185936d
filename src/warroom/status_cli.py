"""`warroom status`: the public status page as plain files, and pushing them out.

warroom status export DIR   write the whole page (HTML, CSS, JSON API, feeds) into DIR
warroom status publish      push it to every target in WARROOM_STATUS_TARGETS (or --target)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    help="The public status page: static export and publishing.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(soft_wrap=True)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    import django

    django.setup()


def _size(n: int) -> str:
    return f"{n / 1024:,.1f} KiB" if n >= 1024 else f"{n} bytes"


@app.command()
def export(
    directory: Annotated[
        Path, typer.Argument(help="Where to write the page (created if missing).")
    ],
) -> None:
    """Write the public page into DIRECTORY: the same paths as the live /status/ pages."""
    _setup_django()
    from django.utils import timezone

    from warroom.statuspage.export import export_site

    result = export_site(directory, timezone.now())
    for path in result.written:
        console.print(f"  wrote {path}")
    console.print(
        f"{len(result.files)} files ({_size(result.size)}) in {result.directory}: "
        f"{len(result.written)} written, {len(result.unchanged)} unchanged, "
        f"{len(result.removed)} removed."
    )


@app.command()
def publish(
    target: Annotated[
        list[str] | None,
        typer.Option(help="Push here instead of WARROOM_STATUS_TARGETS (repeatable)."),
    ] = None,
) -> None:
    """Export the page once and push it to each target; exit 1 if any target failed."""
    _setup_django()
    from django.conf import settings
    from django.utils import timezone

    from warroom.statuspage.publish import publish_site

    targets = target or list(settings.STATUS_TARGETS)
    if not targets:
        console.print("[red]No targets: set WARROOM_STATUS_TARGETS or pass --target.[/]")
        raise typer.Exit(2)
    results = publish_site(timezone.now(), targets)
    table = Table("Target", "Result", "Files", "Detail", title="Status page published")
    for result in results:
        verdict = "[green]ok[/]" if result.ok else "[red]failed[/]"
        table.add_row(result.target, verdict, str(result.files), result.detail)
    console.print(table)
    if not all(result.ok for result in results):
        raise typer.Exit(1)
