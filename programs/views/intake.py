"""Pages of intake and readiness: a participant's page (answers, checklist, readiness
score), and the participant's own pages: "My programs", the charter and the intake form."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from mentorship.core.views import form_status, form_submit
from mentorship.tenancy.access import admin_required, leader_required, member_required

from ..access import access_own_participation_by_id, access_participant_by_id
from ..availability import BLOCKS, DAYS
from ..forms.catalogue import CharterAcknowledgeForm
from ..forms.people import MenteeIntakeForm, MentorIntakeForm, ReadinessForm
from ..models import Participant, Program
from ..selectors import people as selectors
from ..services import intake as services


def _availability_rows(slots):
    """[(day label, [(block label, free?), ...]), ...] for the read-only week table."""
    chosen = set(slots or [])
    return [
        (day_label, [(label, f"{day}-{block}" in chosen) for block, label, _, _ in BLOCKS])
        for day, day_label in DAYS
    ]


def _participant_read(request, participant_id):
    """The participant (through the access getter: 404 for missing and forbidden alike),
    read with the list's state and their intake's goals or offers."""
    participant = access_participant_by_id(
        membership=request.membership, participant_id=participant_id
    )
    return selectors.participant_with_state(participant=participant, with_intake=True)


@leader_required
def participant_detail(request, org_slug, participant_id):
    participant = _participant_read(request, participant_id)
    intake = selectors.intake_of(participant)
    readiness = getattr(participant, "readiness", None)
    form = None
    if request.membership.is_admin and participant.role == Participant.Role.MENTOR:
        form = ReadinessForm(
            initial={
                "coaching_aptitude": readiness.coaching_aptitude,
                "time_availability": readiness.time_availability,
                "domain_credibility": readiness.domain_credibility,
                "notes": readiness.notes,
            }
            if readiness
            else {"coaching_aptitude": 3, "time_availability": 3, "domain_credibility": 3}
        )
    return _detail_page(request, participant, intake, readiness, form)


def _detail_page(request, participant, intake, readiness, form, status=200):
    context = {
        "participant": participant,
        "cohort": participant.cohort,
        "intake": intake,
        "readiness": readiness,
        "form": form,
        "availability": _availability_rows(intake.availability if intake else []),
        "blocks": BLOCKS,
        "primer_exists": selectors.coaching_primer_exists(organization=request.organization),
    }
    if intake is not None:
        context["learning_style"] = services.LEARNING_STYLE_LABELS.get(
            getattr(intake, "learning_style", ""), ""
        )
        formats = dict(Program.Format.choices)
        context["formats"] = [formats.get(code, code) for code in getattr(intake, "formats", [])]
        context["styles"] = [
            services.COACHING_STYLE_LABELS.get(code, code)
            for code in getattr(intake, "coaching_styles", [])
        ]
    return render(request, "programs/people/participant_detail.html", context, status=status)


@admin_required
def participant_readiness(request, org_slug, participant_id):
    participant = _participant_read(request, participant_id)
    if request.method != "POST":
        return redirect("participant_detail", org_slug=org_slug, participant_id=participant.pk)
    form = ReadinessForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.mentor_readiness_score(
            participant=participant, by=request.user, **data
        ),
        message=lambda readiness: (
            f"Readiness of {participant.user} saved: {readiness.score:g} out of 5."
        ),
        redirect_to=reverse("participant_detail", args=[org_slug, participant.pk]),
    )
    if done:
        return done
    intake = selectors.intake_of(participant)
    readiness = getattr(participant, "readiness", None)
    return _detail_page(request, participant, intake, readiness, form, status=400)


# --- the participant's own pages ---------------------------------------------------------


@member_required
def my_programs(request, org_slug):
    rows = selectors.my_participations(organization=request.organization, user=request.user)
    return render(request, "programs/people/my_programs.html", {"rows": rows})


@member_required
def participant_charter(request, org_slug, participant_id):
    """The participant's flow: read the program's charter and acknowledge it (before the
    intake). Leaders read it on the program's charter page."""
    participant = access_own_participation_by_id(
        membership=request.membership, participant_id=participant_id
    )
    program = participant.cohort.program
    form = CharterAcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and participant.status == Participant.Status.WITHDRAWN:
        messages.error(request, "You have withdrawn from this cohort.")
        return redirect("my_programs", org_slug=org_slug)
    after = (
        reverse("participant_intake", args=[org_slug, participant.pk])
        if participant.role in selectors.INTAKE_ROLES
        else reverse("my_programs", args=[org_slug])
    )
    done = form_submit(
        request,
        form,
        lambda data: services.participant_charter_acknowledge(participant=participant),
        message=f"Thank you: you acknowledged the charter of {program}.",
        redirect_to=after,
    )
    if done:
        return done
    context = {
        "participant": participant,
        "program": program,
        "acknowledged": selectors.participant_charter_done(participant),
        "form": form,
    }
    return render(request, "programs/people/charter.html", context, status=form_status(form))


@member_required
def participant_intake(request, org_slug, participant_id):
    """The participant's own intake: the mentee's or the mentor's form. Others get 404."""
    participant = access_own_participation_by_id(
        membership=request.membership, participant_id=participant_id
    )
    organization = request.organization
    context = {"participant": participant, "cohort": participant.cohort}
    if participant.role not in selectors.INTAKE_ROLES:
        return render(request, "programs/people/intake_none.html", context)
    program = participant.cohort.program
    if not selectors.participant_charter_done(participant):
        messages.info(request, services.CHARTER_FIRST)
        return redirect("participant_charter", org_slug=org_slug, participant_id=participant.pk)
    if (
        participant.status != Participant.Status.ACTIVE
        or participant.cohort.status == participant.cohort.Status.COMPLETED
    ):
        # withdrawn, or the cohort is over: nothing to fill in (a POST changes nothing)
        return render(request, "programs/people/intake_none.html", context)
    is_mentor = participant.role == Participant.Role.MENTOR
    intake = selectors.intake_of(participant)
    form_class = MentorIntakeForm if is_mentor else MenteeIntakeForm
    form = form_class(
        request.POST if request.method == "POST" else None,
        organization=organization,
        initial=_intake_initial(intake, is_mentor, program),
    )
    save = services.mentor_intake_save if is_mentor else services.mentee_intake_save
    done = form_submit(
        request,
        form,
        lambda data: save(participant=participant, **data),
        message="Your intake is saved. You can come back and change it at any time."
        if intake and intake.completed_at
        else "Thank you: your intake is complete. You can change it at any time.",
        redirect_to=reverse("my_programs", args=[org_slug]),
    )
    if done:
        return done
    context.update(form=form, intake=intake, is_mentor=is_mentor)
    return render(request, "programs/people/intake_form.html", context, status=form_status(form))


def _intake_initial(intake, is_mentor, program):
    if intake is None or intake.pk is None:
        return {"capacity": program.mentees_per_mentor} if is_mentor else {}
    if is_mentor:
        return {
            "competencies": {o.competency_id: o.level for o in intake.offers.all()},
            "capacity": intake.capacity,
            "availability": intake.availability,
            "time_zone": intake.time_zone,
            "languages": intake.languages,
            "formats": intake.formats,
            "coaching_styles": intake.coaching_styles,
            "bio": intake.bio,
        }
    return {
        "goals": intake.goals,
        "competencies": {g.competency_id: g.priority for g in intake.goal_items.all()},
        "learning_style": intake.learning_style,
        "preferred_format": intake.preferred_format,
        "career_drivers": intake.career_drivers,
        "availability": intake.availability,
        "time_zone": intake.time_zone,
        "feedback_preferences": intake.feedback_preferences,
    }
