"""URLs of unresponsive-partner reports, under /o/<org_slug>/."""

from django.urls import path

from ..views import responsiveness as views

urlpatterns = [
    path(
        "matching/reports/<int:unresponsivereport_id>/resolve/",
        views.unresponsive_report_resolve,
        name="unresponsive_report_resolve",
    ),
    path("me/pairings/<int:pairing_id>/report/", views.pairing_report, name="pairing_report"),
]
