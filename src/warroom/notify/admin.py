"""Deliveries in the Django admin: staff read each message's state and its attempt history."""

from typing import TYPE_CHECKING

from django.contrib import admin

from warroom.notify.models import Delivery, DeliveryAttempt

# ModelAdmin and TabularInline are generic only in the type stubs; subscripting them at run
# time fails.
if TYPE_CHECKING:
    _DeliveryAdminBase = admin.ModelAdmin[Delivery]
    _AttemptInlineBase = admin.TabularInline[DeliveryAttempt, Delivery]
else:
    _DeliveryAdminBase = admin.ModelAdmin
    _AttemptInlineBase = admin.TabularInline


class AttemptInline(_AttemptInlineBase):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "ok", "status_code", "error", "duration_ms"]


@admin.register(Delivery)
class DeliveryAdmin(_DeliveryAdminBase):
    list_display = ["id", "channel", "recipient", "purpose", "state", "attempts", "sent_at"]
    list_filter = ["state", "channel", "purpose"]
    search_fields = ["key", "recipient"]
    # The secret signs webhooks; staff have no reason to read it here.
    exclude = ["secret"]
    readonly_fields = ["key", "state", "attempts", "created_at", "sent_at", "last_error"]
    inlines = [AttemptInline]
