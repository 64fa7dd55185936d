from django.urls import reverse

URL = reverse("logout")


def test_it_signs_out(client, bob):
    client.force_login(bob)
    response = client.post(URL)
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_it_does_not_sign_out_on_get(client, bob):
    client.force_login(bob)
    assert client.get(URL).status_code == 405
    assert "_auth_user_id" in client.session


def test_it_is_offered_on_every_page(client, bob):
    client.force_login(bob)
    response = client.get(reverse("case-list"))
    assert f'action="{URL}"' in response.text
