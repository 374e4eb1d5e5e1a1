"""Invitation pages: the admin's list and form, and the invited person's landing page."""

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import add_errors
from mentorship.tenancy.access import admin_required, get_for_org_or_404
from mentorship.tenancy.pagination import paginate

from . import services
from .adapters import PENDING_INVITATION
from .forms import InvitationForm
from .invitations import InvalidInvitation
from .models import Invitation


def _site_url(request):
    return request.build_absolute_uri("/")


@admin_required
def invitation_list(request, org_slug):
    organization = request.organization
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                organization=organization,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                by=request.user,
                site_url=_site_url(request),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("invitation_list", org_slug=org_slug)
    status = request.GET.get("status", "open")
    queryset = Invitation.objects.for_org(organization).select_related("invited_by")
    if status == "open":
        queryset = queryset.pending()
    page = paginate(request, queryset)
    return render(
        request,
        "accounts/invitation_list.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "max_age_days": settings.INVITATION_MAX_AGE_DAYS,
        },
        status=400 if form.errors else 200,
    )


def _invitation_action(request, org_slug, invitation_id, action):
    invitation = get_for_org_or_404(
        Invitation.objects.select_related("organization"), request.organization, pk=invitation_id
    )
    try:
        action(invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(reverse("invitation_list", args=[org_slug]) + "?status=all")


@admin_required
@require_POST
def invitation_revoke(request, org_slug, invitation_id):
    def revoke(invitation):
        services.invitation_revoke(invitation=invitation, by=request.user)
        messages.success(request, f"The invitation to {invitation.email} was revoked.")

    return _invitation_action(request, org_slug, invitation_id, revoke)


@admin_required
@require_POST
def invitation_resend(request, org_slug, invitation_id):
    def resend(invitation):
        services.invitation_resend(
            invitation=invitation, by=request.user, site_url=_site_url(request)
        )
        messages.success(request, f"A new invitation link was sent to {invitation.email}.")

    return _invitation_action(request, org_slug, invitation_id, resend)


def invitation_accept(request, token):
    """Where an invitation link lands. Strangers sign up or sign in and come back here."""
    try:
        invitation = services.invitation_from_token(token)
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
