"""Django admin for the clocks: staff read every case's facts, obligations and submissions.

Read only. A change to a clock must reach the case timeline and recompute the deadlines, which
only the verbs of `actions.py` do; the admin is for looking across cases, not for editing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from warroom.clocks.models import Draft, Fact, Obligation, Submission


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and detail pages, no add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SubmissionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Submission
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Fact)
class FactAdmin(ReadOnlyAdmin):
    list_display = ["case", "name", "value", "decided_by", "decided_at"]
    list_filter = ["name"]
    search_fields = ["case__reference", "name", "note"]
    list_select_related = ["case", "decided_by"]


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ["case", "title", "recipient", "due_at", "status"]
    list_filter = ["status", "regime"]
    search_fields = ["case__reference", "key", "title", "recipient"]
    list_select_related = ["case"]
    inlines = [SubmissionInline]


@admin.register(Draft)
class DraftAdmin(ReadOnlyAdmin):
    list_display = ["obligation", "version", "updated_by", "updated_at"]
    list_select_related = ["obligation__case", "updated_by"]
