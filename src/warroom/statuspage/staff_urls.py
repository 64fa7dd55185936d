"""Staff pages of the status page (/comms/): drafting, approving and publishing.

Every route under incidents/<code>/ answers 404 to a user who may not see the incident.
"""

from django.urls import path

from warroom.statuspage import staff_views as views

UPDATE = "incidents/<str:code>/updates/<str:update_code>"
NOTICE = "incidents/<str:code>/notices/<str:notice_code>"

urlpatterns = [
    path("", views.comms_index, name="comms-index"),
    path("incidents/new/", views.incident_new, name="comms-incident-new"),
    path("incidents/<str:code>/", views.incident_detail, name="comms-incident"),
    path("incidents/<str:code>/updates/", views.update_new, name="comms-update-new"),
    path(f"{UPDATE}/edit/", views.update_edit, name="comms-update-edit"),
    path(f"{UPDATE}/approve/", views.update_approve, name="comms-update-approve"),
    path(f"{UPDATE}/publish/", views.update_publish, name="comms-update-publish"),
    path(f"{UPDATE}/withdraw/", views.update_withdraw, name="comms-update-withdraw"),
    path("incidents/<str:code>/postmortem/", views.postmortem, name="comms-postmortem"),
    path("incidents/<str:code>/notices/", views.notice_new, name="comms-notice-new"),
    path(f"{NOTICE}/approve/", views.notice_approve, name="comms-notice-approve"),
    path(f"{NOTICE}/publish/", views.notice_publish, name="comms-notice-publish"),
    path(f"{NOTICE}/withdraw/", views.notice_withdraw, name="comms-notice-withdraw"),
    path("subscribers/", views.subscribers, name="comms-subscribers"),
]
