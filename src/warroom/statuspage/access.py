"""Who may draft, approve and publish status-page text, and who sees it before it is public.

The rules:

- Drafting needs the global `statuspage.draft_update` permission (the Communications group),
  or write access on the case the incident is linked to (any role but observer).
- Approving needs a person with the communications role. For text about a case, that is an
  active member of the case with Role.COMMUNICATIONS: the commander alone is not enough,
  because the approval is the communications person's word on the text. For text linked to
  no case (an unlinked incident, most maintenances) it is the global
  `statuspage.approve_update` permission.
- Publishing approved text, and publishing a postmortem, needs whatever approving needs.
- Staff pages show an incident to holders of either global permission and to members of its
  case; to anyone else it does not exist (404), as with cases.

Notices follow the same rules through their case, or their incident's case.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Account
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from warroom.accounts.models import Membership, Role
from warroom.cases.models import Incident
from warroom.statuspage.models import Notice, PublicIncident, PublicIncidentQuerySet

__all__ = [
    "APPROVE",
    "DRAFT",
    "can_approve",
    "can_draft",
    "get_incident_for_user",
    "is_comms_staff",
    "linked_case",
    "require_approve",
    "require_draft",
    "require_publish",
    "visible_incidents",
]

DRAFT = "statuspage.draft_update"
APPROVE = "statuspage.approve_update"

User = Account | AnonymousUser
Subject = PublicIncident | Notice | Incident | None


def linked_case(subject: Subject) -> Incident | None:
    """The case SUBJECT tells customers about: its own, its incident's, or None."""
    if subject is None or isinstance(subject, Incident):
        return subject
    if isinstance(subject, Notice) and subject.case_id is None and subject.incident_id:
        return linked_case(subject.incident)
    return subject.case


def role_on(user: User, case: Incident) -> Role | None:
    """USER's role on CASE through an active membership, or None."""
    if not user.is_authenticated:
        return None
    role = (
        Membership.objects.active()
        .filter(case=case, user__pk=user.pk)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def is_comms_staff(user: User) -> bool:
    """Whether USER holds either global status-page permission."""
    return user.is_active and (user.has_perm(DRAFT) or user.has_perm(APPROVE))


def can_draft(user: User, subject: Subject) -> bool:
    """Whether USER may write (or discard) text about SUBJECT."""
    if not user.is_active:
        return False
    if user.has_perm(DRAFT):
        return True
    case = linked_case(subject)
    role = role_on(user, case) if case else None
    return role is not None and role.can_write


def can_approve(user: User, subject: Subject) -> bool:
    """Whether USER may approve (and publish) text about SUBJECT."""
    if not user.is_active:
        return False
    case = linked_case(subject)
    if case is None:
        return user.has_perm(APPROVE)
    return role_on(user, case) == Role.COMMUNICATIONS


def require_draft(user: User, subject: Subject) -> None:
    """Raise PermissionDenied, saying what is missing, unless USER may draft about SUBJECT."""
    if can_draft(user, subject):
        return
    case = linked_case(subject)
    where = f" or write access on case {case.reference}" if case else ""
    raise PermissionDenied(
        f"Drafting status page text needs the permission to draft updates{where}."
    )


def require_approve(user: User, subject: Subject, verb: str = "approve") -> None:
    """Raise PermissionDenied, saying what is missing, unless USER may approve SUBJECT."""
    if can_approve(user, subject):
        return
    case = linked_case(subject)
    if case is None:
        raise PermissionDenied(
            f"Only a member of the Communications group (permission to approve updates) may "
            f"{verb} status page text that is not linked to a case."
        )
    raise PermissionDenied(
        f"Only a member of case {case.reference} with the Communications role may {verb} "
        "its status page text; the incident commander alone may not."
    )


def require_publish(user: User, subject: Subject) -> None:
    """Publishing approved text needs what approving needs."""
    require_approve(user, subject, verb="publish")


def visible_incidents(user: User) -> PublicIncidentQuerySet:
    """Public incidents USER sees on the staff pages: all for comms staff, else their cases'."""
    incidents = PublicIncident.objects.all()
    if not user.is_authenticated:
        return incidents.none()
    if is_comms_staff(user):
        return incidents
    now = timezone.now()
    memberships = Membership.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now), user__pk=user.pk
    )
    return incidents.filter(case__in=memberships.values("case"))


def get_incident_for_user(user: User, code: str) -> PublicIncident:
    """Public incident CODE with its case, if USER may see it; Http404 otherwise."""
    incident = visible_incidents(user).select_related("case").filter(code=code).first()
    if incident is None:
        raise Http404("No such public incident")
    return incident
