"""Django admin for the catalog: where the catalog is edited (the pages only read it).

A status changed here still goes through `set_component_status`, so the uptime history
behind the status page stays whole. The history itself is read only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone

from warroom.catalog.actions import set_component_status
from warroom.catalog.choices import ChangeSource, ComponentStatus
from warroom.catalog.models import (
    Component,
    ComponentDependency,
    ComponentHost,
    ComponentStatusChange,
    Contact,
    Customer,
    CustomerQuerySet,
)


class HostInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ComponentHost
    extra = 1


class DependencyInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ComponentDependency
    fk_name = "component"
    extra = 1
    autocomplete_fields = ["depends_on"]
    verbose_name = "dependency"
    verbose_name_plural = "depends on"


class ContactInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Contact
    extra = 1


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "group", "is_group", "status", "public", "position", "updated_at"]
    list_filter = ["status", "is_group", "public", "group"]
    search_fields = ["name", "code", "description", "hosts__host"]
    list_select_related = ["group"]
    readonly_fields = ["code", "created_at", "updated_at"]
    autocomplete_fields = ["group"]
    inlines = [HostInline, DependencyInline]

    def save_model(
        self, request: HttpRequest, obj: Component, form: ModelForm[Component], change: bool
    ) -> None:
        """Save the fields, then change the status through its verb so it enters the history."""
        wanted = ComponentStatus(obj.status)
        if not change or obj.is_group:
            super().save_model(request, obj, form, change)
            return
        obj.status = Component.objects.values_list("status", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        actor: Any = request.user
        set_component_status(
            obj,
            wanted,
            actor,
            now=timezone.now(),
            source=ChangeSource.PERSON,
            reason="Set in the admin",
        )


@admin.register(ComponentDependency)
class ComponentDependencyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["component", "depends_on", "note"]
    search_fields = ["component__name", "depends_on__name"]
    autocomplete_fields = ["component", "depends_on"]
    list_select_related = ["component", "depends_on"]


@admin.register(ComponentHost)
class ComponentHostAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["host", "component"]
    search_fields = ["host", "component__name"]
    autocomplete_fields = ["component"]
    list_select_related = ["component"]


@admin.register(ComponentStatusChange)
class ComponentStatusChangeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["changed_at", "component", "from_status", "to_status", "source", "changed_by"]
    list_filter = ["source", "to_status"]
    search_fields = ["component__name", "reason"]
    list_select_related = ["component", "changed_by"]
    date_hierarchy = "changed_at"

    # The history is what uptime is computed from: it is added to by status changes only.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "is_reseller", "language", "component_count"]
    list_filter = ["is_reseller", "language", "components"]
    search_fields = ["name", "contacts__name", "contacts__email"]
    filter_horizontal = ["components"]
    exclude = ["page_token"]
    inlines = [ContactInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        customers: CustomerQuerySet = super().get_queryset(request)  # type: ignore[assignment]
        return customers.with_counts()

    @admin.display(description="components", ordering="component_count")
    def component_count(self, customer: Any) -> int:
        return int(customer.component_count)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "customer", "role", "email", "phone"]
    search_fields = ["name", "email", "customer__name"]
    autocomplete_fields = ["customer"]
    list_select_related = ["customer"]
