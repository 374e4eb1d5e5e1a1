"""Reads of the competency pages: the taxonomy with its level scale, what depends on a
competency, and the rows the CSV exports write."""

from django.db.models import Count, Prefetch, Q

from ..models import Competency, CompetencyArea, CompetencyLevel, MenteeGoal, MentorOffer


def competency_areas(*, organization):
    """The areas in order, each with its competencies (by name) annotated with the number of
    live resources that grow them."""
    competencies = Competency.objects.for_org(organization).annotate(
        resource_count=Count("resources", filter=Q(resources__archived_at__isnull=True))
    )
    return list(
        CompetencyArea.objects.for_org(organization).prefetch_related(
            Prefetch("competencies", queryset=competencies.order_by("name"))
        )
    )


def competency_levels(*, organization):
    """The steps of the level scale, lowest first."""
    return list(CompetencyLevel.objects.for_org(organization))


def next_level_value(*, organization):
    """The number a new step of the level scale starts with: one after the count."""
    return CompetencyLevel.objects.for_org(organization).count() + 1


def competency_usage(*, competency):
    """How much depends on a competency: what its delete page warns about."""
    organization = competency.organization
    return {
        "resources": competency.resources.count(),
        "mentee_goals": MenteeGoal.objects.for_org(organization)
        .filter(competency=competency)
        .count(),
        "mentor_offers": MentorOffer.objects.for_org(organization)
        .filter(competency=competency)
        .count(),
    }


def competency_export_rows(*, organization):
    """``(area, competency, description)`` of every competency, in the page's order."""
    return (
        Competency.objects.for_org(organization)
        .select_related("area")
        .values_list("area__name", "name", "description")
    )


def competency_level_export_rows(*, organization):
    """``(value, name, description)`` of every step of the level scale, lowest first."""
    return (
        CompetencyLevel.objects.for_org(organization)
        .order_by("value")
        .values_list("value", "name", "description")
    )


def area_competency_count(*, area):
    """How many competencies the area holds (its delete page refuses while any do)."""
    return area.competencies.count()
