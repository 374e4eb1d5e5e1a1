"""Builders shared by the catalogue area's tests (no tests here).

Plain functions: each row takes its organisation from its parent, nothing calls an unscoped
``get``, and rows the tests do not test are written directly (the services are what the
tests test).
"""

from datetime import date, timedelta

from django.test import Client

from mentorship.tenancy.models import Membership
from programs.models import Cohort, Participant, Program
from programs.services import catalogue as services
from tests.factories import MembershipFactory, UserFactory

_counter = iter(range(1, 10**6))

CHARTER = {
    "code_of_conduct": "Be kind and specific.",
    "confidentiality": "What is said in a session stays there.",
    "escalation_path": "Talk to the facilitator first.",
}
# A Monday, so week N ends on a Sunday: easy dates to read in the assertions.
MONDAY = date(2027, 1, 4)


def make_program(organization, *, charter=True, blueprint_key="", **fields):
    fields.setdefault("name", f"Program {next(_counter)}")
    fields.setdefault("purpose", "Onboard new trainers.")
    if charter:
        for key, value in CHARTER.items():
            fields.setdefault(key, value)
    if blueprint_key:
        fields["blueprint"] = services.blueprint_create_from_builtin(
            organization=organization, key=blueprint_key, by=None
        )
    return Program.objects.create(organization=organization, **fields)


def make_cohort(organization, program=None, **fields):
    program = program or make_program(organization)
    fields.setdefault("name", f"Cohort {next(_counter)}")
    fields.setdefault("starts_on", MONDAY)
    fields.setdefault("ends_on", MONDAY + timedelta(days=55))
    fields.setdefault("status", Cohort.Status.DRAFT)
    return Cohort.objects.create(organization=organization, program=program, **fields)


def make_person(organization, **user_fields):
    user = UserFactory(**user_fields)
    MembershipFactory(organization=organization, user=user)
    return user


def enrol(cohort, user=None, role=Participant.Role.MENTEE, **fields):
    if user is None:
        user = make_person(cohort.organization)
    elif not Membership.objects.for_org(cohort.organization).filter(user=user).exists():
        MembershipFactory(organization=cohort.organization, user=user)
    return Participant.objects.create(
        organization=cohort.organization, cohort=cohort, user=user, role=role, **fields
    )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client
