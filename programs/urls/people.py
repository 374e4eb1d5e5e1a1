"""URLs of the people area, included under /o/<org_slug>/."""

from django.urls import path

from ..views import csv_import, enrolment, intake, reminders

urlpatterns = [
    # A cohort's people (admins write, leaders read)
    path(
        "cohorts/<int:cohort_id>/participants/",
        enrolment.cohort_participants,
        name="cohort_participants",
    ),
    path(
        "cohorts/<int:cohort_id>/participants/add/",
        enrolment.cohort_participant_add,
        name="cohort_participant_add",
    ),
    path(
        "cohorts/<int:cohort_id>/participants/invite/",
        enrolment.cohort_participant_invite,
        name="cohort_participant_invite",
    ),
    path("cohorts/<int:cohort_id>/import/", csv_import.cohort_import, name="cohort_import"),
    path(
        "cohorts/<int:cohort_id>/import/example.csv",
        csv_import.cohort_import_example,
        name="cohort_import_example",
    ),
    path("cohorts/<int:cohort_id>/intake/", reminders.cohort_intake, name="cohort_intake"),
    path(
        "cohorts/<int:cohort_id>/intake/remind/",
        reminders.cohort_intake_remind_all,
        name="cohort_intake_remind_all",
    ),
    path(
        "participants/<int:participant_id>/",
        intake.participant_detail,
        name="participant_detail",
    ),
    path(
        "participants/<int:participant_id>/status/",
        enrolment.participant_status,
        name="participant_status",
    ),
    path(
        "participants/<int:participant_id>/readiness/",
        intake.participant_readiness,
        name="participant_readiness",
    ),
    path(
        "participants/<int:participant_id>/remind/",
        reminders.participant_remind,
        name="participant_remind",
    ),
    # The participant's own pages
    path("me/programs/", intake.my_programs, name="my_programs"),
    path(
        "me/participations/<int:participant_id>/charter/",
        intake.participant_charter,
        name="participant_charter",
    ),
    path(
        "me/participations/<int:participant_id>/intake/",
        intake.participant_intake,
        name="participant_intake",
    ),
]
