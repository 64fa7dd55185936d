from django.urls import reverse

URL = reverse("password_change")
OLD = "correct horse battery staple"  # the personas' password, set in conftest.py
NEW = "another long passphrase 2025"


def test_it_shows_a_labelled_form(client, bob):
    client.force_login(bob)
    response = client.get(URL)
    assert response.status_code == 200
    assert '<label for="id_old_password">' in response.text


def test_it_changes_the_password(client, bob):
    client.force_login(bob)
    response = client.post(URL, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("password_change_done")
    bob.refresh_from_db()
    assert bob.check_password(NEW)
    assert client.get(reverse("case-list")).status_code == 200


def test_it_requires_the_old_password(client, bob):
    client.force_login(bob)
    response = client.post(URL, {"old_password": "x", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    bob.refresh_from_db()
    assert bob.check_password(OLD)


def test_it_sends_anonymous_users_to_login(client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))
