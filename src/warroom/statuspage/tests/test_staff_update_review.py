"""The approve, publish and withdraw buttons of an update."""

from django.urls import reverse

from warroom.cases.choices import EventKind
from warroom.jobs.models import Job
from warroom.statuspage.choices import ReviewState


def _post(client, verb, update, **data):
    url = reverse(f"comms-update-{verb}", args=[update.incident.code, update.code])
    return client.post(url, data)


def test_dana_approves(client, dana, draft, case):
    client.force_login(dana)
    response = _post(client, "approve", draft, version=draft.version)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#update-{draft.code}")
    draft.refresh_from_db()
    assert (draft.review, draft.approved_by) == (ReviewState.APPROVED, dana)
    assert case.events.filter(kind=EventKind.COMMUNICATION, actor=dana).count() == 1


def test_alice_the_commander_gets_403_with_the_reason(client, alice, draft):
    client.force_login(alice)
    response = _post(client, "approve", draft, version=draft.version)
    assert response.status_code == 403
    assert "the incident commander alone may not" in response.text
    draft.refresh_from_db()
    assert draft.review == ReviewState.DRAFT


def test_bob_the_responder_gets_403(client, bob, draft):
    client.force_login(bob)
    assert _post(client, "approve", draft, version=draft.version).status_code == 403


def test_approving_text_that_changed_since_it_was_read_is_409(client, dana, draft):
    client.force_login(dana)
    response = _post(client, "approve", draft, version="2025-08-12T13:00:00+00:00")
    assert response.status_code == 409
    assert "changed since you read it" in response.text
    draft.refresh_from_db()
    assert draft.review == ReviewState.DRAFT


def test_dana_publishes_approved_text(client, dana, approved, catalog, settings):
    settings.STATUS_TARGETS = []
    client.force_login(dana)
    assert _post(client, "publish", approved).status_code == 302
    catalog["portal"].refresh_from_db()
    assert catalog["portal"].status == "major_outage"
    assert list(Job.objects.values_list("kind", flat=True)) == ["statuspage.fan_out"]


def test_publishing_a_draft_is_400_with_the_reason(client, dana, draft):
    client.force_login(dana)
    response = _post(client, "publish", draft)
    assert response.status_code == 400
    assert "Only approved text can be published; this is draft." in response.text


def test_bob_withdraws_his_draft(client, bob, draft):
    client.force_login(bob)
    assert _post(client, "withdraw", draft).status_code == 302
    draft.refresh_from_db()
    assert draft.review == ReviewState.WITHDRAWN


def test_an_outsider_gets_404_everywhere(client, charlie, draft):
    client.force_login(charlie)
    for verb in ("approve", "publish", "withdraw"):
        assert _post(client, verb, draft, version=draft.version).status_code == 404


def test_get_is_not_allowed(client, dana, draft):
    client.force_login(dana)
    url = reverse("comms-update-approve", args=[draft.incident.code, draft.code])
    assert client.get(url).status_code == 405
