"""Builders shared by the care area's tests (no tests here)."""

import itertools
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from matching.models import Pairing
from programs.models import MenteeGoal, MenteeIntake, MentorIntake, MentorOffer, Participant
from tests.programs.test_people_helpers import (
    enrol,
    make_cohort,
    make_competencies,
    make_person,
    make_program,
)

__all__ = ["make_cohort", "make_program", "make_person", "enrol", "client_for"]

_counter = itertools.count(1)
SLOTS = ["mon-am", "tue-am", "wed-pm"]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def cohort_with_people(organization, *, mentors=3, mentees=3, capacity=2, program=None):
    """An active cohort whose people finished intake: mentor i is strongest on competency i."""
    program = program or make_program(organization, format="cohort")
    cohort = make_cohort(organization, program=program, status="active")
    n = next(_counter)
    competencies = make_competencies(
        organization, f"Cueing {n}", f"Programming {n}", f"Client care {n}"
    )
    now = timezone.now()
    mentor_rows, mentee_rows = [], []
    for i in range(mentors):
        p = enrol(cohort, role=Participant.Role.MENTOR, department=f"Dept {i}")
        intake = MentorIntake.objects.create(
            organization=organization,
            participant=p,
            capacity=capacity,
            availability=SLOTS,
            formats=["cohort", "one_to_one"],
            completed_at=now,
        )
        for j, comp in enumerate(competencies):
            MentorOffer.objects.create(
                organization=organization,
                intake=intake,
                competency=comp,
                level=5 if j == i % len(competencies) else 1,
            )
        mentor_rows.append(p)
    for i in range(mentees):
        p = enrol(cohort, role=Participant.Role.MENTEE, department="Floor")
        intake = MenteeIntake.objects.create(
            organization=organization,
            participant=p,
            goals="Grow.",
            availability=SLOTS,
            completed_at=now,
        )
        MenteeGoal.objects.create(
            organization=organization,
            intake=intake,
            competency=competencies[i % len(competencies)],
            priority=1,
        )
        mentee_rows.append(p)
    return cohort, mentor_rows, mentee_rows, competencies


def pair(mentee, mentor, *, status=Pairing.Status.ACTIVE, days_ago=0, **fields):
    now = timezone.now()
    if status == Pairing.Status.ACTIVE:
        fields.setdefault("accepted_at", now - timedelta(days=days_ago))
    if status == Pairing.Status.PENDING:
        fields.setdefault("accept_by", now + timedelta(days=5))
    return Pairing.objects.create(
        organization=mentee.organization,
        cohort=mentee.cohort,
        mentee=mentee,
        mentor=mentor,
        status=status,
        **fields,
    )
