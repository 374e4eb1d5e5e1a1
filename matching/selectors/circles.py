"""The reads of a cohort's circles page."""

from django.db.models import Prefetch

from programs.models import Participant

from ..models import Circle


def cohort_circles(*, cohort):
    """The cohort's circles with their mentor and mentees (three queries in all)."""
    organization_id = cohort.organization_id
    return (
        Circle.objects.filter(organization_id=organization_id, cohort=cohort)
        .select_related("mentor__user")
        .prefetch_related(
            Prefetch(
                "mentees",
                queryset=Participant.objects.filter(organization_id=organization_id).select_related(
                    "user"
                ),
            )
        )
    )
