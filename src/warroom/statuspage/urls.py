"""The public status page under /status/: the same paths as its static export.

Subscription routes come first, then a customer's own page; every other path is a file of the
rendered site (`status-file`), or 404.
"""

from django.urls import include, path

from warroom.statuspage import views

urlpatterns = [
    path("", views.status_index, name="status-index"),
    path("", include("warroom.statuspage.subscription_urls")),
    path("c/<str:token>/", views.status_customer, name="status-customer"),
    path("<path:path>", views.status_file, name="status-file"),
]
