"""Sidebar entries of the programs app. One block per area."""

from mentorship.tenancy.models import Role
from mentorship.tenancy.navigation import register_nav

# --- catalogue: programs, blueprints, cohorts
register_nav(
    "Programs",
    "Programs",
    "program_list",
    role=Role.LEADER,
    order=10,
    also_active=("program_create", "program_detail", "program_edit", "program_charter"),
)
register_nav(
    "Programs",
    "Cohorts",
    "cohort_list",
    role=Role.LEADER,
    order=20,
    also_active=(
        "cohort_create",
        "cohort_detail",
        "cohort_edit",
        "cohort_participants",
        "cohort_participant_add",
        "cohort_import",
        "cohort_intake",
    ),
)
register_nav(
    "Programs",
    "Blueprints",
    "blueprint_list",
    role=Role.ADMIN,
    order=30,
    also_active=(
        "blueprint_create",
        "blueprint_detail",
        "blueprint_edit",
        "blueprint_delete",
        "blueprint_phase_edit",
        "blueprint_phase_delete",
        "blueprint_activity_edit",
        "blueprint_activity_delete",
    ),
)

# --- people: enrolment, intake, my programs
register_nav(
    "Participate",
    "My programs",
    "my_programs",
    role=Role.MEMBER,
    order=10,
    also_active=("participant_intake", "participant_charter"),
)

# --- learning: competencies, resources, rubrics and assessments
register_nav(
    "Programs",
    "Competencies",
    "competency_list",
    role=Role.LEADER,
    order=60,
    also_active=(
        "competency_import",
        "competency_create",
        "competency_edit",
        "competency_delete",
        "competency_area_create",
        "competency_area_edit",
        "competency_area_delete",
        "competency_level_create",
        "competency_level_edit",
        "competency_level_delete",
    ),
)
register_nav(
    "Programs",
    "Resources",
    "resource_list",
    role=Role.LEADER,
    order=70,
    also_active=("resource_create", "resource_detail", "resource_edit", "resource_completion"),
)
register_nav(
    "Programs",
    "Rubrics",
    "rubric_list",
    role=Role.ADMIN,
    order=80,
    also_active=("rubric_create", "rubric_detail", "rubric_edit", "rubric_delete"),
)
register_nav(
    "Participate",
    "My resources",
    "my_resources",
    role=Role.MEMBER,
    order=40,
    also_active=("my_resource_detail",),
)
