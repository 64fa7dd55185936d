import pytest
from django.core.exceptions import PermissionDenied

from warroom.cases.choices import EventKind
from warroom.statuspage.actions import (
    WorkflowError,
    approve_notice,
    draft_notice,
    publish_notice,
    withdraw_notice,
)
from warroom.statuspage.choices import ReviewState
from warroom.statuspage.models import Notice, PageRevision

from .conftest import NOW

BODY = "Your SIP trunks in Germany are affected."


@pytest.fixture
def notice(public_incident, customer, bob):
    return draft_notice(
        title="SIP trunks in Germany",
        body=BODY,
        customers=[customer],
        incident=public_incident,
        actor=bob,
        now=NOW,
    )


def test_it_drafts_a_notice_about_the_incident_and_its_case(notice, public_incident, case):
    assert (notice.incident, notice.case, notice.review) == (
        public_incident,
        case,
        ReviewState.DRAFT,
    )


def test_draft_approve_publish_write_timeline_events(notice, dana, case):
    approve_notice(notice, dana, now=NOW)
    publish_notice(notice, dana, now=NOW)
    texts = list(
        case.events.filter(kind=EventKind.COMMUNICATION, text__startswith="Notice").values_list(
            "text", flat=True
        )
    )
    assert texts == [
        f"Notice “SIP trunks in Germany” for Starface Cloud {verb}: “{BODY}”"
        for verb in ("drafted", "approved", "published")
    ]


def test_publishing_shows_it_on_the_customer_pages(notice, dana):
    revision = PageRevision.current()
    approve_notice(notice, dana, now=NOW)
    publish_notice(notice, dana, now=NOW)
    assert list(Notice.objects.live(NOW)) == [notice]
    assert PageRevision.current() == revision + 1


def test_the_commander_may_not_approve_it(notice, alice):
    with pytest.raises(PermissionDenied, match="Communications role"):
        approve_notice(notice, alice, now=NOW)


def test_a_draft_is_not_published(notice, dana):
    with pytest.raises(WorkflowError, match="Only approved text can be published"):
        publish_notice(notice, dana, now=NOW)


def test_it_needs_a_customer(public_incident, bob):
    with pytest.raises(WorkflowError, match="at least one customer"):
        draft_notice(
            title="T", body="B", customers=[], incident=public_incident, actor=bob, now=NOW
        )


def test_an_outsider_may_not_draft_one(public_incident, customer, charlie):
    with pytest.raises(PermissionDenied):
        draft_notice(
            title="T",
            body="B",
            customers=[customer],
            incident=public_incident,
            actor=charlie,
            now=NOW,
        )


def test_withdrawing_a_published_notice_takes_it_off_the_pages(notice, dana, bob):
    approve_notice(notice, dana, now=NOW)
    publish_notice(notice, dana, now=NOW)
    with pytest.raises(PermissionDenied):
        withdraw_notice(notice, bob, now=NOW)
    withdraw_notice(notice, dana, now=NOW)
    assert not Notice.objects.live(NOW).exists()


def test_an_unlinked_notice_needs_the_group(customer, erin, dana):
    notice = draft_notice(title="T", body="B", customers=[customer], actor=erin, now=NOW)
    with pytest.raises(PermissionDenied, match="not linked to a case"):
        approve_notice(notice, dana, now=NOW)
    approve_notice(notice, erin, now=NOW)
    assert notice.review == ReviewState.APPROVED
