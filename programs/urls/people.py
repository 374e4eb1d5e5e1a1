"""URLs of the people area, included under /o/<org_slug>/."""

from django.urls import path

from ..views import people as views

urlpatterns = [
    # A cohort's people (admins write, leaders read)
    path(
        "cohorts/<int:cohort_id>/participants/",
        views.cohort_participants,
        name="cohort_participants",
    ),
    path(
        "cohorts/<int:cohort_id>/participants/add/",
        views.cohort_participant_add,
        name="cohort_participant_add",
    ),
    path(
        "cohorts/<int:cohort_id>/participants/invite/",
        views.cohort_participant_invite,
        name="cohort_participant_invite",
    ),
    path("cohorts/<int:cohort_id>/import/", views.cohort_import, name="cohort_import"),
    path(
        "cohorts/<int:cohort_id>/import/example.csv",
        views.cohort_import_example,
        name="cohort_import_example",
    ),
    path("cohorts/<int:cohort_id>/intake/", views.cohort_intake, name="cohort_intake"),
    path(
        "cohorts/<int:cohort_id>/intake/remind/",
        views.cohort_intake_remind_all,
        name="cohort_intake_remind_all",
    ),
    path(
        "participants/<int:participant_id>/",
        views.participant_detail,
        name="participant_detail",
    ),
    path(
        "participants/<int:participant_id>/status/",
        views.participant_status,
        name="participant_status",
    ),
    path(
        "participants/<int:participant_id>/readiness/",
        views.participant_readiness,
        name="participant_readiness",
    ),
    path(
        "participants/<int:participant_id>/remind/",
        views.participant_remind,
        name="participant_remind",
    ),
    # The participant's own pages
    path("me/programs/", views.my_programs, name="my_programs"),
    path(
        "me/participations/<int:participant_id>/charter/",
        views.participant_charter,
        name="participant_charter",
    ),
    path(
        "me/participations/<int:participant_id>/intake/",
        views.participant_intake,
        name="participant_intake",
    ),
]
