from django.urls import reverse

from warroom.accounts.models import Membership, Role


def _url(incident):
    return reverse("comms-incident", args=[incident.code])


def test_it_shows_the_updates_with_their_review_state(client, bob, draft, public_incident):
    client.force_login(bob)
    response = client.get(_url(public_incident))
    assert response.status_code == 200
    assert f'id="update-{draft.code}"' in response.text
    assert draft.body in response.text
    assert "Customer portal: Major outage" in response.text
    assert ">Draft</span>" in response.text


def test_the_drafter_sees_edit_and_withdraw_but_not_approve(client, bob, draft, public_incident):
    client.force_login(bob)
    text = client.get(_url(public_incident)).text
    assert reverse("comms-update-edit", args=[public_incident.code, draft.code]) in text
    assert reverse("comms-update-withdraw", args=[public_incident.code, draft.code]) in text
    assert reverse("comms-update-approve", args=[public_incident.code, draft.code]) not in text
    assert "Awaiting approval by a member of INC-2025-0001 with the Communications role" in text


def test_the_communications_person_sees_approve(client, dana, draft, public_incident):
    client.force_login(dana)
    text = client.get(_url(public_incident)).text
    assert reverse("comms-update-approve", args=[public_incident.code, draft.code]) in text
    assert f'name="version" value="{draft.version}"' in text


def test_approved_text_offers_publish(client, dana, approved, public_incident):
    client.force_login(dana)
    text = client.get(_url(public_incident)).text
    assert reverse("comms-update-publish", args=[public_incident.code, approved.code]) in text


def test_an_observer_reads_but_gets_no_forms(client, charlie, case, draft, public_incident):
    Membership.objects.create(case=case, user=charlie, role=Role.OBSERVER)
    client.force_login(charlie)
    response = client.get(_url(public_incident))
    assert response.status_code == 200
    assert draft.body in response.text
    assert reverse("comms-update-new", args=[public_incident.code]) not in response.text
    assert (
        reverse("comms-update-withdraw", args=[public_incident.code, draft.code])
        not in response.text
    )


def test_an_outsider_gets_404(client, charlie, public_incident):
    client.force_login(charlie)
    assert client.get(_url(public_incident)).status_code == 404


def test_the_template_picker_fills_the_draft_form(client, bob, public_incident, settings):
    settings.STATUS_SUPPORT_PHONE = "+44 20 7390 3900"
    client.force_login(bob)
    response = client.get(_url(public_incident), {"stage": "identified", "lang": "de"})
    assert response.status_code == 200
    text = response.text
    assert "Wir haben die Ursache der Störung von" in text
    assert "telefonisch unter +44 20 7390 3900" in text
    assert '<option value="identified" selected>' in text
    assert '<option value="de" selected>' in text


def test_the_picker_fills_the_notice_form(client, bob, public_incident):
    client.force_login(bob)
    text = client.get(_url(public_incident), {"stage": "notice", "lang": "en"}).text
    assert 'value="Your services are affected: ' in text


def test_the_picker_offers_the_next_stage(client, dana, approved, public_incident):
    from warroom.statuspage.actions import publish_update

    from .conftest import NOW

    publish_update(approved, dana, now=NOW)
    client.force_login(dana)
    text = client.get(_url(public_incident)).text
    assert '<option value="identified" selected>Identified</option>' in text


def test_the_picker_names_a_stage_of_the_other_kind(client, bob, public_incident):
    client.force_login(bob)
    response = client.get(_url(public_incident), {"stage": "in_progress", "lang": "en"})
    assert response.status_code == 400
    assert "stage: Select a valid choice. in_progress is not one of" in response.text


def test_the_picker_names_an_unknown_language(client, bob, public_incident):
    client.force_login(bob)
    response = client.get(_url(public_incident), {"stage": "resolved", "lang": "fr"})
    assert response.status_code == 400
    assert "lang: Select a valid choice. fr is not one of the available choices." in response.text


def test_the_postmortem_form_shows_once_resolved(client, dana, public_incident):
    client.force_login(dana)
    assert (
        reverse("comms-postmortem", args=[public_incident.code])
        not in client.get(_url(public_incident)).text
    )
    public_incident.status = "resolved"
    public_incident.save()
    assert (
        reverse("comms-postmortem", args=[public_incident.code])
        in client.get(_url(public_incident)).text
    )


def test_the_picker_offers_only_templates_that_fit(client, erin, maintenance):
    client.force_login(erin)
    text = client.get(_url(maintenance)).text
    assert '<option value="in_progress">Maintenance in progress</option>' in text
    assert '<option value="identified">' not in text
    assert '<option value="postmortem">' not in text
