"""`warroom status export` and `warroom status publish`, run through Typer's CliRunner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from warroom.status_cli import app
from warroom.statuspage.tests import site_data

runner = CliRunner()


@pytest.fixture
def outage(db):
    return site_data.voice_outage(site_data.catalog())


def test_export_writes_the_page_and_says_what_it_wrote(outage, tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").exists()
    assert "wrote api/v2/summary.json" in result.output
    assert "written, 0 unchanged, 0 removed." in result.output
    assert "KiB" in result.output


def test_a_second_export_reports_unchanged_files(outage, tmp_path):
    runner.invoke(app, ["export", str(tmp_path)])
    result = runner.invoke(app, ["export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "wrote style.css" not in result.output
    assert "unchanged" in result.output


def test_publish_prints_a_row_per_target(outage, tmp_path, settings):
    settings.STATUS_TARGETS = [str(tmp_path / "a"), str(tmp_path / "b")]
    result = runner.invoke(app, ["publish"])
    assert result.exit_code == 0, result.output
    assert result.output.count(" ok ") == 2
    assert (tmp_path / "b" / "history.atom").exists()


def test_publish_exits_1_when_a_target_failed(outage, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("not a directory")
    result = runner.invoke(
        app, ["publish", "--target", str(blocked), "--target", str(tmp_path / "ok")]
    )
    assert result.exit_code == 1
    assert "failed" in result.output
    assert (tmp_path / "ok" / "index.html").exists()


def test_publish_without_targets_says_how_to_set_them(db, settings):
    settings.STATUS_TARGETS = []
    result = runner.invoke(app, ["publish"])
    assert result.exit_code == 2
    assert "WARROOM_STATUS_TARGETS" in result.output
