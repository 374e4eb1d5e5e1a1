"""URLs of the learning area, included under /o/<org_slug>/."""

from django.urls import path

from ..views import learning as views

urlpatterns = [
    # Competencies (P3)
    path("competencies/", views.competency_list, name="competency_list"),
    path("competencies/export.csv", views.competency_export, name="competency_export"),
    path("competencies/levels.csv", views.competency_level_export, name="competency_level_export"),
    path("competencies/import/", views.competency_import, name="competency_import"),
    path("competencies/starter/", views.competency_starter, name="competency_starter"),
    path("competencies/new/", views.competency_create, name="competency_create"),
    path("competencies/<int:competency_id>/edit/", views.competency_edit, name="competency_edit"),
    path(
        "competencies/<int:competency_id>/delete/",
        views.competency_delete,
        name="competency_delete",
    ),
    path("competencies/areas/new/", views.competency_area_create, name="competency_area_create"),
    path(
        "competencies/areas/<int:competencyarea_id>/edit/",
        views.competency_area_edit,
        name="competency_area_edit",
    ),
    path(
        "competencies/areas/<int:competencyarea_id>/delete/",
        views.competency_area_delete,
        name="competency_area_delete",
    ),
    path("competencies/levels/new/", views.competency_level_create, name="competency_level_create"),
    path(
        "competencies/levels/<int:competencylevel_id>/edit/",
        views.competency_level_edit,
        name="competency_level_edit",
    ),
    path(
        "competencies/levels/<int:competencylevel_id>/delete/",
        views.competency_level_delete,
        name="competency_level_delete",
    ),
    # Resources (P7)
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/completion/", views.resource_completion, name="resource_completion"),
    path("resources/<int:resource_id>/", views.resource_detail, name="resource_detail"),
    path("resources/<int:resource_id>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:resource_id>/assign/", views.resource_assign, name="resource_assign"),
    path("resources/<int:resource_id>/archive/", views.resource_archive, name="resource_archive"),
    path("resources/<int:resource_id>/restore/", views.resource_restore, name="resource_restore"),
    path(
        "resources/assignments/<int:resourceassignment_id>/remove/",
        views.resource_unassign,
        name="resource_unassign",
    ),
    path("me/resources/", views.my_resources, name="my_resources"),
    path("me/resources/<int:resource_id>/", views.my_resource_detail, name="my_resource_detail"),
    path("me/resources/<int:resource_id>/done/", views.my_resource_done, name="my_resource_done"),
    # Rubrics and assessments (P8)
    path("rubrics/", views.rubric_list, name="rubric_list"),
    path("rubrics/new/", views.rubric_create, name="rubric_create"),
    path("rubrics/example/", views.rubric_example, name="rubric_example"),
    path("rubrics/<int:rubric_id>/", views.rubric_detail, name="rubric_detail"),
    path("rubrics/<int:rubric_id>/edit/", views.rubric_edit, name="rubric_edit"),
    path("rubrics/<int:rubric_id>/delete/", views.rubric_delete, name="rubric_delete"),
    path(
        "participants/<int:participant_id>/assessments/",
        views.participant_assessments,
        name="participant_assessments",
    ),
    path(
        "participants/<int:participant_id>/assessments/new/",
        views.assessment_create,
        name="assessment_create",
    ),
]
