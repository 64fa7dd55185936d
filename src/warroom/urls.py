"""Top-level URLs: the web UI, the JSON API and the admin."""

from django.contrib import admin
from django.urls import include, path

from warroom.api import api

urlpatterns = [
    path("", include("warroom.cases.urls")),
    path("accounts/", include("warroom.accounts.urls")),
    path("catalog/", include("warroom.catalog.urls")),
    path("comms/", include("warroom.statuspage.staff_urls")),
    path("clocks/", include("warroom.clocks.urls")),
    # The public status page: the same paths as its static export, under /status/.
    path("status/", include("warroom.statuspage.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
