"""Django admin for the status page (staff only): for looking, not for publishing.

Text reaches the public only through the review in `actions.py` (draft, approval by the
communications role, publication, each on the case timeline), so the fields that carry that
review are read only here, and updates and notices cannot be added from the admin. Subscribers
and publish runs may be inspected and, for subscribers, corrected or removed.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from warroom.statuspage.models import (
    AffectedComponent,
    IncidentUpdate,
    Notice,
    PageRevision,
    PublicIncident,
    PublishRun,
    Subscriber,
)

REVIEW_FIELDS = [
    "review",
    "drafted_by",
    "drafted_at",
    "approved_by",
    "approved_at",
    "published_at",
]


class NoAdding:
    """Rows made only by the workflow's verbs."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AffectedInline(NoAdding, admin.TabularInline):  # type: ignore[type-arg]
    model = AffectedComponent
    readonly_fields = ["component", "old_status", "new_status"]
    extra = 0
    can_delete = False


@admin.register(PublicIncident)
class PublicIncidentAdmin(NoAdding, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "status", "case", "published_at", "resolved_at"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "code", "case__reference"]
    list_select_related = ["case"]
    raw_id_fields = ["case", "created_by"]
    # The name, components and impact override may be corrected; everything the public
    # timeline is made of comes from published updates.
    readonly_fields = [
        "code",
        "status",
        "published_at",
        "started_at",
        "monitoring_at",
        "resolved_at",
        "postmortem_body",
        "postmortem_published_at",
        "created_at",
        "updated_at",
    ]


@admin.register(IncidentUpdate)
class IncidentUpdateAdmin(NoAdding, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["incident", "status", "review", "language", "drafted_by", "published_at"]
    list_filter = ["review", "status", "language"]
    search_fields = ["body", "code", "incident__name"]
    list_select_related = ["incident", "drafted_by"]
    readonly_fields = [
        "code",
        "incident",
        "status",
        "body",
        "language",
        "deliver_notifications",
        "display_at",
        *REVIEW_FIELDS,
        "published_by",
        "updated_at",
    ]
    inlines = [AffectedInline]


@admin.register(Notice)
class NoticeAdmin(NoAdding, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "review", "incident", "case", "published_at", "expires_at"]
    list_filter = ["review"]
    search_fields = ["title", "body", "code"]
    list_select_related = ["incident", "case"]
    # Adding a customer to a published notice would show its text to someone nobody approved
    # it for: the audience is as read only as the words.
    readonly_fields = [
        "code",
        "title",
        "body",
        "customers",
        "components",
        "incident",
        "case",
        *REVIEW_FIELDS,
    ]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["email", "kind", "endpoint", "confirmed_at", "unsubscribed_at"]
    list_filter = ["kind", "language"]
    search_fields = ["email", "endpoint", "code"]
    readonly_fields = ["code", "secret", "confirm_token", "unsubscribe_token", "created_at"]
    raw_id_fields = ["customer"]
    filter_horizontal = ["components"]


@admin.register(PageRevision)
class PageRevisionAdmin(NoAdding, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "changed_at"]
    readonly_fields = ["number", "changed_at"]


@admin.register(PublishRun)
class PublishRunAdmin(NoAdding, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["started_at", "target", "revision", "ok", "files"]
    list_filter = ["ok"]
    readonly_fields = ["target", "revision", "started_at", "finished_at", "ok", "files", "detail"]
