"""The one place that decides who may see and change a case.

Every view and API route gets its case through `get_case_for_user`. A user who is not an active
member gets 404, never 403, so an outsider cannot even learn that a reference exists. A member
whose role does not allow the change gets 403.
"""

from __future__ import annotations

from enum import IntEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from warroom.accounts.models import Membership, Role
from warroom.cases.models import Incident


class Need(IntEnum):
    """What the caller is about to do with the case."""

    READ = 0
    WRITE = 1
    COMMAND = 2


def get_membership(user: AbstractBaseUser | AnonymousUser, reference: str) -> Membership:
    """USER's active membership of case REFERENCE, with the case; Http404 if there is none."""
    if not user.is_authenticated:
        raise Http404("No such case")
    membership = (
        Membership.objects.active()
        .select_related("case")
        .filter(case__reference=reference, user__pk=user.pk)
        .first()
    )
    if membership is None:
        raise Http404("No such case")
    return membership


def get_case_for_user(
    user: AbstractBaseUser | AnonymousUser, reference: str, need: Need = Need.READ
) -> tuple[Incident, Role]:
    """Case REFERENCE and USER's role on it, if USER may do what NEED says.

    Raises Http404 for non-members and PermissionDenied for members whose role falls short.
    """
    membership = get_membership(user, reference)
    role = membership.role_enum
    if need >= Need.WRITE and not role.can_write:
        raise PermissionDenied(f"{role.label} is read only on this case")
    if need >= Need.COMMAND and not role.can_command:
        raise PermissionDenied("Only the incident commander may do this")
    return membership.case, role
