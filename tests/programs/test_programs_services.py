"""Services of programs and the reads of their charter. Refusals are tested as carefully as
what is allowed: each names its field and leaves nothing half-saved."""

import pytest
from django.core.exceptions import ValidationError

from mentorship.tenancy.models import AUDIT_ACTIONS, AuditEvent
from mentorship.tenancy.scoping import OTHER_ORGANIZATION
from programs.models import (
    Blueprint,
    BlueprintActivity,
    CharterAcknowledgement,
    Cohort,
    Program,
)
from programs.selectors import charter as charter_selectors
from programs.services import blueprints as blueprint_services
from programs.services import programs as program_services
from programs.services.intake import participant_charter_acknowledge
from tests.programs.factories import (
    MONDAY,
    RubricFactory,
    enrol,
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


def test_the_audit_words_are_registered():
    for action in [
        "program.created",
        "program.updated",
        "program.archived",
        "program.unarchived",
        "blueprint.created",
        "blueprint.phase_added",
        "blueprint.activity_deleted",
        "cohort.created",
        "cohort.updated",
        "cohort.status_changed",
    ]:
        assert action in AUDIT_ACTIONS


@pytest.mark.parametrize(
    ("program_format", "ratio"),
    [(Program.Format.COHORT, 6), (Program.Format.ONE_TO_ONE, 1), (Program.Format.MICRO, 3)],
)
def test_a_new_program_takes_its_formats_ratio_when_left_empty(org, admin, program_format, ratio):
    program = program_services.program_create(
        organization=org, name="P", purpose="Why", format=program_format, by=admin
    )
    assert program.mentees_per_mentor == ratio
    assert (program.micro_touch_cap, program.cadence_days, program.charter_version) == (2, 14, 1)


def test_an_explicit_ratio_is_kept(org, admin):
    program = program_services.program_create(
        organization=org,
        name="P",
        purpose="Why",
        format=Program.Format.COHORT,
        mentees_per_mentor=4,
        by=admin,
    )
    assert program.mentees_per_mentor == 4


def test_a_program_from_a_built_in_blueprint_gets_its_own_copy(org, admin):
    program = program_services.program_create(
        organization=org,
        name="New Trainer Onboarding",
        purpose="Onboard trainers.",
        indicators=["technique_consistency", "cadence", "cadence"],
        blueprint_key="trainer-8-week",
        by=admin,
    )

    blueprint = program.blueprint
    assert blueprint.organization == org
    assert blueprint.source_key == "trainer-8-week"
    phases = list(blueprint.phases.all())
    assert [(p.name, p.start_week, p.end_week) for p in phases] == [
        ("Baseline", 1, 2),
        ("Paired practice", 3, 6),
        ("Independent coaching", 7, 8),
    ]
    assert BlueprintActivity.objects.for_org(org).count() == 7
    assert program.indicators == ["cadence", "technique_consistency"]  # catalogue order, once
    assert _actions(org) == ["program.created", "blueprint.created"]


def test_unknown_indicators_are_refused_and_nothing_is_saved(org, admin):
    with pytest.raises(ValidationError) as excinfo:
        program_services.program_create(
            organization=org,
            name="P",
            purpose="Why",
            indicators=["cadence", "happiness"],
            blueprint_key="trainer-8-week",
            by=admin,
        )
    assert "happiness" in _messages(excinfo, "indicators")
    assert not Program.objects.for_org(org).exists()
    assert not Blueprint.objects.for_org(org).exists()  # the copy waits for validation


def test_another_organisations_blueprint_or_rubric_is_refused(org, other_org, admin):
    theirs = blueprint_services.blueprint_create(organization=other_org, name="Theirs", by=None)
    with pytest.raises(ValidationError) as excinfo:
        program_services.program_create(
            organization=org, name="P", purpose="W", blueprint=theirs, by=admin
        )
    assert excinfo.value.message_dict["blueprint"] == [OTHER_ORGANIZATION]
    assert not Program.objects.for_org(org).exists()
    their_rubric = RubricFactory(organization=other_org)
    with pytest.raises(ValidationError) as excinfo:
        program_services.program_create(
            organization=org, name="P", purpose="W", rubric=their_rubric, by=admin
        )
    assert excinfo.value.message_dict["rubric"] == [OTHER_ORGANIZATION]
    assert not Program.objects.for_org(org).exists()


def test_an_update_to_another_organisations_blueprint_is_refused_and_changes_nothing(
    org, other_org, admin
):
    program = make_program(org, name="Mine")
    theirs = blueprint_services.blueprint_create(organization=other_org, name="Theirs", by=None)
    with pytest.raises(ValidationError) as excinfo:
        program_services.program_update(program=program, name="Renamed", blueprint=theirs, by=admin)
    assert excinfo.value.message_dict["blueprint"] == [OTHER_ORGANIZATION]
    fresh = Program.objects.for_org(org).get(pk=program.pk)
    assert (fresh.name, fresh.blueprint_id) == ("Mine", None)
    assert "program.updated" not in _actions(org)


def test_a_blank_name_is_refused_on_its_field(org, admin):
    with pytest.raises(ValidationError) as excinfo:
        program_services.program_create(organization=org, name="  ", purpose="Why", by=admin)
    assert "name" in excinfo.value.message_dict


def test_changing_the_charter_starts_a_new_version(org, admin):
    program = make_program(org)

    program_services.program_update(program=program, cadence_days=7, by=admin)
    assert program.charter_version == 1
    program_services.program_update(
        program=program, confidentiality="Nothing leaves the room.", by=admin
    )

    program.refresh_from_db()
    assert program.charter_version == 2
    events = AuditEvent.objects.for_org(org).filter(action="program.updated").order_by("pk")
    assert [e.data for e in events] == [
        {"cadence_days": [14, 7]},
        {
            "confidentiality": [
                "What is said in a session stays there.",
                "Nothing leaves the room.",
            ],
            "charter_version": [1, 2],
        },
    ]


def test_an_update_that_changes_nothing_records_nothing(org, admin):
    program = make_program(org, cadence_days=10)
    program_services.program_update(program=program, cadence_days=10, name=program.name, by=admin)
    assert _actions(org) == []


def test_a_refused_update_saves_nothing(org, admin):
    program = make_program(org)
    with pytest.raises(ValidationError) as excinfo:
        program_services.program_update(
            program=program, micro_touch_cap=40, name="New name", by=admin
        )
    assert "micro_touch_cap" in excinfo.value.message_dict
    assert Program.objects.for_org(org).get().name != "New name"


def test_a_new_blueprint_re_dates_the_programs_cohorts(org, admin):
    program = make_program(org)
    cohort = make_cohort(org, program, starts_on=MONDAY)
    completed = make_cohort(org, program, status=Status.COMPLETED)
    assert not cohort.milestones.exists()

    program_services.program_update(program=program, blueprint_key="plan-90-day", by=admin)

    assert cohort.milestones.count() == 6
    assert not completed.milestones.exists()  # history stays as it was


def test_archiving_is_refused_while_a_cohort_runs(org, admin):
    program = make_program(org)
    make_cohort(org, program, name="Spring", status=Status.ACTIVE)
    with pytest.raises(ValidationError) as excinfo:
        program_services.program_archive(program=program, by=admin)
    assert "Spring" in _messages(excinfo)
    program.refresh_from_db()
    assert program.archived_at is None


def test_archive_and_restore(org, admin):
    program = make_program(org)
    make_cohort(org, program, status=Status.COMPLETED)
    program_services.program_archive(program=program, by=admin)
    assert Program.objects.for_org(org).active().count() == 0
    program_services.program_unarchive(program=program, by=admin)
    assert Program.objects.for_org(org).active().count() == 1
    assert _actions(org) == ["program.unarchived", "program.archived"]


def test_the_charter_is_acknowledged_per_version(org, admin, member):
    program = make_program(org)
    participant = enrol(make_cohort(org, program), user=member)
    assert not charter_selectors.charter_acknowledged(program=program, user=member)

    participant_charter_acknowledge(participant=participant)
    assert charter_selectors.charter_acknowledged(program=program, user=member)

    program_services.program_update(program=program, escalation_path="Ask HR.", by=admin)
    assert not charter_selectors.charter_acknowledged(program=program, user=member)
    assert CharterAcknowledgement.objects.for_org(org).count() == 1


def test_a_program_without_a_charter_needs_no_acknowledgement(org, member):
    program = make_program(org, charter=False)
    assert charter_selectors.charter_acknowledged(program=program, user=member)


def test_only_participants_acknowledge(org, member):
    program = make_program(org)
    withdrawn = enrol(make_cohort(org, program), user=member, status="withdrawn")
    with pytest.raises(ValidationError):
        participant_charter_acknowledge(participant=withdrawn)
    assert charter_selectors.charter_participation(program=program, user=member) is None
    assert withdrawn.pk and not CharterAcknowledgement.objects.for_org(org).exists()


def test_charter_participants_marks_who_acknowledged(org, member):
    program = make_program(org)
    cohort = make_cohort(org, program)
    participant = enrol(cohort, user=member)
    other = enrol(cohort)
    participant_charter_acknowledge(participant=participant)
    rows = {
        p.user_id: p.acknowledged for p in charter_selectors.charter_participants(program=program)
    }
    assert rows == {member.pk: True, other.user_id: False}
