"""Reads of the blueprint pages: the organisation's blueprints, one blueprint's phases and
the programs and cohorts that follow it."""

from django.db.models import Count, Max

from ..models import Blueprint, Cohort


def blueprint_list(*, organization):
    """The organisation's blueprints with their phase, week and program counts."""
    return list(
        Blueprint.objects.for_org(organization)
        .annotate(
            phase_count=Count("phases", distinct=True),
            week_count=Max("phases__end_week"),
            program_count=Count("programs", distinct=True),
        )
        .order_by("name", "pk")
    )


def blueprint_phases(*, blueprint):
    """The blueprint's phases, in order, with their activities."""
    return list(blueprint.phases.prefetch_related("activities"))


def blueprint_programs(*, blueprint):
    return list(blueprint.programs.order_by("name"))


def blueprint_cohorts(*, blueprint):
    """Cohorts whose milestones follow ``blueprint`` and are not history yet."""
    return (
        Cohort.objects.for_org(blueprint.organization)
        .filter(program__blueprint=blueprint)
        .exclude(status=Cohort.Status.COMPLETED)
        .select_related("program__blueprint")
    )


def live_cohort_count(*, blueprint):
    """How many cohorts not yet completed follow the blueprint (its page warns of them)."""
    return blueprint_cohorts(blueprint=blueprint).count()
