"""The security posture of a default install: headers, cookies, hashing, debug."""

import importlib
import os

import pytest
from django.urls import reverse

import warroom.settings


def test_it_sends_security_headers(client, db):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_it_requires_csrf_tokens(db, alice, case):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    response = strict.post(reverse("case-phase", args=[case.reference]), {"phase": "triage"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.phase == "detected"


def test_it_hashes_passwords_with_argon2():
    # The test run swaps in a fast hasher; the settings module itself must name Argon2 first.
    assert warroom.settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.fixture
def fresh_settings(monkeypatch):
    """Re-read the settings module under a changed environment, then restore it."""

    def load(**env):
        for name in ("WARROOM_DEBUG", "WARROOM_SECURE_COOKIES"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(warroom.settings)

    yield load
    monkeypatch.undo()
    importlib.reload(warroom.settings)


def test_debug_is_off_and_cookies_secure_by_default(fresh_settings):
    settings = fresh_settings()
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE
    assert settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_debug_only_when_asked(fresh_settings):
    assert fresh_settings(WARROOM_DEBUG="yes").DEBUG is True


def test_a_bad_yes_no_value_is_named(fresh_settings):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="WARROOM_DEBUG='perhaps'"):
        fresh_settings(WARROOM_DEBUG="perhaps")


def test_the_secret_key_is_generated_once_and_kept_private(fresh_settings, tmp_path):
    first = fresh_settings(WARROOM_DATA=str(tmp_path)).SECRET_KEY
    again = fresh_settings(WARROOM_DATA=str(tmp_path)).SECRET_KEY
    assert first == again
    assert len(first) >= 50
    assert os.stat(tmp_path / "secret_key").st_mode & 0o777 == 0o600
