"""Who may draft, approve and see status-page text (access.py), and the group that holds it."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.http import Http404

from warroom.accounts.models import Membership, Role
from warroom.statuspage import access


def test_the_communications_group_holds_the_three_permissions(db):
    group = Group.objects.get(name="Communications")
    assert set(group.permissions.values_list("content_type__app_label", "codename")) == {
        ("statuspage", "draft_update"),
        ("statuspage", "approve_update"),
        ("catalog", "change_component"),
    }


@pytest.mark.parametrize(
    ("persona", "draft", "approve"),
    [
        ("alice", True, False),  # the commander writes, but does not approve public text
        ("bob", True, False),
        ("charlie", False, False),
        ("dana", True, True),
        ("erin", True, False),  # the group, not on the case
    ],
)
def test_rules_for_an_incident_about_the_case(
    request, public_incident, dana, erin, persona, draft, approve
):
    user = request.getfixturevalue(persona)
    assert access.can_draft(user, public_incident) is draft
    assert access.can_approve(user, public_incident) is approve


@pytest.mark.parametrize(
    ("persona", "draft", "approve"),
    [("alice", False, False), ("bob", False, False), ("dana", False, False), ("erin", True, True)],
)
def test_rules_for_an_unlinked_maintenance(request, maintenance, dana, persona, draft, approve):
    user = request.getfixturevalue(persona)
    assert access.can_draft(user, maintenance) is draft
    assert access.can_approve(user, maintenance) is approve


def test_an_observer_may_neither_draft_nor_approve(public_incident, case, charlie):
    Membership.objects.create(case=case, user=charlie, role=Role.OBSERVER)
    assert not access.can_draft(charlie, public_incident)
    assert not access.can_approve(charlie, public_incident)


def test_an_inactive_user_may_do_nothing(public_incident, dana, erin):
    dana.is_active = erin.is_active = False
    assert not access.can_approve(dana, public_incident)
    assert not access.can_draft(erin, public_incident)


def test_anonymous_may_do_nothing(public_incident):
    assert not access.can_draft(AnonymousUser(), public_incident)
    assert not access.visible_incidents(AnonymousUser()).exists()


def test_a_notice_is_linked_through_its_incident(public_incident, case):
    from warroom.statuspage.models import Notice

    assert access.linked_case(Notice(incident=public_incident)) == case


def test_members_of_the_case_see_its_incident_and_outsiders_do_not(
    public_incident, maintenance, bob, charlie, erin
):
    assert list(access.visible_incidents(bob)) == [public_incident]
    assert not access.visible_incidents(charlie).exists()
    assert set(access.visible_incidents(erin)) == {public_incident, maintenance}


def test_an_outsider_gets_404(public_incident, charlie):
    with pytest.raises(Http404):
        access.get_incident_for_user(charlie, public_incident.code)
