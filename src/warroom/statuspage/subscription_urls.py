"""Public subscription routes: subscribe, confirm, unsubscribe (mounted under /status/).

They live beside the page's files but are served only by the live app: the static export
posts its subscribe form to STATUS_SUBSCRIBE_URL, and mail links point there too (`mail.py`).
"""

from django.urls import path

from warroom.statuspage import subscriptions

urlpatterns = [
    path("subscribe/", subscriptions.subscribe_view, name="status-subscribe"),
    path("subscribe/confirm/<str:token>/", subscriptions.confirm_view, name="status-confirm"),
    path("unsubscribe/<str:token>/", subscriptions.unsubscribe_view, name="status-unsubscribe"),
]
