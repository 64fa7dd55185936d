from datetime import UTC, datetime

import pytest
from django.db import IntegrityError

from warroom.cases.actions import add_evidence
from warroom.cases.choices import CustodyKind, EventKind
from warroom.cases.models import Evidence

NOW = datetime(2025, 8, 13, 10, 0, tzinfo=UTC)
ACQUIRED = datetime(2025, 8, 13, 8, 0, tzinfo=UTC)


def _evidence(case, **fields):
    defaults = {
        "name": "SP-FE-01 Security.evtx",
        "location": "/mnt/evidence/sp-fe-01/Security.evtx",
        "acquired_by": "Forensics partner",
        "acquired_at": ACQUIRED,
        "acquired_from": "SP-FE-01",
    }
    return Evidence(case=case, **(defaults | fields))


def test_it_opens_the_custody_log(case, bob):
    evidence = add_evidence(_evidence(case), bob, now=NOW)
    entry = evidence.custody.get()
    assert (entry.kind, entry.actor, entry.at) == (CustodyKind.ACQUIRED, bob, NOW)
    assert "Acquired by Forensics partner from SP-FE-01" in entry.note


def test_it_writes_timeline_event(case, bob):
    evidence = add_evidence(_evidence(case), bob, now=NOW)
    event = case.events.get(evidence=evidence)
    assert event.kind == EventKind.OBSERVATION


def test_it_needs_a_file_or_a_location(case, bob):
    with pytest.raises(IntegrityError):
        add_evidence(_evidence(case, location=""), bob, now=NOW)
