from datetime import UTC, datetime

from warroom.cases.actions import change_severity
from warroom.cases.choices import EventKind, Severity

NOW = datetime(2025, 8, 13, 9, 0, tzinfo=UTC)


def test_it_changes_severity(case, alice):
    change_severity(case, Severity.SEV2, alice, now=NOW)
    case.refresh_from_db()
    assert case.severity == Severity.SEV2


def test_it_writes_timeline_event(case, alice):
    event = change_severity(case, Severity.SEV2, alice, now=NOW)
    assert event is not None
    assert event.kind == EventKind.STATUS_CHANGE
    assert event.text == "Severity changed from SEV1 to SEV2."


def test_it_writes_nothing_when_unchanged(case, alice):
    assert change_severity(case, Severity.SEV1, alice, now=NOW) is None
