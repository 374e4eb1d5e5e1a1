"""Builders shared by the runs area's tests (no tests here).

Rows are written directly (intakes completed, readiness scored); the services under test
are the matching ones.
"""

from django.utils import timezone

from mentorship.tenancy.models import Role
from programs.models import (
    Cohort,
    MenteeGoal,
    MenteeIntake,
    MentorIntake,
    MentorOffer,
    MentorReadiness,
    Participant,
)
from tests.programs.test_people_helpers import (
    client_for,
    enrol,
    make_cohort,
    make_competencies,
    make_person,
    make_program,
)

__all__ = [
    "client_for",
    "make_cohort",
    "make_person",
    "make_program",
    "matching_cohort",
    "add_mentee",
    "add_mentor",
]

SLOTS = ["mon-am", "tue-am", "wed-pm", "thu-pm"]


def add_mentor(
    cohort,
    competencies,
    *,
    capacity=2,
    level=4,
    user=None,
    readiness=(4, 4, 4),
    department="Sales",
    slots=SLOTS,
    intake=True,
):
    participant = enrol(cohort, user=user, role=Participant.Role.MENTOR, department=department)
    if intake:
        mi = MentorIntake.objects.create(
            organization=cohort.organization,
            participant=participant,
            capacity=capacity,
            availability=list(slots),
            time_zone="Europe/London",
            formats=["one_to_one"],
            coaching_styles=["discuss"],
            completed_at=timezone.now(),
        )
        for c in competencies:
            MentorOffer.objects.create(
                organization=cohort.organization, intake=mi, competency=c, level=level
            )
    if readiness:
        MentorReadiness.objects.create(
            organization=cohort.organization,
            participant=participant,
            coaching_aptitude=readiness[0],
            time_availability=readiness[1],
            domain_credibility=readiness[2],
        )
    return participant


def add_mentee(
    cohort, competencies, *, user=None, manager=None, department="Support", slots=SLOTS, intake=True
):
    participant = enrol(
        cohort, user=user, role=Participant.Role.MENTEE, department=department, manager=manager
    )
    if intake:
        mi = MenteeIntake.objects.create(
            organization=cohort.organization,
            participant=participant,
            goals="Grow.",
            availability=list(slots),
            time_zone="Europe/London",
            preferred_format="one_to_one",
            learning_style="discuss",
            completed_at=timezone.now(),
        )
        for priority, c in enumerate(competencies, 1):
            MenteeGoal.objects.create(
                organization=cohort.organization, intake=mi, competency=c, priority=min(priority, 3)
            )
    return participant


def matching_cohort(org, *, mentors=2, mentees=3, capacity=2, competencies=None, **fields):
    """A cohort in matching with mentors and mentees whose intakes are done."""
    cohort = make_cohort(org, status=Cohort.Status.MATCHING, **fields)
    comps = competencies or make_competencies(org, "Listening", "Feedback", "Planning")
    mentor_list = [add_mentor(cohort, comps[:2], capacity=capacity) for _ in range(mentors)]
    mentee_list = [add_mentee(cohort, comps[:2]) for _ in range(mentees)]
    return cohort, comps, mentor_list, mentee_list


def member_user(org, **fields):
    return make_person(org, Role.MEMBER, **fields)
