"""factory-boy factories of the programs app, and the few builders the tests share.

Every factory takes its organisation from its parent (``organization =
factory.SelfAttribute("cohort.organization")``), so one call never straddles two tenants,
and none uses ``django_get_or_create`` (tenant managers refuse an unscoped ``get``).
Rows are written directly: the services are what the tests test.

The builders (``make_cohort``, ``enrol``, ...) are short spellings of the factories that
read well in a test; the cohort builders differ only in the stage a cohort starts in.
"""

from datetime import date, timedelta

import factory
from django.test import Client
from django.utils import timezone

from mentorship.tenancy.models import Membership, Role
from programs.models import (
    Cohort,
    Competency,
    CompetencyArea,
    MenteeGoal,
    MenteeIntake,
    MentorIntake,
    MentorOffer,
    MentorReadiness,
    Participant,
    Program,
    Resource,
    Rubric,
    RubricCriterion,
)
from tests.factories import MembershipFactory, OrganizationFactory, TenantFactory, UserFactory

CHARTER = {
    "code_of_conduct": "Be kind and specific.",
    "confidentiality": "What is said in a session stays there.",
    "escalation_path": "Talk to the facilitator first.",
}
# A Monday, so week N ends on a Sunday: easy dates to read in the assertions.
MONDAY = date(2027, 1, 4)
A_WHILE_AGO = date(2020, 1, 1)
SLOTS = ["mon-am", "tue-am", "wed-pm", "thu-pm"]


def _days(n):
    return factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=n))


class ProgramFactory(TenantFactory):
    """A program with a charter (``charter=False`` for one without)."""

    class Meta:
        model = Program

    class Params:
        charter = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    purpose = "Onboard new trainers."
    code_of_conduct = factory.Maybe("charter", CHARTER["code_of_conduct"], "")
    confidentiality = factory.Maybe("charter", CHARTER["confidentiality"], "")
    escalation_path = factory.Maybe("charter", CHARTER["escalation_path"], "")


class CohortFactory(TenantFactory):
    """A cohort enrolling from next week for eight weeks. Traits: ``draft`` (planned, from
    ``MONDAY``), ``running`` (active, started two weeks ago), ``matching``."""

    class Meta:
        model = Cohort

    class Params:
        draft = factory.Trait(
            status=Cohort.Status.DRAFT, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=55)
        )
        running = factory.Trait(
            status=Cohort.Status.ACTIVE, starts_on=_days(-14), ends_on=_days(42)
        )
        matching = factory.Trait(status=Cohort.Status.MATCHING)

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = _days(7)
    ends_on = _days(63)
    status = Cohort.Status.ENROLLING


class ParticipantFactory(TenantFactory):
    """A mentee of a cohort; the person becomes a member of the cohort's organisation."""

    class Meta:
        model = Participant

    cohort = factory.SubFactory(CohortFactory)
    organization = factory.SelfAttribute("cohort.organization")
    user = factory.LazyAttribute(lambda o: make_person(o.cohort.organization))
    role = Participant.Role.MENTEE


class CompetencyAreaFactory(TenantFactory):
    class Meta:
        model = CompetencyArea

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Area {n}")


class CompetencyFactory(TenantFactory):
    class Meta:
        model = Competency

    area = factory.SubFactory(CompetencyAreaFactory)
    organization = factory.SelfAttribute("area.organization")
    name = factory.Sequence(lambda n: f"Competency {n}")
    description = ""


class ResourceFactory(TenantFactory):
    class Meta:
        model = Resource
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Resource {n}")
    body = "Read this, then try it."

    @factory.post_generation
    def competencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.competencies.set(extracted, through_defaults={"organization": self.organization})


class RubricFactory(TenantFactory):
    """A rubric with two criteria (``criteria=[...]`` for others)."""

    class Meta:
        model = Rubric
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Rubric {n}")
    scale_max = 5

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if not create:
            return
        for order, name in enumerate(extracted or ("Cueing", "Demonstration"), 1):
            RubricCriterion.objects.create(
                organization=self.organization, rubric=self, name=name, order=order
            )


class MentorReadinessFactory(TenantFactory):
    class Meta:
        model = MentorReadiness

    participant = factory.SubFactory(ParticipantFactory, role=Participant.Role.MENTOR)
    organization = factory.SelfAttribute("participant.organization")
    coaching_aptitude = 4
    time_availability = 4
    domain_credibility = 4


class MentorIntakeFactory(TenantFactory):
    """A mentor's finished intake; ``offers=[competency, ...]`` adds offers at level 4."""

    class Meta:
        model = MentorIntake
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory, role=Participant.Role.MENTOR)
    organization = factory.SelfAttribute("participant.organization")
    capacity = 2
    availability = factory.LazyFunction(lambda: list(SLOTS))
    time_zone = "Europe/London"
    formats = factory.LazyFunction(lambda: ["one_to_one"])
    coaching_styles = factory.LazyFunction(lambda: ["discuss"])
    completed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def offers(self, create, extracted, level=4, **kwargs):
        if create and extracted:
            for competency in extracted:
                MentorOffer.objects.create(
                    organization=self.organization, intake=self, competency=competency, level=level
                )


