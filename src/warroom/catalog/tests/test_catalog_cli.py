"""`warroom catalog load` and `show`, through the Typer app itself."""

from typer.testing import CliRunner

from warroom.catalog.models import Component
from warroom.catalog.tests.helpers import EXAMPLE
from warroom.catalog_cli import app


def test_load_loads_the_file(db):
    result = CliRunner().invoke(app, ["load", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Loaded 2 groups, 11 components and 8 customers" in result.stdout
    assert Component.objects.count() == 13


def test_load_names_each_problem_and_exits_1(db, tmp_path):
    bad = tmp_path / "catalog.yaml"
    bad.write_text("components: [{name: A, depends_on: [B]}, {name: C, group: D}]\n")
    result = CliRunner().invoke(app, ["load", str(bad)])
    assert result.exit_code == 1
    assert f'{bad}: components[0].depends_on: no component named "B"' in result.stderr
    assert f'{bad}: components[1].group: no group named "D"' in result.stderr
    assert "Nothing was loaded." in result.stderr
    assert not Component.objects.exists()


def test_show_lists_components_with_status_and_customers(provider):
    Component.objects.filter(name="Voice API").update(status="major_outage")
    result = CliRunner().invoke(app, ["show"], terminal_width=200)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    voice = next(line for line in lines if "Voice API" in line)
    assert "Customer services" in voice
    assert "Major outage" in voice
    assert voice.split("│")[4].strip() == "4"
    internal = next(line for line in lines if "Identity service" in line)
    assert "—" in internal
    assert "no" in internal.split("│")[5]
