"""Routes of the clock pages, mounted at /clocks/. Every route under case/<ref>/ answers
outsiders 404. The drafts' routes are in `draft_urls.py`, included here."""

from django.urls import include, path

from warroom.clocks import views

urlpatterns = [
    path("", views.clock_dashboard, name="clock-dashboard"),
    path("case/<str:ref>/", views.case_clocks, name="case-clocks"),
    path("case/<str:ref>/recompute/", views.case_recompute, name="case-clocks-recompute"),
    path("case/<str:ref>/<int:pk>/", views.obligation_detail, name="clock-obligation"),
    path("case/<str:ref>/<int:pk>/submit/", views.obligation_submit, name="clock-submit"),
    path(
        "case/<str:ref>/<int:pk>/not-applicable/",
        views.obligation_not_applicable,
        name="clock-not-applicable",
    ),
    path("case/<str:ref>/<int:pk>/reopen/", views.obligation_reopen, name="clock-reopen"),
    path(
        "case/<str:ref>/<int:pk>/submissions/<int:sid>/file/",
        views.submission_file,
        name="clock-submission-file",
    ),
    path("", include("warroom.clocks.draft_urls")),
]
