"""Builders shared by the learning area's tests (no tests here).

Plain functions rather than factories: each row takes its organisation from its parent, and
nothing calls an unscoped ``get``. When tests/factories.py gains programs factories, these
can lean on them.
"""

from datetime import date, timedelta

from django.utils import timezone

from mentorship.tenancy.models import Membership, Role
from programs.models import (
    Cohort,
    Competency,
    CompetencyArea,
    Participant,
    Program,
    Resource,
    Rubric,
    RubricCriterion,
)
from tests.factories import MembershipFactory, UserFactory

_counter = iter(range(1, 10**6))


def make_program(organization, **fields):
    fields.setdefault("name", f"Program {next(_counter)}")
    fields.setdefault("purpose", "Onboard new trainers.")
    return Program.objects.create(organization=organization, **fields)


def make_cohort(organization, program=None, **fields):
    program = program or make_program(organization)
    today = timezone.localdate()
    fields.setdefault("name", f"Cohort {next(_counter)}")
    fields.setdefault("starts_on", today - timedelta(days=14))
    fields.setdefault("ends_on", today + timedelta(days=42))
    fields.setdefault("status", Cohort.Status.ACTIVE)
    return Cohort.objects.create(organization=organization, program=program, **fields)


def make_person(organization, role=Role.MEMBER, **user_fields):
    user = UserFactory(**user_fields)
    MembershipFactory(organization=organization, user=user, role=role)
    return user


def enrol(cohort, user=None, role=Participant.Role.MENTEE, **fields):
    if user is None:
        user = make_person(cohort.organization)
    elif not Membership.objects.for_org(cohort.organization).filter(user=user).exists():
        MembershipFactory(organization=cohort.organization, user=user)
    return Participant.objects.create(
        organization=cohort.organization, cohort=cohort, user=user, role=role, **fields
    )


def make_area(organization, name=None):
    return CompetencyArea.objects.create(
        organization=organization, name=name or f"Area {next(_counter)}"
    )


def make_competency(organization, name=None, area=None, description=""):
    area = area or make_area(organization)
    return Competency.objects.create(
        organization=organization,
        area=area,
        name=name or f"Competency {next(_counter)}",
        description=description,
    )


def make_resource(organization, **fields):
    competencies = fields.pop("competencies", [])
    fields.setdefault("title", f"Resource {next(_counter)}")
    fields.setdefault("body", "Read this, then try it.")
    resource = Resource.objects.create(organization=organization, **fields)
    resource.competencies.set(competencies)
    return resource


def make_rubric(organization, criteria=("Cueing", "Demonstration"), scale_max=5, name=None):
    rubric = Rubric.objects.create(
        organization=organization, name=name or f"Rubric {next(_counter)}", scale_max=scale_max
    )
    for order, criterion in enumerate(criteria, 1):
        RubricCriterion.objects.create(
            organization=organization, rubric=rubric, name=criterion, order=order
        )
    return rubric


def scores_for(rubric, *values):
    criteria = list(rubric.criteria.all())
    return {c.pk: v for c, v in zip(criteria, values, strict=True)}


A_WHILE_AGO = date(2020, 1, 1)
