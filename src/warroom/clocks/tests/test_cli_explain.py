"""`warroom clocks explain FACTS.json` and `warroom clocks regimes`."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warroom.cli import app as warroom
from warroom.clocks_cli import app

runner = CliRunner()
FACTS = {
    "aware_at": "2025-08-12T11:00:00+01:00",
    "entity": "telecom_provider",
    "countries": ["GB", "DE"],
}


def write(tmp_path: Path, content: object) -> str:
    path = tmp_path / "facts.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_it_prints_the_obligations_as_json(tmp_path):
    result = runner.invoke(app, ["explain", write(tmp_path, FACTS)])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    first = found[0]
    assert set(first) >= {"regime", "step", "recipient", "basis", "starts_at", "due_at", "notes"}
    assert first["regime"] == "eu_nis2"
    assert first["step"] == "early_warning"
    assert first["starts_at"] == "2025-08-12T10:00:00Z"
    assert first["due_at"] == "2025-08-13T10:00:00Z"
    ofcom = next(o for o in found if o["regime"] == "uk_comms_act" and o["step"] == "ofcom")
    assert ofcom["due_at"] is None


def test_empty_facts_give_an_empty_list(tmp_path):
    result = runner.invoke(app, ["explain", write(tmp_path, {})])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ({"aware_at": "2025-08-12T11:00:00"}, "facts.json: aware_at: a time needs a UTC offset"),
        ({"countries": ["UK"]}, "facts.json: countries: the ISO code"),
        ({"ransom": True}, "facts.json: ransom: unknown fact"),
        ('{"aware_at": }', "facts.json: not valid JSON at line 1"),
        ("[1, 2]", "facts.json: expected a JSON object"),
    ],
)
def test_bad_input_names_file_and_field_and_exits_2(tmp_path, content, words):
    result = runner.invoke(app, ["explain", write(tmp_path, content)])
    assert result.exit_code == 2
    assert words in result.stderr
    assert result.stdout == ""


def test_a_missing_file_exits_2(tmp_path):
    result = runner.invoke(app, ["explain", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "nope.json: cannot read" in result.stderr


def test_regimes_lists_every_version():
    result = runner.invoke(app, ["regimes"])
    assert result.exit_code == 0
    assert result.stdout.count("uk_pecr") == 2
    assert "proposed" in result.stdout


def test_it_is_registered_as_warroom_clocks(tmp_path):
    result = runner.invoke(warroom, ["clocks", "explain", write(tmp_path, FACTS)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)
