"""The compiled-rule cache keeps the entries used last and deletes the rest."""

from __future__ import annotations

import os
from pathlib import Path

from warroom.hunt.matchers import _sigma_cache as cache


def _entries(directory: Path) -> set[str]:
    return {p.name.removeprefix("sigma-").removesuffix(".pickle") for p in directory.iterdir()}


def _age(directory: Path, key: str, seconds_ago: int) -> None:
    path = directory / f"sigma-{key}.pickle"
    when = path.stat().st_mtime - seconds_ago
    os.utime(path, (when, when))


def test_it_keeps_the_entries_used_last(tmp_path: Path) -> None:
    # Before, every rule set ever hunted stayed in ~/.cache/warroom for good.
    for n in range(cache.KEEP + 3):
        cache.write(tmp_path, f"k{n}", {"rules": n})
        _age(tmp_path, f"k{n}", 1000 - n)  # k0 the oldest
    cache.write(tmp_path, "newest", {"rules": "new"})
    kept = _entries(tmp_path)
    assert len(kept) == cache.KEEP
    assert "newest" in kept
    assert not {"k0", "k1", "k2", "k3"} & kept


def test_reading_an_entry_counts_as_using_it(tmp_path: Path) -> None:
    for n in range(cache.KEEP):
        cache.write(tmp_path, f"k{n}", n)
        _age(tmp_path, f"k{n}", 1000 - n)
    assert cache.read(tmp_path, "k0") == 0  # the oldest, used again
    cache.write(tmp_path, "new", "x")
    kept = _entries(tmp_path)
    assert "k0" in kept
    assert "k1" not in kept


def test_a_missing_or_broken_entry_reads_as_none(tmp_path: Path) -> None:
    assert cache.read(tmp_path, "absent") is None
    (tmp_path / "sigma-broken.pickle").write_bytes(b"not a pickle")
    assert cache.read(tmp_path, "broken") is None
