from django.contrib.auth.models import User

from warroom.accounts.bootstrap import ensure_first_admin

NEW_PASSWORD = "a much longer passphrase 2025"


def _first_admin() -> tuple[str, str]:
    created = ensure_first_admin()
    assert created is not None
    return created


def test_it_creates_the_administrator_once(db):
    username, password = _first_admin()
    admin = User.objects.get(username=username)
    assert admin.is_superuser
    assert admin.check_password(password)
    assert ensure_first_admin() is None


def test_it_sends_the_administrator_to_change_the_password(client, db):
    username, _password = _first_admin()
    client.force_login(User.objects.get(username=username))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/password/change/"
    assert "one-time password" in client.get(response.url).content.decode()


def test_it_lets_the_administrator_change_the_password(client, db):
    username, password = _first_admin()
    client.force_login(User.objects.get(username=username))
    response = client.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_it_leaves_other_users_alone(client, alice):
    client.force_login(alice)
    assert client.get("/").status_code == 200
