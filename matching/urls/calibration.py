"""URLs of calibration (the admin's page, a pair's fit question), under /o/<org_slug>/."""

from django.urls import path

from ..views import calibration as views

urlpatterns = [
    path("matching/calibration/", views.calibration, name="calibration"),
    path(
        "me/pairings/<int:pairing_id>/calibration/",
        views.pairing_calibration,
        name="pairing_calibration",
    ),
]
