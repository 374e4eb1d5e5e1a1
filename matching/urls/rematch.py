"""URLs of re-pairing and rematch requests, under /o/<org_slug>/."""

from django.urls import path

from ..views import rematch as views

urlpatterns = [
    path(
        "matching/calibration/<int:pairing_id>/repair/",
        views.pairing_repair,
        name="pairing_repair",
    ),
    path(
        "matching/rematch-requests/<int:rematchrequest_id>/resolve/",
        views.rematch_request_resolve,
        name="rematch_request_resolve",
    ),
    path("me/pairings/<int:pairing_id>/rematch/", views.pairing_rematch, name="pairing_rematch"),
]
