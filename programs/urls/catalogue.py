"""URLs of the catalogue area, included under /o/<org_slug>/."""

from django.urls import path

from ..views import catalogue as views

urlpatterns = [
    # Programs (P1) and their charter
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:program_id>/", views.program_detail, name="program_detail"),
    path("programs/<int:program_id>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:program_id>/archive/", views.program_archive, name="program_archive"),
    path(
        "programs/<int:program_id>/unarchive/",
        views.program_unarchive,
        name="program_unarchive",
    ),
    path("programs/<int:program_id>/charter/", views.program_charter, name="program_charter"),
    # Cohorts (P4)
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:cohort_id>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:cohort_id>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:cohort_id>/stage/", views.cohort_transition, name="cohort_transition"),
    # Blueprints (P2)
    path("blueprints/", views.blueprint_list, name="blueprint_list"),
    path("blueprints/new/", views.blueprint_create, name="blueprint_create"),
    path("blueprints/<int:blueprint_id>/", views.blueprint_detail, name="blueprint_detail"),
    path("blueprints/<int:blueprint_id>/edit/", views.blueprint_edit, name="blueprint_edit"),
    path("blueprints/<int:blueprint_id>/delete/", views.blueprint_delete, name="blueprint_delete"),
    path(
        "blueprints/<int:blueprint_id>/phases/new/",
        views.blueprint_phase_create,
        name="blueprint_phase_create",
    ),
    path(
        "blueprints/phases/<int:blueprintphase_id>/edit/",
        views.blueprint_phase_edit,
        name="blueprint_phase_edit",
    ),
    path(
        "blueprints/phases/<int:blueprintphase_id>/delete/",
        views.blueprint_phase_delete,
        name="blueprint_phase_delete",
    ),
    path(
        "blueprints/phases/<int:blueprintphase_id>/activities/new/",
        views.blueprint_activity_create,
        name="blueprint_activity_create",
    ),
    path(
        "blueprints/activities/<int:blueprintactivity_id>/edit/",
        views.blueprint_activity_edit,
        name="blueprint_activity_edit",
    ),
    path(
        "blueprints/activities/<int:blueprintactivity_id>/delete/",
        views.blueprint_activity_delete,
        name="blueprint_activity_delete",
    ),
]
