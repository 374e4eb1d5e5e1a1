"""Invitation pages (the admin's list and form, the invited person's landing page) and
profiles (the person's own, a member's, and the photos)."""

import re

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.urls import site_root
from mentorship.core.views import action_submit, form_status, form_submit
from mentorship.tenancy.access import admin_required, member_required
from mentorship.tenancy.models import Membership
from mentorship.tenancy.pagination import paginate

from . import selectors, services
from .access import access_invitation_by_id, access_member_profile_by_id
from .adapters import PENDING_INVITATION
from .forms import InvitationForm, ProfileEditForm
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


# --- profiles (issue 10) ---------------------------------------------------------------------


@member_required
def my_profile(request, org_slug):
    """The person's own profile in this organisation: name, photo, bio, time zone,
    languages. Everyone edits their own (a GET and a POST by the person themselves)."""
    organization = request.organization
    profile = selectors.profile_of(organization=organization, user=request.user)
    initial = {"name": request.user.name}
    if profile is not None:
        initial.update(bio=profile.bio, time_zone=profile.time_zone, languages=profile.languages)
    form = ProfileEditForm(request.POST or None, request.FILES or None, initial=initial)
    done = form_submit(
        request,
        form,
        lambda data: services.profile_update(
            organization=organization, user=request.user, by=request.user, **form.service_kwargs()
        ),
        message="Your profile is saved.",
        redirect_to=reverse("my_profile", args=[org_slug]),
    )
    if done:
        return done
    return render(
        request,
        "accounts/profile_edit.html",
        {
            "form": form,
            "profile": profile,
            "profile_url": reverse("member_profile", args=[org_slug, request.user.pk]),
        },
        status=form_status(form),
    )


@member_required
def member_profile(request, org_slug, user_id):
    """A member's profile, to those with a reason to see it (``access_member_profile_by_id``)."""
    person = access_member_profile_by_id(membership=request.membership, user_id=user_id)
    context = selectors.profile_page(organization=request.organization, person=person)
    context["is_me"] = person.pk == request.user.pk
    return render(request, "accounts/profile_detail.html", context)


# The name every profile photo is stored under (mentorship.accounts.models): 24 hex digits.
PHOTO_NAME = re.compile(r"[0-9a-f]{24}\.jpg")


def media_photo(request, organization_id, name):
    """A profile photo from the default storage, to signed-in members of its organisation
    only (whitenoise serves static files, not media; this view serves them in DEBUG and in
    production alike). 404 for anyone else, as for a missing file."""
    if not request.user.is_authenticated:
        raise Http404
    if (
        not Membership.objects.of_user(request.user)
        .filter(organization_id=organization_id)
        .exists()
    ):
        raise Http404
    if not PHOTO_NAME.fullmatch(name):  # only the names profile photos are stored under
        raise Http404
    path = f"profiles/{organization_id}/{name}"
    if not default_storage.exists(path):
        raise Http404
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
