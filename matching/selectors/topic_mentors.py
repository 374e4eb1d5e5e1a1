"""The reads of a cohort's Topic mentors page."""

from ..access import PAIRING_RELATED
from ..models import Pairing


def cohort_live_pairings(*, cohort):
    """The cohort's live pairings, core and topic, by mentee."""
    return (
        Pairing.objects.filter(organization_id=cohort.organization_id, cohort=cohort)
        .live()
        .select_related(*PAIRING_RELATED)
        .order_by("mentee__user__name", "kind", "pk")
    )
