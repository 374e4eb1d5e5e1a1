"""Pages of the feedback area: a person's own pulse survey, and kudos from the session page."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit, form_status, form_submit
from mentorship.tenancy.access import member_required

from ..access import access_own_pulse_answer_by_id, access_session_by_id
from ..forms.feedback import KudosForm, PulseForm
from ..selectors import feedback as selectors
from ..selectors.people import zone_of
from ..services import feedback as services


@member_required
def my_pulse(request, org_slug, pulseanswer_id):
    """The pulse survey of one session, for the person asked (answered once)."""
    pulse = access_own_pulse_answer_by_id(
        membership=request.membership, pulseanswer_id=pulseanswer_id
    )
    if pulse.answered_at is not None and request.method == "POST":
        # Answered already: the service's refusal ("an answer is final") as a message.
        return action_submit(
            request,
            lambda: services.pulse_answer(
                pulse=pulse, score=request.POST.get("score"), by=request.user
            ),
            redirect_to=request.path,
        )
    form = PulseForm(request.POST or None)
    done = form_submit(
        request,
        form,
        lambda data: services.pulse_answer(
            pulse=pulse, score=data["score"], comment=data["comment"], by=request.user
        ),
        message="Thank you: your answer is saved. Only you see it.",
        redirect_to=request.path,
    )
    if done:
        return done
    zone = zone_of(organization=request.organization, user=request.user)
    context = {**selectors.my_pulse(pulse=pulse), "form": form, "zone": zone}
    return render(request, "sessions/feedback/pulse.html", context, status=form_status(form))


@member_required
@require_POST
def session_kudos(request, org_slug, session_id):
    """Send kudos from the session page's feedback panel."""
    session = access_session_by_id(membership=request.membership, session_id=session_id)
    form = KudosForm(request.POST)
    page = reverse("session_detail", args=[org_slug, session.pk])
    done = form_submit(
        request,
        form,
        lambda data: services.kudos_give(session=session, text=data["text"], by=request.user),
        message="Your kudos are sent: they show on the cohort's page.",
        redirect_to=page + "#feedback",
    )
    if done:
        return done
    context = {
        "session": session,
        **selectors.session_feedback_panel(session=session, membership=request.membership),
        "kudos_form": form,
    }
    return render(request, "sessions/feedback/kudos_refused.html", context, status=400)
