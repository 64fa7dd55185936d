"""The demo's regulatory clocks: the Colt-like answers, in the order they became known.

`warroom demo` calls `seed(case, actor, now=now)` on the case it opens. The answers follow the
public timeline of the August 2025 incident (../shared/reference/regulatory.md, section 12):
service interruptions from about 11:00 BST on 12 August, a telecom provider serving the UK and
several EU states with bank customers, the NIS2 early warnings sent the next day, and on
21 August the finding that customer files had been stolen. The submissions are illustrative,
not a statement of what the company filed.

Every answer is recorded at NOW by ACTOR (the times the facts name are in their values), so
the demo's deadlines are long past and no reminder is queued for them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from warroom.clocks.actions import recompute, record_fact, record_submission
from warroom.clocks.choices import ObligationStatus, SubmissionMethod
from warroom.clocks.models import Obligation

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from warroom.cases.models import Incident

__all__ = ["ANSWERS", "SUBMISSIONS", "seed"]

AWARE = datetime(2025, 8, 12, 10, 0, tzinfo=UTC)  # about 11:00 BST
DATA_THEFT = datetime(2025, 8, 21, 9, 0, tzinfo=UTC)

# (fact, value, note), in the order the team learnt them; one fact changes its answer.
ANSWERS: list[tuple[str, Any, str]] = [
    (
        "aware_at",
        AWARE,
        "Service interruptions from about 11:00 BST, at first taken for a "
        "technical fault; treated as awareness of a significant incident.",
    ),
    (
        "entity",
        ["telecom_provider", "essential_entity"],
        "Public electronic communications "
        "provider; essential entity under NIS2 in every Member State it serves.",
    ),
    (
        "countries",
        ["GB", "DE", "FR", "NL", "ES", "IT"],
        "Countries with public services, from the service catalog.",
    ),
    (
        "financial_entity_customers",
        True,
        "Several banks buy SIP trunks and hosting; they have "
        "their own DORA clocks and need our input.",
    ),
    (
        "telecom_personal_data",
        False,
        "No subscriber, traffic or location data affected as far as known (14 Aug statement).",
    ),
    (
        "personal_data_breach_at",
        DATA_THEFT,
        "The group posted titles of files from our systems that contain customer information.",
    ),
    (
        "other_personal_data",
        True,
        "Customer documents from business-support systems (CRM, contracts).",
    ),
]

# (obligation key prefix, submitted at, reference): the illustrative filings.
SUBMISSIONS: list[tuple[str, datetime, str]] = [
    ("eu_nis2.early_warning:", datetime(2025, 8, 13, 8, 30, tzinfo=UTC), "EW-2025-0812"),
    ("eu_nis2.notification:", datetime(2025, 8, 14, 16, 0, tzinfo=UTC), "IN-2025-0812"),
]


def seed(case: Incident, actor: User, *, now: datetime) -> str:
    """Record the demo's answers and filings on CASE; returns a one-line summary."""
    for name, value, note in ANSWERS:
        record_fact(case, actor, name, value, now=now, note=note)
    for prefix, submitted_at, reference in SUBMISSIONS:
        for obligation in _open(case, prefix):
            country = obligation.key.rpartition(":")[2]
            record_submission(
                obligation,
                actor,
                submitted_at=submitted_at,
                method=SubmissionMethod.PORTAL,
                reference=f"{reference}-{country}",
                note="Illustrative filing (demo).",
                now=now,
            )
    recompute(case, now=now, actor=actor)
    obligations = Obligation.objects.filter(case=case)
    still_open = obligations.filter(status=ObligationStatus.OPEN).count()
    return (
        f"{len(ANSWERS)} questionnaire answers, {obligations.count()} obligations "
        f"({still_open} open)"
    )


def _open(case: Incident, prefix: str) -> list[Obligation]:
    return list(
        Obligation.objects.filter(case=case, key__startswith=prefix, status=ObligationStatus.OPEN)
    )
