"""The test run keeps its data out of the checkout: settings see the throw-away directory."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings


def test_data_directory_is_a_temporary_one() -> None:
    # Before warroom.pytest_env, the conftest's default came after pytest-django had read the
    # settings, and every run shared ./var/test.sqlite3 in the checkout.
    assert Path(settings.DATA_DIR).is_relative_to(tempfile.gettempdir())


def test_sqlite_test_database_lives_in_that_directory() -> None:
    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME")  # type: ignore[attr-defined]
    if test_name is not None:
        assert Path(test_name).is_relative_to(settings.DATA_DIR)
