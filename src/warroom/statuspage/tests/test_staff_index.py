from django.urls import reverse

from warroom.statuspage.actions import open_public_incident
from warroom.statuspage.choices import IncidentKind

from .conftest import NOW

URL = reverse("comms-index")


def test_it_lists_drafts_awaiting_approval_first(client, bob, draft, public_incident):
    client.force_login(bob)
    response = client.get(URL)
    assert response.status_code == 200
    text = response.text
    assert (
        text.index("Awaiting review")
        < text.index(draft.body[:40])
        < text.index("Public incidents and maintenances")
    )
    assert f'href="{public_incident.get_absolute_url()}#update-{draft.code}"' in text
    assert "Not published" in text


def test_a_case_member_sees_only_the_case_incidents(client, bob, public_incident, maintenance):
    client.force_login(bob)
    text = client.get(URL).text
    assert public_incident.name in text
    assert maintenance.name not in text
    assert f'class="button" href="{reverse("comms-incident-new")}"' not in text


def test_the_communications_group_sees_all_and_may_open(client, erin, public_incident, maintenance):
    client.force_login(erin)
    text = client.get(URL).text
    assert public_incident.name in text
    assert maintenance.name in text
    assert reverse("comms-incident-new") in text
    assert reverse("comms-subscribers") in text


def test_a_case_member_may_open_one_about_the_case(client, bob, case):
    client.force_login(bob)
    text = client.get(URL).text
    assert f'<option value="{case.reference}">' in text
    assert f'action="{reverse("comms-incident-new")}"' in text


def test_an_outsider_sees_nothing(client, charlie, public_incident, draft):
    client.force_login(charlie)
    text = client.get(URL).text
    assert public_incident.name not in text
    assert "Nothing awaits review." in text


def test_it_sends_anonymous_users_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_keeps_a_query_budget(
    client, erin, public_incident, draft, django_assert_max_num_queries
):
    client.force_login(erin)
    client.get(URL)  # the session and the permission cache warm up like any first request
    for number in range(20):
        open_public_incident(f"Incident {number}", kind=IncidentKind.INCIDENT, actor=erin, now=NOW)
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    assert response.text.count("Incident ") >= 20
