"""`warroom clocks`: the regulatory clocks that a set of facts starts, without a database.

    warroom clocks explain FACTS.json     the obligations, as JSON, soonest deadline first
    warroom clocks regimes                every regime version shipped, with its status

The body is `warroom.clocks.engine.explain`; the FACTS.json schema is in docs/clocks.md.
Exit codes: 0 done; 2 the facts file (or a regime file) has a problem, printed with the file
and the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from warroom.clocks.engine import explain as explain_facts
from warroom.clocks.facts import FactsError, load_facts
from warroom.clocks.regimes import RegimeError, all_regimes

app = typer.Typer(
    help="Regulatory notification clocks: which deadlines the facts start.",
    no_args_is_help=True,
    add_completion=False,
)
errors = Console(stderr=True, soft_wrap=True)


def _fail(message: str) -> typer.Exit:
    for line in message.splitlines():
        errors.print(line, style="red", markup=False, highlight=False)
    return typer.Exit(2)


@app.command()
def explain(
    facts: Annotated[Path, typer.Argument(help="The facts, as JSON (docs/clocks.md).")],
) -> None:
    """Print the obligations FACTS create as a JSON list, soonest deadline first."""
    try:
        obligations = explain_facts(load_facts(facts))
    except (FactsError, RegimeError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(json.dumps([o.as_json() for o in obligations], indent=2, ensure_ascii=False))


@app.command()
def regimes() -> None:
    """List every regime version shipped: id, version, dates, status, steps."""
    try:
        found = all_regimes()
    except RegimeError as exc:
        raise _fail(str(exc)) from None
    table = Table("Regime", "Title", "From", "To", "Status", "Steps", title="Regimes")
    for regime in found:
        table.add_row(
            regime.id,
            escape(regime.title),
            regime.version,
            "" if regime.effective_to is None else regime.effective_to.isoformat(),
            regime.status.replace("_", " "),
            ", ".join(step.id for step in regime.steps),
        )
    Console(soft_wrap=True).print(table)
