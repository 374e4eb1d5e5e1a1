"""Services of blueprints: copies of the built-ins, phases and activities, and the cohorts
that follow them. Refusals name their field and leave nothing half-saved."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from mentorship.tenancy.models import AuditEvent
from programs.models import (
    Blueprint,
    BlueprintPhase,
    Cohort,
)
from programs.services import blueprints as blueprint_services
from programs.services import cohorts as cohort_services
from tests.programs.factories import (
    MONDAY,
    make_program,
)
from tests.programs.factories import (
    make_draft_cohort as make_cohort,
)

pytestmark = pytest.mark.django_db


Status = Cohort.Status


def _actions(org):
    return list(AuditEvent.objects.for_org(org).values_list("action", flat=True))


def _messages(excinfo, field=None):
    error = excinfo.value
    if field is None:
        return " ".join(error.messages)
    return " ".join(error.message_dict[field])


def test_a_second_copy_of_a_built_in_gets_its_own_name(org, admin):
    for _ in range(3):
        blueprint_services.blueprint_create_from_builtin(
            organization=org, key="plan-90-day", by=admin
        )
    names = sorted(Blueprint.objects.for_org(org).values_list("name", flat=True))
    assert names == [
        "90-day development plan",
        "90-day development plan (2)",
        "90-day development plan (3)",
    ]


def test_an_unknown_built_in_is_refused(org, admin):
    with pytest.raises(ValidationError):
        blueprint_services.blueprint_create_from_builtin(organization=org, key="nope", by=admin)


def test_phases_and_activities_are_edited_and_cohorts_follow(org, admin):
    program = make_program(org, blueprint_key="trainer-8-week")
    blueprint = program.blueprint
    live = make_cohort(org, program, status=Status.ACTIVE)
    done = make_cohort(org, program, status=Status.COMPLETED)
    cohort_services.cohort_generate_milestones(cohort=live)
    cohort_services.cohort_generate_milestones(cohort=done)

    phase = blueprint_services.blueprint_phase_create(
        blueprint=blueprint, name="Follow-up", start_week=9, end_week=10, by=admin
    )
    activity = blueprint_services.blueprint_activity_create(
        phase=phase, kind="checkin", title="Month-two check-in", by=admin
    )

    added = live.milestones.get(title="Month-two check-in")
    assert added.due_on == MONDAY + timedelta(days=7 * 10 - 1)  # the phase's end
    assert done.milestones.count() == 7

    blueprint_services.blueprint_activity_update(
        activity=activity, kind="checkin", title="Month-two check-in", due_week=9, by=admin
    )
    assert live.milestones.get(pk=added.pk).due_on == MONDAY + timedelta(days=7 * 9 - 1)

    blueprint_services.blueprint_activity_delete(activity=activity, by=admin)
    blueprint_services.blueprint_phase_delete(phase=phase, by=admin)
    assert live.milestones.count() == 7
    assert [a for a in _actions(org) if a.startswith("blueprint.")][:4] == [
        "blueprint.phase_deleted",
        "blueprint.activity_deleted",
        "blueprint.activity_updated",
        "blueprint.activity_added",
    ]


def test_an_activity_due_outside_its_phase_is_refused(org, admin):
    blueprint = blueprint_services.blueprint_create(organization=org, name="Mine", by=admin)
    phase = blueprint_services.blueprint_phase_create(
        blueprint=blueprint, name="Start", start_week=1, end_week=2, by=admin
    )
    with pytest.raises(ValidationError) as excinfo:
        blueprint_services.blueprint_activity_create(
            phase=phase, kind="module", title="Read", due_week=5, by=admin
        )
    assert "1 to 2" in _messages(excinfo, "due_week")
    assert not phase.activities.exists()


def test_a_phase_cannot_shrink_past_its_activities(org, admin):
    blueprint = blueprint_services.blueprint_create(organization=org, name="Mine", by=admin)
    phase = blueprint_services.blueprint_phase_create(
        blueprint=blueprint, name="Start", start_week=1, end_week=4, by=admin
    )
    blueprint_services.blueprint_activity_create(
        phase=phase, kind="module", title="Read", due_week=4, by=admin
    )
    with pytest.raises(ValidationError) as excinfo:
        blueprint_services.blueprint_phase_update(
            phase=phase, name="Start", start_week=1, end_week=2, by=admin
        )
    assert "Read" in _messages(excinfo, "end_week")
    assert BlueprintPhase.objects.for_org(org).get().end_week == 4


def test_a_phase_cannot_end_before_it_starts(org, admin):
    blueprint = blueprint_services.blueprint_create(organization=org, name="Mine", by=admin)
    with pytest.raises(ValidationError) as excinfo:
        blueprint_services.blueprint_phase_create(
            blueprint=blueprint, name="Odd", start_week=3, end_week=2, by=admin
        )
    assert "end_week" in excinfo.value.message_dict


def test_a_blueprint_a_program_follows_is_not_deleted(org, admin):
    program = make_program(org, name="Trainers", blueprint_key="trainer-8-week")
    with pytest.raises(ValidationError) as excinfo:
        blueprint_services.blueprint_delete(blueprint=program.blueprint, by=admin)
    assert "Trainers" in _messages(excinfo)
    spare = blueprint_services.blueprint_create(organization=org, name="Spare", by=admin)
    blueprint_services.blueprint_delete(blueprint=spare, by=admin)
    assert Blueprint.objects.for_org(org).count() == 1


# --- issue 8: a program from a built-in blueprint again reuses the unedited copy ------------


def test_programs_from_the_same_builtin_share_its_unedited_copy(org, admin):
    from programs.models import Blueprint
    from programs.services import programs as program_services

    def create(name):
        return program_services.program_create(
            organization=org, name=name, purpose="Grow", by=admin, blueprint_key="plan-90-day"
        )

    first, second = create("First"), create("Second")
    assert first.blueprint_id == second.blueprint_id
    names = list(Blueprint.objects.for_org(org).values_list("name", flat=True))
    assert len(names) == 1 and "(2)" not in names[0]


def test_an_edited_copy_is_not_reused(org, admin):
    from programs.models import Blueprint
    from programs.services import programs as program_services

    def create(name):
        return program_services.program_create(
            organization=org, name=name, purpose="Grow", by=admin, blueprint_key="plan-90-day"
        )

    first = create("First")
    phase = first.blueprint.phases.first()
    phase.name = "Our own first phase"
    phase.save()
    second = create("Second")
    assert second.blueprint_id != first.blueprint_id
    assert Blueprint.objects.for_org(org).count() == 2
