"""`warroom catalog`: load the service catalog from a YAML file, and show it.

    warroom catalog load src/warroom/catalog/examples/provider.yaml
    warroom catalog show

Exit codes: 0 done; 1 the file has problems (each is printed with the file and the entry,
and nothing was loaded).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

app = typer.Typer(help="The service catalog: components, dependencies, customers.")
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


# Colours repeat the status's words, never replace them.
STATUS_STYLES = {
    "operational": "green",
    "degraded_performance": "yellow",
    "under_maintenance": "blue",
    "partial_outage": "dark_orange",
    "major_outage": "bold red",
}


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    import django

    django.setup()


@app.command()
def load(
    file: Annotated[Path, typer.Argument(help="The catalog, in YAML.", dir_okay=False)],
) -> None:
    """Create or update groups, components and customers from FILE, by name."""
    _setup_django()
    from warroom.catalog.loader import CatalogFileError, load_catalog

    try:
        result = load_catalog(file)
    except CatalogFileError as exc:
        for problem in exc.problems:
            errors.print(problem, style="red", markup=False, highlight=False)
        errors.print("Nothing was loaded.")
        raise typer.Exit(1) from None
    console.print(
        f"Loaded {result.groups} groups, {result.components} components and "
        f"{result.customers} customers from {file} ({result.created} new rows).",
        markup=False,
        highlight=False,
    )


@app.command()
def show() -> None:
    """Every component, by group, with its status and how many customers use it."""
    _setup_django()
    from django.db.models import Count, F

    from warroom.catalog.choices import ComponentStatus
    from warroom.catalog.models import Component

    # Components in no group (the internal ones) come last on both databases.
    by_group = F("group__position").asc(nulls_last=True), "group__name", "position", "name"
    rows = (
        Component.objects.filter(is_group=False)
        .annotate(customer_count=Count("customers"))
        .order_by(*by_group)
        .values_list("group__name", "name", "status", "customer_count", "public")
    )
    table = Table("Group", "Component", "Status", "Customers", "Public", title="Service catalog")
    for group, name, status, customers, public in rows:
        label = ComponentStatus(status).label
        table.add_row(
            escape(group or "—"),
            escape(name),
            f"[{STATUS_STYLES[status]}]{label}[/]",
            str(customers),
            "yes" if public else "no",
        )
    console.print(table)
