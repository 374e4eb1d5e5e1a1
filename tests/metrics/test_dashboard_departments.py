"""The department filter's choices (metrics.selectors.dashboards.departments): a loose index
scan, so it is checked against the plain distinct query it replaces."""

from metrics.selectors.dashboards import departments
from programs.models import Participant
from tests.programs.factories import CohortFactory, ParticipantFactory


def test_departments_are_the_organisations_distinct_non_empty_ones_in_order(org, other_org):
    cohort = CohortFactory(organization=org)
    for department in ("Sales", "", "Engineering", "Sales", "Ops", "Engineering", "Zeta"):
        ParticipantFactory(organization=org, cohort=cohort, department=department)
    ParticipantFactory(
        organization=other_org, cohort=CohortFactory(organization=other_org), department="Legal"
    )
    found = departments(organization=org)
    assert found == ["Engineering", "Ops", "Sales", "Zeta"]
    plain = (
        Participant.objects.for_org(org)
        .exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )
    assert found == list(plain)


def test_an_organisation_without_departments_has_no_choice(org):
    ParticipantFactory(organization=org, cohort=CohortFactory(organization=org), department="")
    assert departments(organization=org) == []
