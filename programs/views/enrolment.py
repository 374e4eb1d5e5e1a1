"""Pages of enrolment: a cohort's participants, adding members and inviting people by
e-mail, and a participant's status (withdraw, complete, certify). Thin: resolve, check, call
a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.urls import site_root
from mentorship.core.views import error_text, form_status, form_submit, list_template
from mentorship.tenancy.access import admin_required, role_required
from mentorship.tenancy.models import Role
from mentorship.tenancy.pagination import paginate

from ..access import (
    access_cohort_as_staff_or_facilitator_by_id,
    access_cohort_by_id,
    access_participant_by_id,
)
from ..filters.people import ParticipantFilter
from ..forms.people import ParticipantAddForm, ParticipantInviteForm, ParticipantStatusForm
from ..models import Participant
from ..selectors import people as selectors
from ..selectors.cohorts import cohort_seats
from ..services import enrolment as services

INVITED_SHOWN = 8


@role_required(read=Role.MEMBER, write=Role.LEADER)  # members: their own cohort only
def cohort_participants(request, org_slug, cohort_id):
    cohort = access_cohort_as_staff_or_facilitator_by_id(
        membership=request.membership, cohort_id=cohort_id
    )
    participant_filter = ParticipantFilter(
        request.GET, queryset=selectors.cohort_participants(cohort=cohort)
    )
    page = paginate(request, participant_filter.qs)
    summary = selectors.cohort_people_summary(cohort=cohort)
    invited = selectors.cohort_invited(cohort=cohort, limit=INVITED_SHOWN)
    context = {
        "cohort": cohort,
        "filter": participant_filter,
        "page": page,
        "summary": summary,
        "primer_exists": selectors.coaching_primer_exists(organization=request.organization),
        "invited": invited,
        "invited_more": max(summary["invited"] - len(invited), 0),
    }
    template = list_template(
        request, "programs/people/cohort_participants.html", "participant-results"
    )
    return render(request, template, context)


def _participants_url(cohort):
    return reverse("cohort_participants", args=[cohort.organization.slug, cohort.pk])


@admin_required
def cohort_participant_add(request, org_slug, cohort_id):
    """Add members of the organisation (POST here) or invite by e-mail (POST to invite)."""
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    organization = request.organization
    add_form = ParticipantAddForm(
        request.POST if request.method == "POST" else None,
        organization=organization,
        cohort=cohort,
    )
    invite_form = ParticipantInviteForm(organization=organization)

    def added_message(added):
        names = ", ".join(str(p.user) for p in added)
        role = added[0].get_role_display().lower()
        return f"Added to {cohort.name} as {role}: {names}."

    done = form_submit(
        request,
        add_form,
        lambda data: services.participants_enrol(
            cohort=cohort,
            users=data["people"],
            role=data["role"],
            manager=data["manager"],
            by=request.user,
        ),
        message=added_message,
        redirect_to=_participants_url(cohort),
    )
    return done or _add_page(request, cohort, add_form, invite_form)


def _add_page(request, cohort, add_form, invite_form):
    status = max(form_status(add_form), form_status(invite_form))
    context = {
        "cohort": cohort,
        "add_form": add_form,
        "invite_form": invite_form,
        "seats": cohort_seats(cohort=cohort),
        "anyone_to_add": add_form.fields["people"].queryset.exists(),
    }
    return render(request, "programs/people/participant_add.html", context, status=status)


@admin_required
def cohort_participant_invite(request, org_slug, cohort_id):
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    if request.method != "POST":
        return redirect("cohort_participant_add", org_slug=org_slug, cohort_id=cohort.pk)
    organization = request.organization
    invite_form = ParticipantInviteForm(request.POST, organization=organization)
    add_form = ParticipantAddForm(organization=organization, cohort=cohort)

    def invited_message(result):
        if isinstance(result, Participant):
            return (
                f"{result.user} is already a member of {organization.name}: they were "
                f"added to {cohort.name} as {result.get_role_display().lower()}."
            )
        return (
            f"Invitation sent to {result.invitation.email}. They join {cohort.name} "
            f"as {result.get_role_display().lower()} when they accept it."
        )

    done = form_submit(
        request,
        invite_form,
        lambda data: services.participant_invite(
            cohort=cohort,
            email=data["email"],
            name=data["name"],
            role=data["role"],
            department=data["department"],
            manager=data["manager"],
            by=request.user,
            site_url=site_root(request=request),
        ),
        message=invited_message,
        redirect_to=_participants_url(cohort),
    )
    return done or _add_page(request, cohort, add_form, invite_form)


STATUS_ACTIONS = {
    "withdraw": services.participant_withdraw,
    "complete": services.participant_complete,
    "certify": services.participant_certify,
}


@admin_required
@require_POST
def participant_status(request, org_slug, participant_id):
    """Withdraw, complete or certify a participant; htmx swaps the row in place (a row
    fragment keeps its own small handling: the refusal is shown in the row)."""
    participant = access_participant_by_id(
        membership=request.membership, participant_id=participant_id
    )
    form = ParticipantStatusForm(request.POST)
    error = None
    if not form.is_valid():
        error = "Choose withdraw, complete or certify."
    else:
        action = STATUS_ACTIONS[form.cleaned_data["action"]]
        try:
            action(participant=participant, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as exc:
            error = error_text(exc)
    if request.htmx and request.htmx.target == f"participant-{participant.pk}":
        row = selectors.participant_with_state(participant=participant)
        return render(
            request,
            "programs/people/cohort_participants.html#participant-row",
            {
                "participant": row,
                "cohort": row.cohort,
                "row_error": error,
                "row_saved": error is None,
                "primer_exists": selectors.coaching_primer_exists(
                    organization=request.organization
                ),
            },
        )
    if error:
        messages.error(request, error)
    else:
        participant.refresh_from_db(fields=["status"])
        messages.success(
            request, f"{participant.user} is now {participant.get_status_display().lower()}."
        )
    back = request.POST.get("next")
    if back == "detail":
        return redirect("participant_detail", org_slug=org_slug, participant_id=participant.pk)
    return redirect("cohort_participants", org_slug=org_slug, cohort_id=participant.cohort_id)
