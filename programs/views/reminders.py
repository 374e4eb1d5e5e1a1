"""Pages of intake status and reminders: who of a cohort has not finished their intake, and
reminding them (one person, or everyone at once through a task)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.urls import site_root
from mentorship.core.views import action_submit, list_template
from mentorship.tenancy.access import admin_required, leader_required
from mentorship.tenancy.pagination import paginate

from ..access import access_cohort_by_id, access_participant_by_id
from ..selectors import people as selectors
from ..services import reminders as services


@leader_required
def cohort_intake(request, org_slug, cohort_id):
    """Everyone of the cohort who has not finished intake, with who was reminded today."""
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    pending, reminded, remindable = selectors.cohort_intake_status(cohort=cohort)
    context = {
        "cohort": cohort,
        "page": paginate(request, pending),
        "reminded": reminded,
        "remindable": remindable,
        "summary": selectors.cohort_people_summary(cohort=cohort),
        "primer_exists": selectors.coaching_primer_exists(organization=request.organization),
    }
    template = list_template(request, "programs/people/cohort_intake.html", "intake-results")
    return render(request, template, context)


@admin_required
@require_POST
def participant_remind(request, org_slug, participant_id):
    participant = access_participant_by_id(
        membership=request.membership, participant_id=participant_id
    )

    def remind():
        created = services.intake_reminder_send(
            participant=participant, by=request.user, site_url=site_root(request=request)
        )
        if not created:
            messages.info(
                request, f"{participant.user} was already reminded today: one a day at most."
            )
        return created

    return action_submit(
        request,
        remind,
        redirect_to=reverse("cohort_intake", args=[org_slug, participant.cohort_id]),
        message=lambda created: f"Reminder on its way to {participant.user}." if created else "",
    )


@admin_required
@require_POST
def cohort_intake_remind_all(request, org_slug, cohort_id):
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    to_remind, already = services.cohort_intake_remind_all(
        cohort=cohort, by=request.user, site_url=site_root(request=request)
    )
    if to_remind:
        people = "1 person" if to_remind == 1 else f"{to_remind} people"
        note = f" ({already} already reminded today)" if already else ""
        messages.success(request, f"Reminders are on their way to {people}{note}.")
    elif already:
        messages.info(request, "Everyone with an unfinished intake was already reminded today.")
    else:
        messages.info(request, "Everyone has finished their intake: nobody to remind.")
    return redirect("cohort_intake", org_slug=org_slug, cohort_id=cohort.pk)
