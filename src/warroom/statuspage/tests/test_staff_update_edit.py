from django.urls import reverse

from warroom.statuspage.choices import ReviewState


def _url(update):
    return reverse("comms-update-edit", args=[update.incident.code, update.code])


def test_it_shows_the_draft_in_the_form(client, bob, draft, catalog):
    client.force_login(bob)
    response = client.get(_url(draft))
    assert response.status_code == 200
    assert draft.body in response.text
    assert '<option value="major_outage" selected>' in response.text


def test_it_saves_new_words(client, bob, draft):
    client.force_login(bob)
    response = client.post(
        _url(draft), {"status": "identified", "body": "New words.", "language": "en"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.body, draft.status) == ("New words.", "identified")
    assert not draft.affected.exists()


def test_editing_approved_text_warns_and_sends_it_back(client, bob, approved):
    client.force_login(bob)
    assert "Saving a change sends it back to draft" in client.get(_url(approved)).text
    client.post(_url(approved), {"status": "identified", "body": "New words.", "language": "en"})
    approved.refresh_from_db()
    assert (approved.review, approved.approved_by) == (ReviewState.DRAFT, None)


def test_published_text_is_refused(client, bob, dana, approved):
    from warroom.statuspage.actions import publish_update

    from .conftest import NOW

    publish_update(approved, dana, now=NOW)
    client.force_login(bob)
    response = client.post(
        _url(approved), {"status": "identified", "body": "New words.", "language": "en"}
    )
    assert response.status_code == 400
    assert "Only draft or approved text can be edited; this is published." in response.text


def test_an_outsider_gets_404(client, charlie, draft):
    client.force_login(charlie)
    assert client.get(_url(draft)).status_code == 404


def test_an_unknown_update_gets_404(client, bob, public_incident):
    client.force_login(bob)
    url = reverse("comms-update-edit", args=[public_incident.code, "nosuchupdate"])
    assert client.get(url).status_code == 404
