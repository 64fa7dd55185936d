"""URLs of the catalog app, under /catalog/."""

from django.urls import path

from warroom.catalog import views

urlpatterns = [
    path("", views.component_list, name="component-list"),
    path("components/<str:code>/", views.component_detail, name="component-detail"),
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/<int:pk>/", views.customer_detail, name="customer-detail"),
    path(
        "customers/<int:pk>/rotate-link/",
        views.customer_rotate_link,
        name="customer-rotate-link",
    ),
]
