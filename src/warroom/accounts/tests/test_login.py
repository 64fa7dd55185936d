import pytest
from django.urls import reverse

URL = reverse("login")
PASSWORD = "correct horse battery staple"  # the personas' password, set in conftest.py


def _attempt(client, password):
    return client.post(URL, {"username": "bob", "password": password})


def test_it_shows_a_labelled_form(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert '<label for="id_username">' in response.text
    assert '<label for="id_password">' in response.text


def test_it_signs_in(client, bob):
    response = _attempt(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("case-list")


def test_it_goes_to_next_after_signing_in(client, case, bob):
    response = client.post(
        URL, {"username": "bob", "password": PASSWORD, "next": case.get_absolute_url()}
    )
    assert response["Location"] == case.get_absolute_url()


def test_it_refuses_a_wrong_password(client, bob):
    response = _attempt(client, "wrong")
    assert response.status_code == 200
    assert "correct username and password" in response.text


def test_it_locks_out_after_five_failed_attempts(client, bob, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt_number in range(4):
        assert _attempt(client, "wrong").status_code == 200
    # Axes answers the attempt that reaches the limit with the lockout page already.
    assert _attempt(client, "wrong").status_code == 429
    response = _attempt(client, "wrong")
    assert response.status_code == 429
    assert "Sign-in locked" in response.text


@pytest.mark.parametrize("failures", [5, 6])
def test_it_refuses_the_right_password_while_locked(client, bob, failures):
    for _attempt_number in range(failures):
        _attempt(client, "wrong")
    response = _attempt(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
