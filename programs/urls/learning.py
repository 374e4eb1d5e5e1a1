"""URLs of the learning area, included under /o/<org_slug>/."""

from django.urls import path

from ..views import assessments, competencies, resources

urlpatterns = [
    # Competencies (P3)
    path("competencies/", competencies.competency_list, name="competency_list"),
    path("competencies/export.csv", competencies.competency_export, name="competency_export"),
    path(
        "competencies/levels.csv",
        competencies.competency_level_export,
        name="competency_level_export",
    ),
    path("competencies/import/", competencies.competency_import, name="competency_import"),
    path("competencies/starter/", competencies.competency_starter, name="competency_starter"),
    path("competencies/new/", competencies.competency_create, name="competency_create"),
    path(
        "competencies/<int:competency_id>/edit/",
        competencies.competency_edit,
        name="competency_edit",
    ),
    path(
        "competencies/<int:competency_id>/delete/",
        competencies.competency_delete,
        name="competency_delete",
    ),
    path(
        "competencies/areas/new/",
        competencies.competency_area_create,
        name="competency_area_create",
    ),
    path(
        "competencies/areas/<int:competencyarea_id>/edit/",
        competencies.competency_area_edit,
        name="competency_area_edit",
    ),
    path(
        "competencies/areas/<int:competencyarea_id>/delete/",
        competencies.competency_area_delete,
        name="competency_area_delete",
    ),
    path(
        "competencies/levels/new/",
        competencies.competency_level_create,
        name="competency_level_create",
    ),
    path(
        "competencies/levels/<int:competencylevel_id>/edit/",
        competencies.competency_level_edit,
        name="competency_level_edit",
    ),
    path(
        "competencies/levels/<int:competencylevel_id>/delete/",
        competencies.competency_level_delete,
        name="competency_level_delete",
    ),
    # Resources (P7)
    path("resources/", resources.resource_list, name="resource_list"),
    path("resources/new/", resources.resource_create, name="resource_create"),
    path("resources/completion/", resources.resource_completion, name="resource_completion"),
    path("resources/<int:resource_id>/", resources.resource_detail, name="resource_detail"),
    path("resources/<int:resource_id>/edit/", resources.resource_edit, name="resource_edit"),
    path("resources/<int:resource_id>/assign/", resources.resource_assign, name="resource_assign"),
    path(
        "resources/<int:resource_id>/archive/", resources.resource_archive, name="resource_archive"
    ),
    path(
        "resources/<int:resource_id>/restore/", resources.resource_restore, name="resource_restore"
    ),
    path(
        "resources/assignments/<int:resourceassignment_id>/remove/",
        resources.resource_unassign,
        name="resource_unassign",
    ),
    path("me/resources/", resources.my_resources, name="my_resources"),
    path(
        "me/resources/<int:resource_id>/", resources.my_resource_detail, name="my_resource_detail"
    ),
    path(
        "me/resources/<int:resource_id>/done/", resources.my_resource_done, name="my_resource_done"
    ),
    # Rubrics and assessments (P8)
    path("rubrics/", assessments.rubric_list, name="rubric_list"),
    path("rubrics/new/", assessments.rubric_create, name="rubric_create"),
    path("rubrics/example/", assessments.rubric_example, name="rubric_example"),
    path("rubrics/<int:rubric_id>/", assessments.rubric_detail, name="rubric_detail"),
    path("rubrics/<int:rubric_id>/edit/", assessments.rubric_edit, name="rubric_edit"),
    path("rubrics/<int:rubric_id>/delete/", assessments.rubric_delete, name="rubric_delete"),
    path(
        "participants/<int:participant_id>/assessments/",
        assessments.participant_assessments,
        name="participant_assessments",
    ),
    path(
        "participants/<int:participant_id>/assessments/new/",
        assessments.assessment_create,
        name="assessment_create",
    ),
]
