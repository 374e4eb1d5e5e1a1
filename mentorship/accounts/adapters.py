"""allauth adapter: invitations carry the person back to their organisation after sign-in
or sign-up, and an invitation proves the e-mail address, so it needs no second check."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

PENDING_INVITATION = "pending_invitation"


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        token = request.session.get(PENDING_INVITATION)
        if token:
            return reverse("invitation_accept", args=[token])
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        return self.get_login_redirect_url(request)
