"""Who may see which nudge: a person sees their own, of this organisation, and nobody
else's (not an admin either: the outbox shows admins what was sent, never an inbox)."""

from mentorship.tenancy.access import get_for_org_or_404

from .models import Nudge


def access_nudge_by_id(*, membership, nudge_id):
    """One of the membership's person's nudges of its organisation, or 404: someone else's
    nudge, another organisation's, and one that does not exist answer the same."""
    return get_for_org_or_404(
        Nudge.objects.filter(recipient_id=membership.user_id),
        membership.organization,
        pk=nudge_id,
    )
