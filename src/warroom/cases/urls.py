"""The case pages. Every route under cases/<ref>/ answers outsiders 404 (test_outsider_gets_404)."""

from django.urls import path

from warroom.cases import evidence_views, member_views, views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<str:ref>/", views.case_detail, name="case-detail"),
    path("cases/<str:ref>/phase/", views.case_phase, name="case-phase"),
    path("cases/<str:ref>/severity/", views.case_severity, name="case-severity"),
    path("cases/<str:ref>/timeline/add/", views.timeline_add, name="timeline-add"),
    path("cases/<str:ref>/assets/add/", views.asset_add, name="asset-add"),
    path("cases/<str:ref>/assets/<int:pk>/state/", views.asset_state, name="asset-state"),
    path("cases/<str:ref>/indicators/add/", views.indicator_add, name="indicator-add"),
    path("cases/<str:ref>/evidence/add/", evidence_views.evidence_add, name="evidence-add"),
    path(
        "cases/<str:ref>/evidence/<int:pk>/",
        evidence_views.evidence_detail,
        name="evidence-detail",
    ),
    path(
        "cases/<str:ref>/evidence/<int:pk>/download/",
        evidence_views.evidence_download,
        name="evidence-download",
    ),
    path("cases/<str:ref>/tasks/add/", views.task_add, name="task-add"),
    path("cases/<str:ref>/tasks/<int:pk>/", views.task_update, name="task-update"),
    path("cases/<str:ref>/actions/add/", views.action_add, name="action-add"),
    path("cases/<str:ref>/actions/<int:pk>/approve/", views.action_approve, name="action-approve"),
    path("cases/<str:ref>/actions/<int:pk>/reject/", views.action_reject, name="action-reject"),
    path("cases/<str:ref>/actions/<int:pk>/done/", views.action_done, name="action-done"),
    path("cases/<str:ref>/members/add/", member_views.member_add, name="member-add"),
    path(
        "cases/<str:ref>/members/<int:pk>/remove/",
        member_views.member_remove,
        name="member-remove",
    ),
]
