"""Reads of signal types (S4, X8): the organisation's list, and a program's active types,
which the session page's signal controls are built from (:func:`program_signal_types`)."""

from django.db.models import Count, F

from ..models import SignalType


def signal_type_list(*, organization):
    """Every signal type of the organisation with its program, competency and
    ``value_count`` (values recorded), for the list (the FilterSet narrows it)."""
    return (
        SignalType.objects.for_org(organization)
        .select_related("program", "competency")
        .annotate(value_count=Count("values"))
        .order_by("program__name", F("archived_at").asc(nulls_first=True), "position", "name")
    )


def program_signal_types(*, program):
    """The active signal types of ``program`` in their order, with their competency: what a
    mentor records in the program's sessions. One query."""
    return list(
        SignalType.objects.for_org(program.organization)
        .active()
        .filter(program=program)
        .select_related("competency")
        .order_by("position", "name")
    )
