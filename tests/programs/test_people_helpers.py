"""Builders shared by the people area's tests (no tests here).

Plain functions: each row takes its organisation from its parent and nothing calls an
unscoped ``get``.
"""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from mentorship.tenancy.models import Membership, Role
from programs.models import (
    Cohort,
    Competency,
    CompetencyArea,
    MentorReadiness,
    Participant,
    Program,
)
from tests.factories import MembershipFactory, UserFactory

_counter = iter(range(1, 10**6))

CHARTER = {
    "code_of_conduct": "Be kind and specific.",
    "confidentiality": "What is said in a session stays there.",
    "escalation_path": "Talk to the facilitator first.",
}


def make_program(organization, *, charter=True, **fields):
    fields.setdefault("name", f"Program {next(_counter)}")
    fields.setdefault("purpose", "Onboard new trainers.")
    if charter:
        for key, value in CHARTER.items():
            fields.setdefault(key, value)
    return Program.objects.create(organization=organization, **fields)


def make_cohort(organization, program=None, **fields):
    program = program or make_program(organization)
    today = timezone.localdate()
    fields.setdefault("name", f"Cohort {next(_counter)}")
    fields.setdefault("starts_on", today + timedelta(days=7))
    fields.setdefault("ends_on", today + timedelta(days=63))
    fields.setdefault("status", Cohort.Status.ENROLLING)
    return Cohort.objects.create(organization=organization, program=program, **fields)


def make_person(organization, role=Role.MEMBER, department="", **user_fields):
    user = UserFactory(**user_fields)
    MembershipFactory(organization=organization, user=user, role=role, department=department)
    return user


def enrol(cohort, user=None, role=Participant.Role.MENTEE, **fields):
    """A participant row written directly (the services are what the tests test)."""
    if user is None:
        user = make_person(cohort.organization)
    elif not Membership.objects.for_org(cohort.organization).filter(user=user).exists():
        MembershipFactory(organization=cohort.organization, user=user)
    return Participant.objects.create(
        organization=cohort.organization, cohort=cohort, user=user, role=role, **fields
    )


def make_competencies(organization, *names, area_name="Coaching craft"):
    area = CompetencyArea.objects.create(
        organization=organization, name=f"{area_name} {next(_counter)}"
    )
    return [
        Competency.objects.create(organization=organization, area=area, name=name) for name in names
    ]


def score(participant, values=(4, 4, 4)):
    return MentorReadiness.objects.create(
        organization=participant.organization,
        participant=participant,
        coaching_aptitude=values[0],
        time_availability=values[1],
        domain_credibility=values[2],
    )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client
