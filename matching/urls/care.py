"""URLs of the matching care area, under /o/<org_slug>/."""

from django.urls import path

from ..views import care

urlpatterns = [
    path("matching/calibration/", care.calibration, name="care_calibration"),
    path(
        "matching/calibration/<int:pairing_id>/repair/",
        care.pairing_repair,
        name="care_repair",
    ),
    path(
        "matching/reports/<int:unresponsivereport_id>/resolve/",
        care.report_resolve,
        name="care_report_resolve",
    ),
    path(
        "matching/rematch-requests/<int:rematchrequest_id>/resolve/",
        care.rematch_resolve,
        name="care_rematch_resolve",
    ),
    path("cohorts/<int:cohort_id>/circles/", care.cohort_circles, name="cohort_circles"),
    path(
        "cohorts/<int:cohort_id>/topic-mentors/",
        care.cohort_topic_mentors,
        name="cohort_topic_mentors",
    ),
    path(
        "matching/topic-mentors/<int:pairing_id>/end/",
        care.topic_mentor_end,
        name="topic_mentor_end",
    ),
    path(
        "me/pairings/<int:pairing_id>/calibration/",
        care.pairing_calibration,
        name="pairing_calibration",
    ),
    path("me/pairings/<int:pairing_id>/rematch/", care.pairing_rematch, name="pairing_rematch"),
    path("me/pairings/<int:pairing_id>/report/", care.pairing_report, name="pairing_report"),
    path("me/pairings/<int:pairing_id>/met/", care.pairing_met, name="pairing_met"),
]
