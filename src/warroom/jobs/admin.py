"""Jobs in the Django admin: staff can see what failed and why."""

from typing import TYPE_CHECKING

from django.contrib import admin

from warroom.jobs.models import Job

# ModelAdmin is generic only in the type stubs; subscripting it at run time fails.
if TYPE_CHECKING:
    _JobAdminBase = admin.ModelAdmin[Job]
else:
    _JobAdminBase = admin.ModelAdmin


@admin.register(Job)
class JobAdmin(_JobAdminBase):
    list_display = ["id", "kind", "state", "run_at", "attempts", "locked_by", "finished_at"]
    list_filter = ["state", "kind"]
    readonly_fields = ["created_at", "locked_at", "finished_at", "last_error"]
