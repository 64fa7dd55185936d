"""Publishing to directory and rsync targets; one failing target never stops the others."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from warroom.statuspage.models import PageRevision, PublishRun
from warroom.statuspage.publish import (
    PublishFailed,
    TargetKind,
    parse_target,
    publish_job,
    publish_site,
)
from warroom.statuspage.tests import site_data
from warroom.statuspage.tests.site_data import T0

needs_rsync = pytest.mark.skipif(
    shutil.which("rsync") is None,
    reason="the rsync program is not installed (apt-get install rsync)",
)


@pytest.fixture
def outage(db):
    return site_data.voice_outage(site_data.catalog())


def files_in(directory: Path) -> set[str]:
    return {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("spec", "kind", "destination"),
    [
        ("/srv/www/status", TargetKind.DIRECTORY, "/srv/www/status"),
        ("relative/dir", TargetKind.DIRECTORY, "relative/dir"),
        (
            "rsync://mirror.example.net/status/",
            TargetKind.RSYNC,
            "rsync://mirror.example.net/status/",
        ),
        (
            "deploy@web1.example.net:/srv/status",
            TargetKind.RSYNC,
            "deploy@web1.example.net:/srv/status",
        ),
        ("web1:status", TargetKind.RSYNC, "web1:status"),
        ("rsync:/mnt/share/status", TargetKind.RSYNC, "/mnt/share/status"),
        (
            "sftp://deploy@web2.example.net:2222/srv/status",
            TargetKind.SFTP,
            "sftp://deploy@web2.example.net:2222/srv/status",
        ),
    ],
)
def test_it_reads_each_kind_of_target(spec, kind, destination):
    target = parse_target(spec)
    assert (target.kind, target.destination) == (kind, destination)


def test_it_publishes_to_a_directory_and_records_the_run(outage, tmp_path):
    PageRevision.bump()
    [result] = publish_site(T0, [str(tmp_path / "www")])
    assert result.ok
    assert (tmp_path / "www" / "api/v2/summary.json").exists()
    assert result.files == len(files_in(tmp_path / "www")) - 1  # the manifest is extra
    run = PublishRun.objects.get()
    assert (run.target, run.revision, run.ok, run.files) == (
        str(tmp_path / "www"),
        1,
        True,
        result.files,
    )
    assert run.finished_at is not None
    assert "written" in run.detail


@needs_rsync
def test_it_publishes_with_rsync_to_a_local_path(outage, tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "stale.html").write_text("from an older export")
    [result] = publish_site(T0, [f"rsync:{mirror}"])
    assert result.ok, result.detail
    assert "files transferred by rsync" in result.detail
    assert (mirror / f"incidents/{outage.code}.html").exists()
    assert not (mirror / "stale.html").exists()  # --delete: the mirror is exactly the export
    again = publish_site(T0, [f"rsync:{mirror}"])[0]
    assert again.detail == "0 files transferred by rsync"


def test_a_failing_target_is_reported_and_the_others_still_get_the_page(outage, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a directory should be")
    targets = [str(blocked), "sftp://deploy@127.0.0.1:1/srv/status", str(tmp_path / "ok")]
    results = publish_site(T0, targets)
    assert [r.ok for r in results] == [False, False, True]
    assert results[0].detail.startswith(("FileExistsError", "NotADirectoryError"))
    assert "refused" in results[1].detail.lower() or "connect" in results[1].detail.lower()
    assert (tmp_path / "ok" / "index.html").exists()
    assert PublishRun.objects.filter(ok=False).count() == 2


def test_the_job_publishes_to_the_configured_targets(outage, tmp_path, settings):
    settings.STATUS_TARGETS = [str(tmp_path / "a"), str(tmp_path / "b")]
    revision = PageRevision.bump()
    publish_job({"revision": revision})
    assert (tmp_path / "a" / "index.html").exists()
    assert (tmp_path / "b" / "index.html").exists()


def test_the_job_skips_targets_that_already_hold_that_revision_or_a_newer_one(
    outage, tmp_path, settings
):
    settings.STATUS_TARGETS = [str(tmp_path / "a")]
    PageRevision.bump()
    newer = PageRevision.bump()
    publish_job({"revision": newer})
    assert PublishRun.objects.count() == 1
    publish_job({"revision": newer - 1})  # queued before, run after: nothing left to do
    publish_job({"revision": newer})
    assert PublishRun.objects.count() == 1


def test_the_job_retries_only_the_targets_that_failed(outage, tmp_path, settings):
    blocked = tmp_path / "blocked"
    blocked.write_text("not a directory")
    settings.STATUS_TARGETS = [str(tmp_path / "a"), str(blocked)]
    revision = PageRevision.bump()
    with pytest.raises(PublishFailed, match="blocked"):
        publish_job({"revision": revision})
    blocked.unlink()
    publish_job({"revision": revision})
    runs = list(PublishRun.objects.order_by("id").values_list("target", "ok"))
    assert runs == [(str(tmp_path / "a"), True), (str(blocked), False), (str(blocked), True)]
