"""Django admin for memberships and API tokens (staff only)."""

from __future__ import annotations

from django.contrib import admin

from warroom.accounts.models import ApiToken, Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "case", "role", "expires_at", "added_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "case__reference"]
    raw_id_fields = ["user", "case"]
    list_select_related = ["user", "case"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Tokens can be looked at and revoked here, never created: the raw value is not kept."""

    list_display = ["name", "user", "hint", "created_at", "last_used_at"]
    search_fields = ["name", "user__username", "hint"]
    readonly_fields = ["user", "name", "digest", "hint", "created_at", "last_used_at"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False
