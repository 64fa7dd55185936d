"""Paging the case timeline, which may hold hundreds of thousands of events."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class TwoEndedPaginator(Paginator):  # type: ignore[type-arg]
    """A Paginator that reads pages past the middle from the other end of the ordering.

    The database skips OFFSET rows before it returns a page, so with Django's Paginator the
    oldest page of a 100,000-event timeline costs several times the newest. Reading the back
    half in reverse order keeps every offset under half the count, and the oldest page, the
    one responders open to see how it started, costs what the newest does.
    """

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        if not isinstance(self.object_list, QuerySet) or bottom <= self.count // 2:
            return super().page(number)
        from_end = self.object_list.reverse()[self.count - top : self.count - bottom]
        return Page(list(from_end)[::-1], number, self)
