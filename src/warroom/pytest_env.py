"""A pytest plugin, loaded with `-p warroom.pytest_env` before any conftest: test environment.

pytest-django imports the settings while pytest loads its plugins, before the root conftest
runs, so environment defaults set in a conftest come too late: every run would share
./var/test.sqlite3 and the user's Sigma cache. Setting them here, at plugin import, is early
enough.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("WARROOM_DATA", tempfile.mkdtemp(prefix="warroom-test-"))
os.environ.setdefault("WARROOM_SECURE_COOKIES", "0")
# Compiled Sigma rules are cached under XDG_CACHE_HOME; tests keep theirs out of the user's.
os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="warroom-test-cache-"))
