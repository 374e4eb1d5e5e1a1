"""Reads of the outcome events pages."""

from django.db.models import Count, Q

from ..models import OutcomeEvent


def outcome_events(*, organization):
    """Every outcome event of the organisation, latest first, with its member."""
    return OutcomeEvent.objects.for_org(organization).select_related("user")


def outcome_counts(*, organization):
    """How many events are stored, and how many of them are members' (one query)."""
    counts = OutcomeEvent.objects.for_org(organization).aggregate(
        total=Count("pk"), members=Count("pk", filter=Q(user__isnull=False))
    )
    counts["others"] = counts["total"] - counts["members"]
    return counts
