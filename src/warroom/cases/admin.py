"""Django admin for the case record (staff only). Changes made here bypass the timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from warroom.cases.models import (
    Action,
    Asset,
    AssetStateChange,
    CustodyEntry,
    Evidence,
    Incident,
    Indicator,
    Task,
    TimelineEvent,
    TimelineEventEdit,
)


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["reference", "title", "severity", "phase", "detected_at", "commander"]
    list_filter = ["phase", "severity"]
    search_fields = ["reference", "title"]
    raw_id_fields = ["commander"]
    list_select_related = ["commander"]


class TimelineEventEditInline(admin.TabularInline):  # type: ignore[type-arg]
    """An event's corrections, read only: the record of what it said before."""

    model = TimelineEventEdit
    fields = readonly_fields = ("edited_at", "editor", "before", "after")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["occurred_at", "case", "kind", "text", "actor", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["text", "case__reference"]
    raw_id_fields = ["case", "actor", "asset", "indicator", "evidence"]
    list_select_related = ["case", "actor"]
    # A case can have hundreds of thousands of events: no full count on every page.
    show_full_result_count = False
    inlines = [TimelineEventEditInline]


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "case", "hostname", "state", "internet_facing"]
    list_filter = ["state", "internet_facing"]
    search_fields = ["name", "hostname", "case__reference"]
    raw_id_fields = ["case"]
    list_select_related = ["case"]


@admin.register(AssetStateChange)
class AssetStateChangeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["changed_at", "asset", "from_state", "to_state", "changed_by"]
    raw_id_fields = ["asset", "changed_by"]
    list_select_related = ["asset", "changed_by"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["type", "value", "case", "confidence", "tlp", "source"]
    list_filter = ["type", "tlp"]
    search_fields = ["value", "case__reference"]
    raw_id_fields = ["case", "added_by"]
    list_select_related = ["case"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "case", "acquired_at", "acquired_from", "sha256"]
    search_fields = ["name", "sha256", "case__reference"]
    raw_id_fields = ["case", "added_by"]
    list_select_related = ["case"]


@admin.register(CustodyEntry)
class CustodyEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "evidence", "kind", "actor"]
    list_filter = ["kind"]
    raw_id_fields = ["evidence", "actor"]
    list_select_related = ["evidence", "actor"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "case", "owner", "due_at", "state"]
    list_filter = ["state"]
    raw_id_fields = ["case", "owner"]
    list_select_related = ["case", "owner"]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["kind", "description", "case", "state", "requested_by", "approved_by"]
    list_filter = ["kind", "state"]
    raw_id_fields = ["case", "asset", "requested_by", "approved_by"]
    list_select_related = ["case", "requested_by", "approved_by"]
