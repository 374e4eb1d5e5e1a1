"""Services of the catalogue area: programs, the charter, blueprints, cohorts, their lifecycle
and milestones. Refusals are tested as carefully as what is allowed: each names its field
and leaves nothing half-saved."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from matching.models import Pairing
from mentorship.tenancy.models import AUDIT_ACTIONS, AuditEvent
from mentorship.tenancy.scoping import OTHER_ORGANIZATION
from programs.models import (
    Blueprint,
    BlueprintActivity,
    BlueprintPhase,
    CharterAcknowledgement,
    Cohort,
    Milestone,
    Participant,
    Program,
)
from programs.selectors import charter as charter_selectors
from programs.selectors import programs as program_selectors
from programs.services import blueprints as blueprint_services
from programs.services import cohorts as cohort_services
from programs.services import enrolment
from programs.services import programs as program_services
from programs.services.intake import participant_charter_acknowledge
from tests.programs.factories import (
    MONDAY,
    RubricFactory,
    enrol,
    make_person,
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


# --- programs ------------------------------------------------------------------------------


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


# --- the charter ---------------------------------------------------------------------------


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


# --- blueprints ----------------------------------------------------------------------------


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


# --- cohorts -------------------------------------------------------------------------------


def _facilitators(cohort):
    return list(
        cohort.participants.filter(role=Participant.Role.FACILITATOR).values_list(
            "user_id", "status"
        )
    )


def test_a_cohorts_facilitator_takes_part_as_a_facilitator(org, admin):
    """Cohort.facilitator and the participants agree: the counts show the facilitator."""
    program = make_program(org)
    first, second = make_person(org), make_person(org)
    cohort = cohort_services.cohort_create(
        program=program,
        name="Spring",
        starts_on=MONDAY,
        ends_on=MONDAY + timedelta(days=55),
        facilitator=first,
        by=admin,
    )
    assert _facilitators(cohort) == [(first.pk, "active")]
    assert program_selectors.cohort_counts(cohort=cohort)["facilitators"] == 1

    cohort_services.cohort_update(cohort=cohort, facilitator=second, by=admin)
    assert sorted(_facilitators(cohort)) == sorted([(first.pk, "active"), (second.pk, "active")])
    # Saving again without a change enrols no one twice.
    cohort_services.cohort_update(cohort=cohort, facilitator=second, name="Spring!", by=admin)
    assert program_selectors.cohort_counts(cohort=cohort)["facilitators"] == 2
    assert "participant.enrolled" in _actions(org)


def test_a_facilitator_already_taking_part_keeps_their_place(org, admin):
    program = make_program(org)
    cohort = make_cohort(org, program)
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    cohort_services.cohort_update(cohort=cohort, facilitator=mentor.user, by=admin)
    mentor.refresh_from_db()
    assert mentor.role == Participant.Role.MENTOR
    assert cohort.participants.count() == 1


def test_a_withdrawn_facilitator_chosen_again_is_enrolled_again(org, admin):
    program = make_program(org)
    cohort = make_cohort(org, program)
    gone = enrol(cohort, role=Participant.Role.FACILITATOR, status="withdrawn")
    cohort_services.cohort_update(cohort=cohort, facilitator=gone.user, by=admin)
    assert _facilitators(cohort) == [(gone.user_id, "active")]


def test_a_cohort_gets_dated_milestones_from_its_programs_blueprint(org, admin):
    program = make_program(org, blueprint_key="trainer-8-week")

    cohort = cohort_services.cohort_create(
        program=program, name="Spring", starts_on=MONDAY, by=admin
    )

    assert cohort.status == Status.DRAFT
    assert cohort.ends_on == date(2027, 2, 28)  # 8 weeks: the blueprint's length
    milestones = [(m.phase_name, m.title, m.due_on) for m in cohort.milestones.all()]
    assert milestones[0] == (
        "Baseline",
        "Baseline assessment: technique consistency",
        date(2027, 1, 10),  # end of week 1: starts_on + 7·1 − 1
    )
    assert milestones[-1] == ("Independent coaching", "Certification", date(2027, 2, 28))
    assert len(milestones) == 7
    assert _actions(org)[0] == "cohort.created"


def test_an_activity_without_a_week_is_due_at_its_phases_end(org, admin):
    blueprint = blueprint_services.blueprint_create(organization=org, name="Mine", by=admin)
    phase = blueprint_services.blueprint_phase_create(
        blueprint=blueprint, name="Start", start_week=2, end_week=3, by=admin
    )
    blueprint_services.blueprint_activity_create(phase=phase, kind="module", title="Read", by=admin)
    program = make_program(org, blueprint=blueprint)
    cohort = cohort_services.cohort_create(program=program, name="C", starts_on=MONDAY, by=admin)
    assert cohort.milestones.get().due_on == MONDAY + timedelta(days=20)


def test_milestones_are_regenerated_idempotently(org, admin):
    program = make_program(org, blueprint_key="trainer-8-week")
    cohort = cohort_services.cohort_create(program=program, name="C", starts_on=MONDAY, by=admin)
    first = {m.title: m.pk for m in cohort.milestones.all()}

    cohort_services.cohort_generate_milestones(cohort=cohort)
    cohort_services.cohort_update(
        cohort=cohort,
        starts_on=MONDAY + timedelta(weeks=1),
        ends_on=MONDAY + timedelta(weeks=9),
        by=admin,
    )

    after = list(cohort.milestones.all())
    assert {m.title: m.pk for m in after} == first  # same rows, new dates
    assert after[0].due_on == date(2027, 1, 17)
    assert Milestone.objects.for_org(org).count() == 7


def test_dates_that_end_before_they_start_are_refused(org, admin):
    program = make_program(org, blueprint_key="trainer-8-week")
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_create(
            program=program,
            name="Backwards",
            starts_on=MONDAY,
            ends_on=MONDAY - timedelta(days=1),
            by=admin,
        )
    assert "cannot end before it starts" in _messages(excinfo, "ends_on")
    assert not Cohort.objects.for_org(org).exists()
    assert not Milestone.objects.for_org(org).exists()
    assert "cohort.created" not in _actions(org)


def test_a_cohort_without_an_end_needs_a_blueprint_to_count_from(org, admin):
    program = make_program(org)
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_create(program=program, name="C", starts_on=MONDAY, by=admin)
    assert "ends_on" in excinfo.value.message_dict


def test_a_facilitator_from_another_organisation_is_refused(org, other_org, admin, stranger):
    program = make_program(org)
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_create(
            program=program,
            name="C",
            starts_on=MONDAY,
            ends_on=MONDAY + timedelta(weeks=4),
            facilitator=stranger,
            by=admin,
        )
    assert "Acme Mentoring" in _messages(excinfo, "facilitator")
    assert not Cohort.objects.for_org(org).exists()


def test_a_weekly_slot_needs_a_day_and_a_time(org, admin):
    program = make_program(org)
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_create(
            program=program,
            name="C",
            starts_on=MONDAY,
            ends_on=MONDAY + timedelta(weeks=4),
            meeting_day=Cohort.Weekday.TUESDAY,
            by=admin,
        )
    assert "meeting_time" in excinfo.value.message_dict


def test_an_archived_program_takes_no_new_cohort(org, admin):
    program = make_program(org)
    program_services.program_archive(program=program, by=admin)
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_create(
            program=program, name="C", starts_on=MONDAY, ends_on=MONDAY, by=admin
        )
    assert "archived" in _messages(excinfo, "program")


def test_capacity_below_the_enrolled_count_is_refused_naming_it(org, admin):
    cohort = make_cohort(org, capacity=10)
    for _ in range(3):
        enrol(cohort)
    enrol(cohort, role=Participant.Role.MENTOR)
    enrol(cohort, role=Participant.Role.FACILITATOR)  # does not take a seat
    enrol(cohort, status=Participant.Status.WITHDRAWN)  # nor does someone who left

    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_update(cohort=cohort, capacity=3, name="Renamed", by=admin)

    assert _messages(excinfo, "capacity") == (
        "4 seats are taken (4 enrolled, 0 invited): the capacity cannot be below 4."
    )
    fresh = Cohort.objects.for_org(org).get(pk=cohort.pk)
    assert fresh.capacity == 10
    assert fresh.name != "Renamed"
    cohort_services.cohort_update(cohort=cohort, capacity=4, by=admin)
    assert Cohort.objects.for_org(org).get(pk=cohort.pk).capacity == 4


def test_capacity_cannot_go_below_the_enrolled_plus_the_invited(org, admin):
    """An open invitation into the cohort keeps a seat: the capacity holds it too."""
    cohort = make_cohort(org, capacity=10)
    for _ in range(3):
        enrol(cohort)
    enrolment.participant_invite(
        cohort=cohort, email="invited@example.org", role=Participant.Role.MENTEE, by=admin
    )
    enrol(cohort, role=Participant.Role.FACILITATOR)  # takes no seat

    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_update(cohort=cohort, capacity=3, by=admin)

    assert _messages(excinfo, "capacity") == (
        "4 seats are taken (3 enrolled, 1 invited): the capacity cannot be below 4."
    )
    assert Cohort.objects.for_org(org).get(pk=cohort.pk).capacity == 10
    assert not AuditEvent.objects.for_org(org).filter(action="cohort.updated").exists()
    cohort_services.cohort_update(cohort=cohort, capacity=4, by=admin)
    assert Cohort.objects.for_org(org).get(pk=cohort.pk).capacity == 4


def test_an_update_records_what_changed(org, admin, member):
    cohort = make_cohort(org)
    cohort_services.cohort_update(
        cohort=cohort,
        meeting_day=Cohort.Weekday.TUESDAY,
        meeting_time=time(18, 0),
        facilitator=member,
        by=admin,
    )
    event = AuditEvent.objects.for_org(org).get(action="cohort.updated")
    assert event.data["meeting_time"] == [None, "18:00:00"]
    assert event.data["facilitator"][0] is None


# --- the lifecycle -------------------------------------------------------------------------


def test_the_lifecycle_moves_step_by_step_with_its_checks(org, admin):
    cohort = make_cohort(org)

    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_transition(cohort=cohort, to=Status.ACTIVE, by=admin)
    assert "moves to enrolling, not to active" in _messages(excinfo)

    cohort_services.cohort_transition(cohort=cohort, to=Status.ENROLLING, by=admin)
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_transition(cohort=cohort, to=Status.MATCHING, by=admin)
    assert _messages(excinfo) == "Enrol at least one mentee first. Enrol at least one mentor first."
    assert Cohort.objects.for_org(org).get().status == Status.ENROLLING

    mentee = enrol(cohort)
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    cohort_services.cohort_transition(cohort=cohort, to=Status.MATCHING, by=admin)
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_transition(cohort=cohort, to=Status.ACTIVE, by=admin)
    assert "Publish the cohort's matching first" in _messages(excinfo)
    Pairing.objects.create(organization=org, cohort=cohort, mentee=mentee, mentor=mentor)
    for step in [Status.ACTIVE, Status.COMPLETED]:
        cohort_services.cohort_transition(cohort=cohort, to=step, by=admin)
    assert Cohort.objects.for_org(org).get().status == Status.COMPLETED

    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_transition(cohort=cohort, to=Status.ACTIVE, by=admin)
    assert "does not change stage" in _messages(excinfo)
    moves = AuditEvent.objects.for_org(org).filter(action="cohort.status_changed")
    assert [(e.data["from"], e.data["to"]) for e in moves.order_by("pk")] == [
        ("draft", "enrolling"),
        ("enrolling", "matching"),
        ("matching", "active"),
        ("active", "completed"),
    ]


def test_withdrawn_people_do_not_count_for_matching(org, admin):
    cohort = make_cohort(org, status=Status.ENROLLING)
    enrol(cohort, status=Participant.Status.WITHDRAWN)
    enrol(cohort, role=Participant.Role.MENTOR)
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_transition(cohort=cohort, to=Status.MATCHING, by=admin)
    assert _messages(excinfo) == "Enrol at least one mentee first."


def test_activation_needs_mentees_and_mentors(org, admin):
    cohort = make_cohort(org, status=Status.MATCHING)
    enrol(cohort, role=Participant.Role.MENTOR)
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_transition(cohort=cohort, to=Status.ACTIVE, by=admin)
    assert "mentee" in _messages(excinfo)


def test_back_steps_are_allowed(org, admin):
    cohort = make_cohort(org, status=Status.MATCHING)
    cohort_services.cohort_transition(cohort=cohort, to=Status.ENROLLING, by=admin)
    cohort_services.cohort_transition(cohort=cohort, to=Status.DRAFT, by=admin)
    assert Cohort.objects.for_org(org).get().status == Status.DRAFT


def test_enrolment_does_not_open_for_an_archived_program(org, admin):
    program = make_program(org, name="Old")
    cohort = make_cohort(org, program)
    program_services.program_archive(program=program, by=admin)
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_transition(cohort=cohort, to=Status.ENROLLING, by=admin)
    assert "Old is archived" in _messages(excinfo)


def test_an_unknown_stage_is_refused(org, admin):
    cohort = make_cohort(org)
    with pytest.raises(ValidationError):
        cohort_services.cohort_transition(cohort=cohort, to="paused", by=admin)


def test_facilitator_choices_are_this_organisations_members(org, other_org, admin, stranger):
    mine = make_person(org)
    from programs.forms.catalogue import CohortForm

    choices = set(CohortForm(organization=org).fields["facilitator"].queryset)
    assert mine in choices and admin in choices
    assert stranger not in choices
