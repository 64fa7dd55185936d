from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from warroom.accounts.access import Need, get_case_for_user
from warroom.accounts.models import Membership, Role
from warroom.cases.models import Incident


def test_it_gives_members_their_role(case, alice, bob):
    assert get_case_for_user(alice, case.reference, Need.COMMAND) == (case, Role.COMMANDER)
    assert get_case_for_user(bob, case.reference, Need.WRITE) == (case, Role.RESPONDER)


@pytest.mark.parametrize("need", list(Need))
def test_it_hides_the_case_from_outsiders(case, charlie, need):
    with pytest.raises(Http404):
        get_case_for_user(charlie, case.reference, need)


def test_it_hides_the_case_from_anonymous_users(case):
    with pytest.raises(Http404):
        get_case_for_user(AnonymousUser(), case.reference)


def test_it_answers_unknown_references_like_hidden_ones(alice):
    with pytest.raises(Http404):
        get_case_for_user(alice, "INC-2099-0001")


def test_observers_read_but_do_not_write(case, charlie):
    Membership.objects.create(case=case, user=charlie, role=Role.OBSERVER)
    assert get_case_for_user(charlie, case.reference)[0] == case
    with pytest.raises(PermissionDenied):
        get_case_for_user(charlie, case.reference, Need.WRITE)


def test_only_the_commander_commands(case, bob):
    with pytest.raises(PermissionDenied):
        get_case_for_user(bob, case.reference, Need.COMMAND)


def test_expired_invitations_lose_access(case, charlie):
    yesterday = datetime.now(UTC) - timedelta(days=1)
    Membership.objects.create(case=case, user=charlie, role=Role.RESPONDER, expires_at=yesterday)
    with pytest.raises(Http404):
        get_case_for_user(charlie, case.reference)
    assert not Incident.objects.for_user(charlie).exists()


def test_case_lists_show_only_memberships(case, alice, charlie):
    assert list(Incident.objects.for_user(alice)) == [case]
    assert not Incident.objects.for_user(charlie).exists()
    assert not Incident.objects.for_user(AnonymousUser()).exists()
