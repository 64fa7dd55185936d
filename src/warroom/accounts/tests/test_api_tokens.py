from django.urls import reverse

from warroom.accounts.models import ApiToken, hash_token

URL = reverse("api-tokens")


def test_it_lists_my_tokens(client, bob, alice):
    ApiToken.issue(bob, "SIEM export")
    ApiToken.issue(alice, "alice's workstation")
    client.force_login(bob)
    response = client.get(URL)
    assert "SIEM export" in response.text
    assert "workstation" not in response.text


def test_it_issues_a_token_and_shows_it_once(client, bob):
    client.force_login(bob)
    response = client.post(URL, {"name": "laptop CLI"})
    raw = response.context["issued"]["raw"]
    token = ApiToken.objects.get(user=bob)
    assert token.digest == hash_token(raw)
    assert raw in response.text
    assert raw not in client.get(URL).text


def test_it_is_not_cached(client, bob):
    client.force_login(bob)
    response = client.post(URL, {"name": "laptop CLI"})
    assert "no-store" in response["Cache-Control"]


def test_it_requires_a_name(client, bob):
    client.force_login(bob)
    response = client.post(URL, {"name": ""})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_revokes_a_token(client, bob):
    token, _raw = ApiToken.issue(bob, "old")
    client.force_login(bob)
    response = client.post(reverse("api-token-revoke", args=[token.pk]))
    assert response["Location"] == URL
    assert not ApiToken.objects.exists()


def test_it_cannot_revoke_a_token_of_someone_else(client, alice, bob):
    token, _raw = ApiToken.issue(alice, "alice's")
    client.force_login(bob)
    response = client.post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_it_revokes_only_on_post(client, bob):
    token, _raw = ApiToken.issue(bob, "old")
    client.force_login(bob)
    assert client.get(reverse("api-token-revoke", args=[token.pk])).status_code == 405
    assert ApiToken.objects.exists()


def test_it_sends_anonymous_users_to_login(client, db):
    response = client.get(URL)
    assert response["Location"].startswith(reverse("login"))
