"""The `warroom` command: a thin layer that parses, calls one function, and renders.

warroom up        migrate, create the first administrator, run web server and worker
warroom worker    run the background worker alone
warroom hunt      hunt evidence with Sigma rules, indicators and YARA (body in hunt_cli.py)
warroom scenario  write realistic evidence with ground truth (body in scenario_cli.py)
warroom demo      the scenario hunted into a new case: a populated war room (body in demo.py)
warroom catalog   load and show the service catalog (body in catalog_cli.py)
warroom status    export the public status page and publish it (body in status_cli.py)
warroom clocks    the regulatory obligations a set of facts creates (body in clocks_cli.py)
warroom token     issue an API token for a user
warroom manage    Django's management commands (migrate, createsuperuser, shell, ...)
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import sys
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    help="warroom: an out-of-band war room for a cyber incident.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True, soft_wrap=True)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    import django

    django.setup()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            console.print(
                f"[red]Cannot listen on {host}:{port}: {exc.strerror}.[/] "
                "Is warroom already running? Choose another with --port."
            )
            raise typer.Exit(2) from None


def _prepare() -> None:
    """Migrate, collect static files and create the first administrator if there is none."""
    from django.core.management import call_command

    from warroom.accounts.bootstrap import ensure_first_admin

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    created = ensure_first_admin()
    if created is not None:
        username, password = created
        console.print(
            f"\n[bold]First run: created administrator [cyan]{username}[/] with the one-time "
            f"password[/]\n\n    [bold yellow]{password}[/]\n\n"
            "It is shown only now and must be changed at first login.\n"
        )


@app.command()
def up(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    threads: Annotated[int, typer.Option(help="Web server threads.")] = 8,
) -> None:
    """Set up and run warroom: web server and worker, until Ctrl-C."""
    if _is_loopback(host):
        # Plain HTTP on this machine only: cookies cannot be Secure-only or login would fail.
        os.environ.setdefault("WARROOM_SECURE_COOKIES", "0")
    _check_port_free(host, port)
    _setup_django()
    from django.conf import settings

    _prepare()
    worker = subprocess.Popen([sys.executable, "-m", "warroom.cli", "worker"])
    console.print(
        f"warroom is running at [bold]http://{host}:{port}/[/] "
        f"(data in {settings.DATA_DIR}, database {settings.DATABASES['default']['ENGINE']}). "
        "Ctrl-C stops it."
    )
    _raise_on_sigterm()
    try:
        _serve(host, port, threads)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(worker)
    console.print("warroom stopped.")


def _serve(host: str, port: int, threads: int) -> None:
    import waitress

    from warroom.wsgi import application

    waitress.serve(application, host=host, port=port, threads=threads, ident="warroom")


def _raise_on_sigterm() -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def _stop(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to finish its current job and wait for it; kill it if it hangs."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        console.print("[red]The worker did not stop in 30 s; killing it.[/]")
        worker.kill()
        worker.wait()


@app.command()
def worker(
    poll: Annotated[float, typer.Option(help="Seconds between looks for due jobs.")] = 1.0,
) -> None:
    """Run the background worker: claim due jobs, run them, retry failures with back-off."""
    _setup_django()
    from warroom.jobs.worker import run_worker

    run_worker(poll_interval=poll)


@app.command()
def token(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
) -> None:
    """Issue an API token for USERNAME and print it (it is stored only as a hash)."""
    _setup_django()
    from django.contrib.auth.models import User

    from warroom.accounts.models import ApiToken

    user = User.objects.filter(username=username).first()
    if user is None:
        console.print(f"[red]No user named {username!r}.[/]")
        raise typer.Exit(2)
    _token, raw = ApiToken.issue(user, name)
    typer.echo(raw)


@app.command()
def demo(
    as_user: Annotated[
        str | None, typer.Option("--as", help="Commander of the demo case (default: an admin).")
    ] = None,
    seed: Annotated[int, typer.Option(help="The scenario's seed.")] = 1,
) -> None:
    """Generate the colt scenario, open a case, hunt the evidence and import the findings."""
    _setup_django()
    _prepare()
    from django.contrib.auth.models import User

    from warroom.demo import run_demo

    users = (
        User.objects.filter(username=as_user)
        if as_user
        else User.objects.filter(is_superuser=True).order_by("pk")
    )
    user = users.first()
    if user is None:
        console.print(f"[red]No user named {as_user!r}.[/]")
        raise typer.Exit(2)
    console.print("Writing the scenario's evidence and hunting it (about a minute)...")
    result = run_demo(user, seed=seed)
    case = result.case
    typer.echo(
        f"{case.reference} ({case.title}): {result.findings:,} findings; {result.summary}.\n"
        f"Evidence: {result.evidence}\n"
        f"Status page: public incident {result.public_incident.name!r}, exported to "
        f"{result.status_export}/index.html\n"
        f"Regulatory clocks: {result.clocks}\n"
        f"Open http://127.0.0.1:8000{case.get_absolute_url()} (`make up` serves it) "
        f"as {user.username}."
    )


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `warroom manage createsuperuser`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["warroom manage", *ctx.args])


def _register_hunt() -> None:
    # The hunt's options and rendering are long enough to live in their own module.
    from warroom.hunt_cli import hunt

    app.command(no_args_is_help=True)(hunt)


def _register_scenario() -> None:
    from warroom.scenario_cli import app as scenario

    app.add_typer(scenario, name="scenario")


def _register_subcommands() -> None:
    from warroom.catalog_cli import app as catalog
    from warroom.clocks_cli import app as clocks
    from warroom.status_cli import app as status

    app.add_typer(catalog, name="catalog")
    app.add_typer(status, name="status")
    app.add_typer(clocks, name="clocks")


_register_hunt()
_register_scenario()
_register_subcommands()


def main() -> None:
    """Entry point of the `warroom` console script."""
    app()


if __name__ == "__main__":
    main()
