"""A cohort's topic mentors (M6): leaders read them, admins add and end them."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit, form_status, form_submit
from mentorship.tenancy.access import admin_required, leader_reads_admin_writes
from programs.access import access_cohort_by_id

from ..access import access_pairing_by_id
from ..forms.topic_mentors import TopicMentorForm
from ..selectors.topic_mentors import cohort_live_pairings
from ..services import topic_mentors as services


@leader_reads_admin_writes
def cohort_topic_mentors(request, org_slug, cohort_id):
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    if cohort.status == cohort.Status.COMPLETED:
        # the cohort is over: its pairings have ended, and it takes no new topic mentor
        context = {"cohort": cohort, "form": None, "pairings": []}
        return render(request, "matching/topic_mentors/topic_mentors.html", context)
    form = TopicMentorForm(
        request.POST if request.method == "POST" else None,
        organization=request.organization,
        cohort=cohort,
    )
    done = form_submit(
        request,
        form,
        lambda data: services.topic_mentor_add(by=request.user, **data),
        message=lambda pairing: (
            f"{pairing.mentor.user} is now {pairing.mentee.user}'s topic mentor "
            f"for {pairing.topic}."
        ),
        redirect_to=reverse("cohort_topic_mentors", args=[org_slug, cohort.pk]),
    )
    if done:
        return done
    context = {"cohort": cohort, "form": form, "pairings": cohort_live_pairings(cohort=cohort)}
    return render(
        request, "matching/topic_mentors/topic_mentors.html", context, status=form_status(form)
    )


@admin_required
@require_POST
def topic_mentor_end(request, org_slug, pairing_id):
    pairing = access_pairing_by_id(membership=request.membership, pairing_id=pairing_id)
    return action_submit(
        request,
        lambda: services.topic_mentor_end(pairing=pairing, by=request.user),
        redirect_to=reverse("cohort_topic_mentors", args=[org_slug, pairing.cohort_id]),
        message=f"{pairing.mentor.user} is no longer a topic mentor here.",
    )
