"""The reads of the accounts app that its pages need: keyword-only functions taking the
organisation (or, for an invitation link, the link's signed token). A read never writes."""

from django.utils import timezone

from mentorship.tenancy.scoping import unscoped_queries

from .invitations import InvalidInvitation, invitation_payload
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


def invitation_by_token(*, token):
    """The open invitation a link points to, or InvalidInvitation saying why not.

    Reached before the person is a member, so the lookup is by the signed id, not by an
    organisation: the signature is the scope.
    """
    invitation_id, nonce = invitation_payload(token)
    with unscoped_queries():
        invitation = (
            Invitation.objects.select_related("organization").filter(pk=invitation_id).first()
        )
    if invitation is None or invitation.nonce != nonce:
        raise InvalidInvitation(
            "This invitation link is no longer valid: a newer one may have been sent to you."
        )
    if invitation.accepted_at:
        raise InvalidInvitation("This invitation has already been used.")
    if invitation.revoked_at:
        raise InvalidInvitation("This invitation was withdrawn by the organisation.")
    if invitation.expires_at <= timezone.now():
        raise InvalidInvitation(
            "This invitation has expired. Ask the person who invited you to send a new one."
        )
    return invitation
