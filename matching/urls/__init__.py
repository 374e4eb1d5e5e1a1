"""Matching URLs under /o/<org_slug>/: one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("matching.urls.runs")),
    path("", include("matching.urls.care")),
    path("", include("matching.urls.directory")),
]
