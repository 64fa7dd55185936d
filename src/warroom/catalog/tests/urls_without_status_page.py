"""The site's URLs without the public status page, as before it had a customer page."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("warroom.cases.urls")),
    path("accounts/", include("warroom.accounts.urls")),
    path("catalog/", include("warroom.catalog.urls")),
    path("admin/", admin.site.urls),
]
