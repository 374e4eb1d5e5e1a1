"""URLs of the catalogue area, included under /o/<org_slug>/."""

from django.urls import path

from ..views import blueprints, cohorts, programs, reminder_settings

urlpatterns = [
    # Programs (P1) and their charter
    path("programs/", programs.program_list, name="program_list"),
    path("programs/new/", programs.program_create, name="program_create"),
    path("programs/<int:program_id>/", programs.program_detail, name="program_detail"),
    path("programs/<int:program_id>/edit/", programs.program_edit, name="program_edit"),
    path("programs/<int:program_id>/archive/", programs.program_archive, name="program_archive"),
    path(
        "programs/<int:program_id>/unarchive/",
        programs.program_unarchive,
        name="program_unarchive",
    ),
    path("programs/<int:program_id>/charter/", programs.program_charter, name="program_charter"),
    path(
        "programs/<int:program_id>/reminders/",
        reminder_settings.program_reminders,
        name="program_reminders",
    ),
    # Cohorts (P4)
    path("cohorts/", cohorts.cohort_list, name="cohort_list"),
    path("cohorts/new/", cohorts.cohort_create, name="cohort_create"),
    path("cohorts/<int:cohort_id>/", cohorts.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:cohort_id>/edit/", cohorts.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:cohort_id>/stage/", cohorts.cohort_transition, name="cohort_transition"),
    # Blueprints (P2)
    path("blueprints/", blueprints.blueprint_list, name="blueprint_list"),
    path("blueprints/new/", blueprints.blueprint_create, name="blueprint_create"),
    path("blueprints/<int:blueprint_id>/", blueprints.blueprint_detail, name="blueprint_detail"),
    path("blueprints/<int:blueprint_id>/edit/", blueprints.blueprint_edit, name="blueprint_edit"),
    path(
        "blueprints/<int:blueprint_id>/delete/",
        blueprints.blueprint_delete,
        name="blueprint_delete",
    ),
    path(
        "blueprints/<int:blueprint_id>/phases/new/",
        blueprints.blueprint_phase_create,
        name="blueprint_phase_create",
    ),
    path(
        "blueprints/phases/<int:blueprintphase_id>/edit/",
        blueprints.blueprint_phase_edit,
        name="blueprint_phase_edit",
    ),
    path(
        "blueprints/phases/<int:blueprintphase_id>/delete/",
        blueprints.blueprint_phase_delete,
        name="blueprint_phase_delete",
    ),
    path(
        "blueprints/phases/<int:blueprintphase_id>/activities/new/",
        blueprints.blueprint_activity_create,
        name="blueprint_activity_create",
    ),
    path(
        "blueprints/activities/<int:blueprintactivity_id>/edit/",
        blueprints.blueprint_activity_edit,
        name="blueprint_activity_edit",
    ),
    path(
        "blueprints/activities/<int:blueprintactivity_id>/delete/",
        blueprints.blueprint_activity_delete,
        name="blueprint_activity_delete",
    ),
]
