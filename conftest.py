"""Shared test set-up: per-test storage, the three personas and a case.

The environment (a throw-away data directory, caches) is set earlier, by warroom.pytest_env.

The personas follow STYLE.md: alice commands the case, bob responds on it, charlie is a user
of the same install who is not a member (every case route must answer him 404).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

PASSWORD = "correct horse battery staple"
DETECTED = datetime(2025, 8, 12, 6, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _test_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded evidence goes to a per-test directory; static files need no collectstatic.

    Production serves static files through WhiteNoise's manifest storage, which needs
    `collectstatic` to have run; tests render templates without it, so they use plain storage.
    """
    settings.STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "evidence"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The public page's cache checks for a new revision every N seconds; tests need none.
    settings.STATUS_CACHE_SECONDS = 0
    # Test webhook receivers listen on 127.0.0.1, which subscribers' webhooks may not reach
    # by default; the tests of that refusal turn this off again.
    settings.STATUS_WEBHOOK_PRIVATE_OK = True


def _user(username: str):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import User

    return User.objects.create_user(username, f"{username}@example.com", PASSWORD)


@pytest.fixture
def alice(db):  # type: ignore[no-untyped-def]
    """The incident commander of `case`."""
    return _user("alice")


@pytest.fixture
def bob(db):  # type: ignore[no-untyped-def]
    """A responder on `case`."""
    return _user("bob")


@pytest.fixture
def charlie(db):  # type: ignore[no-untyped-def]
    """A user of this install who is not a member of `case`."""
    return _user("charlie")


@pytest.fixture
def case(alice, bob, charlie):  # type: ignore[no-untyped-def]
    """INC-2025-0001, the SharePoint breach, commanded by alice with bob responding."""
    from warroom.accounts.models import Membership, Role
    from warroom.cases.actions import open_case
    from warroom.cases.choices import Severity

    incident = open_case(
        alice,
        title="SharePoint servers breached",
        severity=Severity.SEV1,
        detected_at=DETECTED,
        aware_at=DETECTED,
        now=DETECTED,
        summary="Webshell found on an internet-facing SharePoint front end.",
    )
    Membership.objects.create(case=incident, user=bob, role=Role.RESPONDER)
    return incident


# --- CI guards: a skipped test or the wrong database must fail the run, not pass quietly. ---

_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionstart(session: pytest.Session) -> None:
    expected = os.environ.get("WARROOM_EXPECT_DATABASE")
    if not expected:
        return
    from django.conf import settings

    engine = str(settings.DATABASES["default"]["ENGINE"])
    if expected not in engine.rsplit(".", 1)[-1]:
        raise pytest.UsageError(f"WARROOM_EXPECT_DATABASE={expected} but the engine is {engine}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("WARROOM_NO_SKIPS") and _skipped:
        print(f"\nWARROOM_NO_SKIPS is set and {len(_skipped)} tests were skipped:")
        for nodeid in _skipped:
            print(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
