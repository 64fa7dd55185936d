from django.urls import path

from warroom.cases import views

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("cases/<str:ref>/", views.case_detail, name="case-detail"),
]