class MenteeIntakeFactory(TenantFactory):
    """A mentee's finished intake; ``goals=[competency, ...]`` adds goals by priority."""

    class Meta:
        model = MenteeIntake
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    organization = factory.SelfAttribute("participant.organization")
    goals = "Grow."
    availability = factory.LazyFunction(lambda: list(SLOTS))
    time_zone = "Europe/London"
    preferred_format = "one_to_one"
    learning_style = "discuss"
    completed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def goal_items(self, create, extracted, **kwargs):
        if create and extracted:
            for priority, competency in enumerate(extracted, 1):
                MenteeGoal.objects.create(
                    organization=self.organization,
                    intake=self,
                    competency=competency,
                    priority=min(priority, 3),
                )


# --- builders ------------------------------------------------------------------------------


def make_person(organization, role=Role.MEMBER, department="", **user_fields):
    """A person who is a member of ``organization`` with ``role``."""
    user = UserFactory(**user_fields)
    MembershipFactory(organization=organization, user=user, role=role, department=department)
    return user


def make_program(organization, *, charter=True, blueprint_key="", **fields):
    if blueprint_key:
        from programs.services.blueprints import blueprint_create_from_builtin

        fields["blueprint"] = blueprint_create_from_builtin(
            organization=organization, key=blueprint_key, by=None
        )
    return ProgramFactory(organization=organization, charter=charter, **fields)


def make_program_without_charter(organization, **fields):
    return make_program(organization, charter=False, **fields)


def make_cohort(organization, program=None, **fields):
    """An enrolling cohort (from next week, for eight weeks)."""
    program = program or make_program(organization)
    return CohortFactory(program=program, **fields)


def make_draft_cohort(organization, program=None, **fields):
    """A draft cohort from ``MONDAY``, for eight weeks."""
    program = program or make_program(organization)
    return CohortFactory(program=program, draft=True, **fields)


def make_active_cohort(organization, program=None, **fields):
    """An active cohort that started two weeks ago and has six weeks to go."""
    program = program or make_program(organization, charter=False)
    return CohortFactory(program=program, running=True, **fields)


def enrol(cohort, user=None, role=Participant.Role.MENTEE, **fields):
    """A participant of ``cohort`` (a new person unless ``user``; made a member if not)."""
    if user is None:
        user = make_person(cohort.organization)
    elif not Membership.objects.for_org(cohort.organization).filter(user=user).exists():
        MembershipFactory(organization=cohort.organization, user=user)
    return ParticipantFactory(cohort=cohort, user=user, role=role, **fields)


def make_area(organization, name=None):
    return CompetencyAreaFactory(organization=organization, **({"name": name} if name else {}))


def make_competency(organization, name=None, area=None, description=""):
    area = area or make_area(organization)
    extra = {"name": name} if name else {}
    return CompetencyFactory(area=area, description=description, **extra)


def make_competencies(organization, *names, area_name="Coaching craft"):
    """Competencies of one new area (``area_name`` and a number, so areas never clash)."""
    area = CompetencyAreaFactory(
        organization=organization, name=factory.Sequence(lambda n: f"{area_name} {n}")
    )
    return [CompetencyFactory(area=area, name=name) for name in names]


def make_resource(organization, **fields):
    return ResourceFactory(organization=organization, **fields)


def make_rubric(organization, criteria=("Cueing", "Demonstration"), scale_max=5, name=None):
    extra = {"name": name} if name else {}
    return RubricFactory(organization=organization, criteria=criteria, scale_max=scale_max, **extra)


def scores_for(rubric, *values):
    criteria = list(rubric.criteria.all())
    return {c.pk: v for c, v in zip(criteria, values, strict=True)}


def score(participant, values=(4, 4, 4)):
    """A mentor's readiness scored ``values`` (aptitude, time, credibility)."""
    return MentorReadinessFactory(
        participant=participant,
        coaching_aptitude=values[0],
        time_availability=values[1],
        domain_credibility=values[2],
    )


def client_for(user):
    """A test client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def acknowledged(participant):
    """The participant, having acknowledged the current charter of their program (an intake
    is refused before it). Returns the participant, so it reads ``participant=acknowledged(p)``."""
    from programs.models import CharterAcknowledgement

    program = participant.cohort.program
    if program.has_charter:
        CharterAcknowledgement.objects.for_org(participant.organization).get_or_create(
            organization=participant.organization,
            program=program,
            user=participant.user,
            charter_version=program.charter_version,
        )
    return participant
