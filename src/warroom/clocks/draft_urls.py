"""Routes of the drafts, included by `warroom.clocks.urls`; every one answers outsiders 404."""

from django.urls import path

from warroom.clocks import draft_views

urlpatterns = [
    path("case/<str:ref>/<int:pk>/draft/", draft_views.draft_edit, name="clock-draft"),
    path(
        "case/<str:ref>/<int:pk>/draft.md",
        draft_views.draft_markdown,
        name="clock-draft-md",
    ),
    path(
        "case/<str:ref>/<int:pk>/draft.pdf",
        draft_views.draft_pdf,
        name="clock-draft-pdf",
    ),
]
