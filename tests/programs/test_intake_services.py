"""Intake services: the charter before the intake, the mentee's and the mentor's intake,
and readiness."""

import pytest
from django.core.exceptions import ValidationError

from mentorship.tenancy.models import AuditEvent
from programs.models import (
    MenteeGoal,
    MenteeIntake,
    MentorIntake,
    MentorOffer,
    Participant,
)
from programs.selectors.charter import charter_acknowledged
from programs.services import intake as intake_services
from tests.programs.factories import (
    acknowledged,
    enrol,
    make_cohort,
    make_competencies,
    make_program_without_charter,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver/"


def _events(org, action):
    return list(AuditEvent.objects.for_org(org).filter(action=action))


def _participants(cohort):
    return cohort.participants.all()


# --- charter -----------------------------------------------------------------------------


def test_acknowledging_the_charter_records_the_current_version_once(org):
    cohort = make_cohort(org)
    participant = enrol(cohort)
    assert not charter_acknowledged(program=cohort.program, user=participant.user)

    intake_services.participant_charter_acknowledge(participant=participant)
    intake_services.participant_charter_acknowledge(participant=participant)

    assert charter_acknowledged(program=cohort.program, user=participant.user)
    assert len(_events(org, "charter.acknowledged")) == 1


# --- intake ------------------------------------------------------------------------------


def _mentee_data(known, **overrides):
    data = {
        "goals": "Run a full session on the floor on my own.",
        "competencies": {known[0]: 1, known[1]: 3},
        "availability": ["mon-am", "wed-pm"],
        "time_zone": "Europe/London",
        "learning_style": "hands_on",
        "preferred_format": "one_to_one",
        "career_drivers": "Mastery",
        "feedback_preferences": "Straight after the session",
    }
    data.update(overrides)
    return data


def test_saving_a_mentee_intake_completes_it_and_editing_keeps_the_first_time(org):
    competencies = make_competencies(org, "Cueing", "Regressions")
    participant = enrol(make_cohort(org))

    intake = intake_services.mentee_intake_save(
        participant=acknowledged(participant), **_mentee_data(competencies)
    )
    first = intake.completed_at
    again = intake_services.mentee_intake_save(
        participant=acknowledged(participant),
        **_mentee_data(competencies, competencies={competencies[1]: 2}, goals="New goals"),
    )

    assert first is not None and again.completed_at == first
    assert again.goals == "New goals"
    assert [(g.competency, g.priority) for g in again.goal_items.all()] == [(competencies[1], 2)]
    assert MenteeIntake.objects.for_org(org).count() == 1
    assert len(_events(org, "intake.completed")) == 1


def test_a_mentee_intake_needs_a_competency_of_the_organisation(org, other_org):
    mine = make_competencies(org, "Cueing", "Regressions")
    theirs = make_competencies(other_org, "Theirs", "Other")
    participant = enrol(make_cohort(org))

    with pytest.raises(ValidationError) as error:
        intake_services.mentee_intake_save(
            participant=acknowledged(participant), **_mentee_data(mine, competencies={})
        )
    assert error.value.message_dict["competencies"] == ["Choose at least one competency."]
    with pytest.raises(ValidationError):
        intake_services.mentee_intake_save(
            participant=acknowledged(participant), **_mentee_data(mine, competencies={theirs[0]: 1})
        )
    with pytest.raises(ValidationError):
        intake_services.mentee_intake_save(
            participant=acknowledged(participant), **_mentee_data(mine, availability=["someday"])
        )
    assert not MenteeIntake.objects.for_org(org).exists()


def test_a_mentor_intake_records_offers_and_is_for_mentors_only(org):
    competencies = make_competencies(org, "Cueing", "Regressions")
    cohort = make_cohort(org)
    mentor = enrol(cohort, role=Participant.Role.MENTOR)
    data = {
        "competencies": {competencies[0]: 5},
        "capacity": 3,
        "availability": ["tue-am"],
        "time_zone": "Africa/Lagos",
        "languages": "English, Yoruba",
        "formats": ["one_to_one"],
        "coaching_styles": ["hands_on", "discuss"],
        "bio": "Senior trainer.",
    }

    intake = intake_services.mentor_intake_save(participant=acknowledged(mentor), **data)

    assert intake.completed_at and intake.capacity == 3
    assert [(o.competency, o.level) for o in intake.offers.all()] == [(competencies[0], 5)]
    with pytest.raises(ValidationError, match="for a mentor"):
        intake_services.mentor_intake_save(participant=acknowledged(enrol(cohort)), **data)
    assert MentorIntake.objects.for_org(org).count() == 1


def test_an_intake_before_the_charter_is_refused_by_the_service_and_writes_nothing(org):
    """Charter before intake is the services' rule, not only the page's."""
    competencies = make_competencies(org, "Cueing", "Regressions")
    cohort = make_cohort(org)  # its program has a charter
    mentee = enrol(cohort)
    mentor = enrol(cohort, role=Participant.Role.MENTOR)

    with pytest.raises(ValidationError) as refused:
        intake_services.mentee_intake_save(participant=mentee, **_mentee_data(competencies))
    assert refused.value.messages == ["First read and acknowledge the program's charter."]
    with pytest.raises(ValidationError, match="charter"):
        intake_services.mentor_intake_save(
            participant=mentor,
            competencies={competencies[0]: 4},
            capacity=2,
            availability=["mon-am"],
            time_zone="Europe/London",
        )

    assert not MenteeIntake.objects.for_org(org).exists()
    assert not MentorIntake.objects.for_org(org).exists()
    assert not MenteeGoal.objects.for_org(org).exists()
    assert not MentorOffer.objects.for_org(org).exists()
    assert not _events(org, "intake.completed")


def test_a_changed_charter_asks_again_before_the_intake_is_edited(org):
    competencies = make_competencies(org, "Cueing", "Regressions")
    cohort = make_cohort(org)
    mentee = enrol(cohort)
    intake_services.mentee_intake_save(
        participant=acknowledged(mentee), **_mentee_data(competencies)
    )
    program = cohort.program
    program.charter_version += 1
    program.save(update_fields=["charter_version"])
    mentee.refresh_from_db()

    with pytest.raises(ValidationError, match="charter"):
        intake_services.mentee_intake_save(
            participant=mentee, **_mentee_data(competencies, goals="Something else")
        )
    assert MenteeIntake.objects.for_org(org).get().goals != "Something else"


def test_a_program_without_a_charter_asks_for_none(org):
    competencies = make_competencies(org, "Cueing", "Regressions")
    mentee = enrol(make_cohort(org, program=make_program_without_charter(org)))

    intake = intake_services.mentee_intake_save(participant=mentee, **_mentee_data(competencies))

    assert intake.completed_at is not None


def test_a_competency_of_another_organisation_is_refused_and_nothing_is_written(org, other_org):
    mine = make_competencies(org, "Cueing", "Regressions")
    theirs = make_competencies(other_org, "Theirs", "Other")
    cohort = make_cohort(org)
    mentee = acknowledged(enrol(cohort))
    mentor = acknowledged(enrol(cohort, role=Participant.Role.MENTOR))

    with pytest.raises(ValidationError) as refused:
        intake_services.mentee_intake_save(
            participant=mentee, **_mentee_data(mine, competencies={mine[0]: 1, theirs[0]: 2})
        )
    assert "competencies" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        intake_services.mentor_intake_save(
            participant=mentor,
            competencies={theirs[1]: 4},
            capacity=2,
            availability=["mon-am"],
            time_zone="Europe/London",
        )
    assert "competencies" in refused.value.message_dict

    assert not MenteeIntake.objects.for_org(org).exists()
    assert not MentorIntake.objects.for_org(org).exists()
    assert not MenteeGoal.objects.for_org(org).exists()
    assert not MentorOffer.objects.for_org(org).exists()


# --- readiness ---------------------------------------------------------------------------


def test_scoring_readiness_saves_replaces_and_audits(org, admin):
    mentor = enrol(make_cohort(org), role=Participant.Role.MENTOR)

    intake_services.mentor_readiness_score(
        participant=mentor,
        coaching_aptitude=4,
        time_availability=2,
        domain_credibility=5,
        notes="Busy quarter",
        by=admin,
    )
    readiness = intake_services.mentor_readiness_score(
        participant=mentor, coaching_aptitude=5, time_availability=4, domain_credibility=5, by=admin
    )

    assert float(readiness.score) == pytest.approx(4.67)
    events = _events(org, "readiness.scored")
    assert len(events) == 2
    assert events[0].data["previous"] == pytest.approx(3.67)


def test_readiness_is_for_mentors_and_within_the_scale(org, admin):
    cohort = make_cohort(org)
    with pytest.raises(ValidationError, match="mentors only"):
        intake_services.mentor_readiness_score(
            participant=enrol(cohort),
            coaching_aptitude=3,
            time_availability=3,
            domain_credibility=3,
            by=admin,
        )
    with pytest.raises(ValidationError):
        intake_services.mentor_readiness_score(
            participant=enrol(cohort, role="mentor"),
            coaching_aptitude=6,
            time_availability=3,
            domain_credibility=3,
            by=admin,
        )
