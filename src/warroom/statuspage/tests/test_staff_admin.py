"""The admin shows the status page's rows but adds none and edits no reviewed text."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

MODELS = ["publicincident", "incidentupdate", "notice", "subscriber", "pagerevision", "publishrun"]


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_list_opens(admin_client, draft, model):
    assert admin_client.get(reverse(f"admin:statuspage_{model}_changelist")).status_code == 200


def test_an_update_shows_its_text_read_only(admin_client, draft):
    response = admin_client.get(reverse("admin:statuspage_incidentupdate_change", args=[draft.pk]))
    assert response.status_code == 200
    assert draft.body in response.text
    assert 'name="body"' not in response.text


@pytest.mark.parametrize("model", ["publicincident", "incidentupdate", "notice"])
def test_reviewed_rows_cannot_be_added(admin_client, model):
    assert admin_client.get(reverse(f"admin:statuspage_{model}_add")).status_code == 403
