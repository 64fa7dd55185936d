"""The static export: the live paths as files, links that resolve, atomic and tidy rewrites."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import pytest

from warroom.statuspage import export as export_module
from warroom.statuspage.choices import IncidentStatus, ReviewState
from warroom.statuspage.export import MANIFEST, export_site
from warroom.statuspage.site import SITE
from warroom.statuspage.tests import site_data
from warroom.statuspage.tests.site_data import T0


@pytest.fixture
def rows(db):
    return site_data.catalog()


@pytest.fixture
def outage(rows):
    return site_data.voice_outage(rows)


def files_in(directory: Path) -> set[str]:
    """Every file under DIRECTORY, as a relative POSIX path, hidden ones left out."""
    return {
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


class Links(HTMLParser):
    """Collects href, src and action attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v for k, v in attrs if k in ("href", "src", "action") and v]


def test_it_writes_the_same_paths_the_live_app_serves(outage, tmp_path, settings):
    settings.STATUS_CACHE_SECONDS = 0
    result = export_site(tmp_path / "site", T0)
    assert files_in(tmp_path / "site") == set(SITE.current().files)
    assert set(result.files) == files_in(tmp_path / "site")
    sizes = [(tmp_path / "site" / path).stat().st_size for path in result.files]
    assert result.size == sum(sizes)


def test_every_relative_link_in_the_exported_html_resolves_to_an_exported_file(outage, tmp_path):
    site_data.maintenance("Core router upgrade", T0.replace(day=20))
    export_site(tmp_path, T0)
    exported = files_in(tmp_path)
    checked = 0
    for page in sorted(p for p in exported if p.endswith(".html")):
        parser = Links()
        parser.feed((tmp_path / page).read_text(encoding="utf-8"))
        for link in parser.links:
            if link.startswith(("data:", "#")):
                continue
            assert not re.match(r"^[a-z]+:", link), (page, link)  # nothing absolute
            target = os.path.normpath(PurePosixPath(page).parent / link.split("#")[0])
            assert target in exported, (page, link)
            checked += 1
    assert checked > 50


def test_drafts_are_not_exported(outage, tmp_path):
    draft = site_data.incident("Ransom demand (draft)", published=False)
    site_data.update(draft, "Draft text", review=ReviewState.DRAFT)
    export_site(tmp_path, T0)
    for path in files_in(tmp_path):
        body = (tmp_path / path).read_bytes()
        assert b"Ransom demand" not in body
        assert b"DRAFT:" not in body
        assert draft.code.encode() not in body


def test_a_file_no_longer_in_the_site_is_removed_and_other_files_are_left(rows, outage, tmp_path):
    (tmp_path / "robots.txt").write_text("User-agent: *\n")
    export_site(tmp_path, T0)
    assert (tmp_path / f"incidents/{outage.code}.html").exists()
    outage.published_at = None  # taken off the page
    outage.save()
    result = export_site(tmp_path, T0)
    assert result.removed == [f"incidents/{outage.code}.html"]
    assert not (tmp_path / f"incidents/{outage.code}.html").exists()
    assert not (tmp_path / "incidents").exists()  # left empty, so removed
    assert (tmp_path / "robots.txt").read_text() == "User-agent: *\n"


def test_unchanged_files_are_not_rewritten(outage, tmp_path):
    export_site(tmp_path, T0)
    css = tmp_path / "style.css"
    os.utime(css, (1, 1))
    outage.status = IncidentStatus.MONITORING
    outage.save()
    result = export_site(tmp_path, T0)
    assert "style.css" in result.unchanged
    assert "api/v2/summary.json" in result.written
    assert css.stat().st_mtime == 1


def test_a_failed_write_leaves_the_previous_pages_whole(outage, tmp_path, monkeypatch):
    export_site(tmp_path, T0)
    before = {p: (tmp_path / p).read_bytes() for p in files_in(tmp_path)}
    outage.name = "Voice API restored"
    outage.save()
    real = export_module._replace
    calls = {"n": 0}

    def failing_replace(staging: Path, target: Path, body: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        real(staging, target, body)

    monkeypatch.setattr(export_module, "_replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        export_site(tmp_path, T0)
    for path, old in before.items():
        body = (tmp_path / path).read_bytes()
        assert body == old or b"Voice API restored" in body  # old or new, never a mix
    assert not list(tmp_path.glob(".warroom-staging-*"))


def test_the_manifest_lists_every_file_with_its_hash(outage, tmp_path):
    export_site(tmp_path, T0)
    manifest = export_module.read_manifest(tmp_path)
    assert set(manifest) == files_in(tmp_path)
    assert (tmp_path / MANIFEST).exists()


def test_a_manifest_naming_paths_outside_the_directory_is_not_obeyed(outage, tmp_path):
    outside = tmp_path / "keep.txt"
    outside.write_text("mine")
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / MANIFEST).write_text('{"../keep.txt": "x"}')
    export_site(site_dir, T0)
    assert outside.read_text() == "mine"


def test_exported_files_are_readable_by_a_web_server(outage, tmp_path):
    export_site(tmp_path, T0)
    assert (tmp_path / "index.html").stat().st_mode & 0o444 == 0o444
