"""Programs URLs under /o/<org_slug>/: one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("programs.urls_catalogue")),
    path("", include("programs.urls_people")),
    path("", include("programs.urls_learning")),
]
