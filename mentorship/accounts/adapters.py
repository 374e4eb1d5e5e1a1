"""allauth adapter: invitations carry the person back to their organisation after sign-in
or sign-up, and an invitation proves the e-mail address, so it needs no second check.

Someone invited who signs in without following their link (the e-mail is still unread, or
they went to the site directly) and belongs to no organisation yet lands on their newest
open invitation, not on "Create your organisation"."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.urls import reverse

from mentorship.tenancy.models import Membership

from .invitations import InvalidInvitation, invitation_token
from .models import Invitation
from .selectors import invitation_by_token

PENDING_INVITATION = "pending_invitation"


def open_invitation_for(user):
    """The newest open invitation to ``user``'s verified address when they belong to no
    organisation yet, else None (two queries at most)."""
    if Membership.objects.of_user(user).exists():
        return None
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=True
    ).exists()
    if not verified:
        return None
    # Before the person is a member there is no organisation to scope by: the person's own
    # verified address is the scope (as the signed link is for invitation_accept).
    return (
        Invitation.objects.unscoped()
        .pending()
        .filter(email__iexact=user.email)
        .order_by("-created_at")
        .first()
    )


def pending_invitation(request):
    """The open invitation whose link this visitor followed before signing up or in (its
    token kept in their session by ``invitation_accept``), or None (one query at most)."""
    token = request.session.get(PENDING_INVITATION) if request is not None else None
    if not token:
        return None
    try:
        return invitation_by_token(token=token)
    except InvalidInvitation:
        return None


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        token = request.session.get(PENDING_INVITATION)
        if token:
            return reverse("invitation_accept", args=[token])
        if request.user.is_authenticated:
            invitation = open_invitation_for(request.user)
            if invitation is not None:
                return reverse("invitation_accept", args=[invitation_token(invitation)])
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)
