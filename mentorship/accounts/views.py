"""Invitation pages: the admin's list and form, and the invited person's landing page."""

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.urls import site_root
from mentorship.core.views import action_submit, form_status, form_submit
from mentorship.tenancy.access import admin_required
from mentorship.tenancy.pagination import paginate

from . import selectors, services
from .access import access_invitation_by_id
from .adapters import PENDING_INVITATION
from .forms import InvitationForm
from .invitations import InvalidInvitation


@admin_required
def invitation_list(request, org_slug):
    organization = request.organization
    form = InvitationForm(request.POST or None)
    done = form_submit(
        request,
        form,
        lambda data: services.invitation_create(
            organization=organization,
            email=data["email"],
            name=data["name"],
            role=data["role"],
            by=request.user,
            site_url=site_root(request=request),
        ),
        message=lambda invitation: f"Invitation sent to {invitation.email}.",
        redirect_to=reverse("invitation_list", args=[org_slug]),
    )
    if done:
        return done
    status = request.GET.get("status", "open")
    page = paginate(request, selectors.invitation_list(organization=organization, status=status))
    return render(
        request,
        "accounts/invitation_list.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
        },
        status=form_status(form),
    )


def _all_invitations(org_slug):
    return reverse("invitation_list", args=[org_slug]) + "?status=all"


@admin_required
@require_POST
def invitation_revoke(request, org_slug, invitation_id):
    invitation = access_invitation_by_id(membership=request.membership, invitation_id=invitation_id)
    return action_submit(
        request,
        lambda: services.invitation_revoke(invitation=invitation, by=request.user),
        message=f"The invitation to {invitation.email} was revoked.",
        redirect_to=_all_invitations(org_slug),
    )


@admin_required
@require_POST
def invitation_resend(request, org_slug, invitation_id):
    invitation = access_invitation_by_id(membership=request.membership, invitation_id=invitation_id)
    return action_submit(
        request,
        lambda: services.invitation_resend(
            invitation=invitation, by=request.user, site_url=site_root(request=request)
        ),
        message=f"A new invitation link was sent to {invitation.email}.",
        redirect_to=_all_invitations(org_slug),
    )


def invitation_accept(request, token):
    """Where an invitation link lands. Strangers sign up or sign in and come back here."""
    try:
        invitation = selectors.invitation_by_token(token=token)
    except InvalidInvitation as error:
        request.session.pop(PENDING_INVITATION, None)
        return render(request, "accounts/invitation_invalid.html", {"error": error}, status=400)

    if not request.user.is_authenticated:
        request.session[PENDING_INVITATION] = token
        # The link reached this inbox: the address needs no second verification.
        get_adapter(request).stash_verified_email(request, invitation.email)
        return render(request, "accounts/invitation_accept.html", {"invitation": invitation})

    wrong_person = invitation.email.lower() != request.user.email.lower()
    if request.method == "POST":
        if request.POST.get("action") == "switch":
            logout(request)
            request.session[PENDING_INVITATION] = token
            return redirect(reverse("account_login"))
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except InvalidInvitation as error:
            return render(
                request,
                "accounts/invitation_accept.html",
                {"invitation": invitation, "error": error, "wrong_person": wrong_person},
                status=400,
            )
        request.session.pop(PENDING_INVITATION, None)
        messages.success(request, f"Welcome to {membership.organization.name}.")
        return redirect("org_home", org_slug=membership.organization.slug)
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "wrong_person": wrong_person},
    )
