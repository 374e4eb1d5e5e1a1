"""Re-pairing in two clicks (the admin), a pair's confidential rematch request, and the
admin's handling of one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit, error_text, form_status, form_submit
from mentorship.tenancy.access import admin_required, member_required
from programs.access import access_participant_by_id

from ..access import access_pairing_by_id, access_rematch_request_by_id
from ..forms.rematch import RematchRequestForm
from ..selectors.candidates import repair_candidates
from ..selectors.sides import pairing_partner
from ..services import rematch as services


@admin_required
def pairing_repair(request, org_slug, pairing_id):
    """Click 1 (GET): the top three mentors with capacity, explained. Click 2 (POST): re-pair."""
    pairing = access_pairing_by_id(membership=request.membership, pairing_id=pairing_id)
    error = ""
    if request.method == "POST":
        mentor = access_participant_by_id(
            membership=request.membership, participant_id=request.POST.get("mentor") or 0
        )
        try:
            new = services.pairing_repair(pairing=pairing, mentor=mentor, by=request.user)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(
                request,
                f"{new.mentee.user} is now offered {new.mentor.user}; both have been told.",
            )
            return redirect("calibration", org_slug=org_slug)
    context = {
        "pairing": pairing,
        "candidates": repair_candidates(pairing=pairing, limit=3),
        "error": error,
    }
    template = "matching/rematch/repair.html"
    if request.htmx:
        template += "#choices"
    return render(request, template, context, status=400 if error else 200)


@admin_required
@require_POST
def rematch_request_resolve(request, org_slug, rematchrequest_id):
    rematch_request = access_rematch_request_by_id(
        membership=request.membership, rematchrequest_id=rematchrequest_id
    )
    return action_submit(
        request,
        lambda: services.rematch_resolve(rematch_request=rematch_request, by=request.user),
        redirect_to=reverse("calibration", args=[org_slug]),
        message="Rematch request marked as handled.",
    )


@member_required
def pairing_rematch(request, org_slug, pairing_id):
    """Either side asks, confidentially, for another partner."""
    pairing = access_pairing_by_id(
        membership=request.membership, pairing_id=pairing_id, side="either"
    )
    form = RematchRequestForm(request.POST if request.method == "POST" else None)
    done = form_submit(
        request,
        form,
        lambda data: services.rematch_request(pairing=pairing, by=request.user, **data),
        message="Your request is with the program's admins. Your partner is not told.",
        redirect_to=reverse("my_mentoring", args=[org_slug]),
    )
    if done:
        return done
    context = {"pairing": pairing, "partner": pairing_partner(pairing, request.user), "form": form}
    return render(
        request, "matching/rematch/pairing_rematch.html", context, status=form_status(form)
    )
