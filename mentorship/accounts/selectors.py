"""The reads of the accounts app that its pages need: keyword-only functions taking the
organisation. A read never writes."""

from .models import Invitation


def invitation_list(*, organization, status="open"):
    """The organisation's invitations, newest first, with who sent each: the open ones
    (``status="open"``) or every one (any other status)."""
    queryset = Invitation.objects.for_org(organization).select_related("invited_by")
    if status == "open":
        queryset = queryset.pending()
    return queryset


def invitation_pending_count(*, organization):
    """How many invitations of the organisation are still open."""
    return Invitation.objects.for_org(organization).pending().count()
