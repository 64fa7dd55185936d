from datetime import timedelta

import pytest
from conftest import DETECTED
from django.core.paginator import Paginator

from warroom.cases.choices import EventKind
from warroom.cases.models import TimelineEvent
from warroom.cases.paging import TwoEndedPaginator


@pytest.fixture
def events(case):
    # Two events share each timestamp, so the tie-break on id matters in both directions.
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            case=case,
            kind=EventKind.OBSERVATION,
            text=f"event {n}",
            occurred_at=DETECTED + timedelta(minutes=n // 2),
        )
        for n in range(47)
    )
    return TimelineEvent.objects.filter(case=case).newest_first()


@pytest.mark.parametrize(("per_page", "orphans"), [(5, 0), (10, 3), (7, 0), (48, 0), (1, 0)])
def test_every_page_matches_the_plain_paginator(events, per_page, orphans):
    plain = Paginator(events, per_page, orphans=orphans)
    two_ended = TwoEndedPaginator(events, per_page, orphans=orphans)
    assert two_ended.num_pages == plain.num_pages
    for number in plain.page_range:
        assert list(two_ended.page(number)) == list(plain.page(number)), number


def test_the_back_half_is_read_in_reverse(events, django_assert_num_queries):
    paginator = TwoEndedPaginator(events, 5)
    assert paginator.count == 48
    with django_assert_num_queries(1) as captured:
        list(paginator.page(paginator.num_pages))
    assert " ASC" in captured.captured_queries[0]["sql"]
