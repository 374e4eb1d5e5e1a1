"""Matching URLs under /o/<org_slug>/: one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("matching.urls.runs")),
    path("", include("matching.urls.calibration")),
    path("", include("matching.urls.rematch")),
    path("", include("matching.urls.responsiveness")),
    path("", include("matching.urls.circles")),
    path("", include("matching.urls.topic_mentors")),
    path("", include("matching.urls.directory")),
]
