"""Programs URLs under /o/<org_slug>/: one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("programs.urls.catalogue")),
    path("", include("programs.urls.people")),
    path("", include("programs.urls.learning")),
]
