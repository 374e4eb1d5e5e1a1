"""Services of cohorts: their facilitator, dates, capacity (the seats taken), milestones
and lifecycle. Refusals name their field and leave nothing half-saved."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from matching.models import Pairing
from mentorship.tenancy.models import AuditEvent
from programs.models import (
    Cohort,
    Milestone,
    Participant,
)
from programs.selectors import programs as program_selectors
from programs.services import blueprints as blueprint_services
from programs.services import cohorts as cohort_services
from programs.services import enrolment
from programs.services import programs as program_services
from tests.programs.factories import (
    MONDAY,
    MenteeIntakeFactory,
    MentorIntakeFactory,
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

    mentee = MenteeIntakeFactory(participant=enrol(cohort)).participant
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    MentorIntakeFactory(participant=mentor)
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


def test_matching_needs_a_mentee_and_a_mentor_with_finished_intake(org, admin):
    """Enrolled is not enough: the message names who has yet to finish their intake."""
    cohort = make_cohort(org, status=Status.ENROLLING)
    enrol(cohort, user=make_person(org, name="Ana Lopez"))
    enrol(cohort, user=make_person(org, name="Ben Ross"))
    mentor = enrol(cohort, role=Participant.Role.MENTOR, user=make_person(org, name="Ken Ito"))
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_transition(cohort=cohort, to=Status.MATCHING, by=admin)
    assert _messages(excinfo) == (
        "No mentee has finished their intake yet (still to finish: Ana Lopez, Ben Ross). "
        "No mentor has finished their intake yet (still to finish: Ken Ito)."
    )
    assert Cohort.objects.for_org(org).get().status == Status.ENROLLING
    MentorIntakeFactory(participant=mentor)
    with pytest.raises(ValidationError) as excinfo:
        cohort_services.cohort_transition(cohort=cohort, to=Status.MATCHING, by=admin)
    assert "mentor" not in _messages(excinfo)
    unfinished = enrol(cohort, role=Participant.Role.MENTOR)
    MentorIntakeFactory(participant=unfinished, completed_at=None)
    MenteeIntakeFactory(participant=enrol(cohort))
    cohort_services.cohort_transition(cohort=cohort, to=Status.MATCHING, by=admin)
    assert Cohort.objects.for_org(org).get().status == Status.MATCHING


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
