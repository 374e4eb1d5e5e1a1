"""Pages of the people area: a cohort's participants, enrolment and invitations, CSV
import, intake status and reminders, a participant's page with readiness, and the
participant's own "My programs" and intake. Thin: resolve, check, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mentorship.core.views import add_errors
from mentorship.tenancy.access import admin_required, leader_required, member_required
from mentorship.tenancy.pagination import paginate

from .. import csv_import
from ..access import access_cohort, access_own_participation, access_participant
from ..availability import BLOCKS, DAYS
from ..filters.people import ParticipantFilter
from ..forms.catalogue import CharterAcknowledgeForm
from ..forms.people import (
    MenteeIntakeForm,
    MentorIntakeForm,
    ParticipantAddForm,
    ParticipantImportForm,
    ParticipantInviteForm,
    ParticipantStatusForm,
    ReadinessForm,
)
from ..models import MenteeGoal, MentorOffer, Participant, Program
from ..services import people as services


def _site_url(request):
    return request.build_absolute_uri("/")


def _error_text(error):
    return " ".join(error.messages)


def _participant_state(request, participant_id, *, extra=()):
    """One participant of this organisation, with the list's annotations, or 404."""
    queryset = services.participants_with_state(request.organization).filter(pk=participant_id)
    if extra:
        queryset = queryset.prefetch_related(*extra)
    participant = queryset.first()
    if participant is None:
        raise Http404
    return participant


# --- a cohort's participants -------------------------------------------------------------


@leader_required
def cohort_participants(request, org_slug, cohort_id):
    cohort = access_cohort(request, cohort_id)
    queryset = services.participants_with_state(request.organization).filter(cohort=cohort)
    participant_filter = ParticipantFilter(request.GET, queryset=queryset)
    page = paginate(request, participant_filter.qs)
    summary = services.cohort_people_summary(cohort)
    invited = list(services.open_pending_enrolments(cohort).order_by("invitation__email")[:8])
    context = {
        "cohort": cohort,
        "filter": participant_filter,
        "page": page,
        "summary": summary,
        "primer_exists": services.coaching_primer_exists(request.organization),
        "invited": invited,
        "invited_more": max(summary["invited"] - len(invited), 0),
    }
    template = "programs/people/cohort_participants.html"
    if request.htmx and request.htmx.target == "participant-results":
        template += "#results"
    return render(request, template, context)


@admin_required
def cohort_participant_add(request, org_slug, cohort_id):
    """Add members of the organisation (POST here) or invite by e-mail (POST to invite)."""
    cohort = access_cohort(request, cohort_id)
    organization = request.organization
    add_form = ParticipantAddForm(
        request.POST if request.method == "POST" else None,
        organization=organization,
        cohort=cohort,
    )
    invite_form = ParticipantInviteForm(organization=organization)
    if request.method == "POST" and add_form.is_valid():
        try:
            added = services.participants_enrol(
                cohort=cohort,
                users=add_form.cleaned_data["people"],
                role=add_form.cleaned_data["role"],
                manager=add_form.cleaned_data["manager"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(add_form, error)
        else:
            names = ", ".join(str(p.user) for p in added)
            role = added[0].get_role_display().lower()
            messages.success(request, f"Added to {cohort.name} as {role}: {names}.")
            return redirect("cohort_participants", org_slug=org_slug, cohort_id=cohort.pk)
    return _add_page(request, cohort, add_form, invite_form)


def _add_page(request, cohort, add_form, invite_form):
    status = 400 if add_form.errors or invite_form.errors else 200
    context = {
        "cohort": cohort,
        "add_form": add_form,
        "invite_form": invite_form,
        "seats": services.cohort_seats(cohort),
        "anyone_to_add": add_form.fields["people"].queryset.exists(),
    }
    return render(request, "programs/people/participant_add.html", context, status=status)


@admin_required
def cohort_participant_invite(request, org_slug, cohort_id):
    cohort = access_cohort(request, cohort_id)
    if request.method != "POST":
        return redirect("cohort_participant_add", org_slug=org_slug, cohort_id=cohort.pk)
    organization = request.organization
    invite_form = ParticipantInviteForm(request.POST, organization=organization)
    add_form = ParticipantAddForm(organization=organization, cohort=cohort)
    if invite_form.is_valid():
        data = invite_form.cleaned_data
        try:
            result = services.participant_invite(
                cohort=cohort,
                email=data["email"],
                name=data["name"],
                role=data["role"],
                department=data["department"],
                manager=data["manager"],
                by=request.user,
                site_url=_site_url(request),
            )
        except ValidationError as error:
            add_errors(invite_form, error)
        else:
            if isinstance(result, Participant):
                messages.success(
                    request,
                    f"{result.user} is already a member of {organization.name}: they were "
                    f"added to {cohort.name} as {result.get_role_display().lower()}.",
                )
            else:
                messages.success(
                    request,
                    f"Invitation sent to {result.invitation.email}. They join {cohort.name} "
                    f"as {result.get_role_display().lower()} when they accept it.",
                )
            return redirect("cohort_participants", org_slug=org_slug, cohort_id=cohort.pk)
    return _add_page(request, cohort, add_form, invite_form)


@admin_required
@require_POST
def participant_status(request, org_slug, participant_id):
    """Withdraw, complete or certify a participant; htmx swaps the row in place."""
    participant = access_participant(request, participant_id)
    form = ParticipantStatusForm(request.POST)
    error = None
    if not form.is_valid():
        error = "Choose withdraw, complete or certify."
    else:
        action = {
            "withdraw": services.participant_withdraw,
            "complete": services.participant_complete,
            "certify": services.participant_certify,
        }[form.cleaned_data["action"]]
        try:
            action(participant=participant, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as exc:
            error = _error_text(exc)
    if request.htmx and request.htmx.target == f"participant-{participant.pk}":
        row = _participant_state(request, participant.pk)
        return render(
            request,
            "programs/people/cohort_participants.html#participant-row",
            {
                "participant": row,
                "cohort": row.cohort,
                "row_error": error,
                "row_saved": error is None,
                "primer_exists": services.coaching_primer_exists(request.organization),
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


# --- CSV import --------------------------------------------------------------------------


@admin_required
def cohort_import(request, org_slug, cohort_id):
    cohort = access_cohort(request, cohort_id)
    form = ParticipantImportForm(
        *((request.POST, request.FILES) if request.method == "POST" else ())
    )
    context = {"cohort": cohort, "form": form, "seats": services.cohort_seats(cohort)}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = services.participants_import(
                cohort=cohort,
                data=upload.read(),
                filename=upload.name,
                by=request.user,
                site_url=_site_url(request),
            )
        except services.ImportRejected as rejected:
            context.update(errors=rejected.errors, filename=upload.name)
            return render(request, "programs/people/cohort_import.html", context, status=400)
        except ValidationError as error:
            add_errors(form, error)
        else:
            context.update(summary=summary, filename=upload.name)
            return render(request, "programs/people/cohort_import_done.html", context)
    status = 400 if form.errors else 200
    return render(request, "programs/people/cohort_import.html", context, status=status)


@admin_required
def cohort_import_example(request, org_slug, cohort_id):
    cohort = access_cohort(request, cohort_id)
    response = HttpResponse(csv_import.EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="participants-example-cohort-{cohort.pk}.csv"'
    )
    return response


# --- intake status and reminders ---------------------------------------------------------


@leader_required
def cohort_intake(request, org_slug, cohort_id):
    """Everyone of the cohort who has not finished intake, with who was reminded today."""
    cohort = access_cohort(request, cohort_id)
    pending = services.intake_pending(cohort).order_by("role", "user__name", "user__email")
    page = paginate(request, pending)
    pending_ids = set(pending.values_list("pk", flat=True))
    reminded = services.reminded_today(cohort) & pending_ids
    context = {
        "cohort": cohort,
        "page": page,
        "reminded": reminded,
        "remindable": len(pending_ids - reminded),
        "summary": services.cohort_people_summary(cohort),
        "primer_exists": services.coaching_primer_exists(request.organization),
    }
    template = "programs/people/cohort_intake.html"
    if request.htmx and request.htmx.target == "intake-results":
        template += "#results"
    return render(request, template, context)


@admin_required
@require_POST
def participant_remind(request, org_slug, participant_id):
    participant = access_participant(request, participant_id)
    try:
        created = services.intake_reminder_send(
            participant=participant, by=request.user, site_url=_site_url(request)
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if created:
            messages.success(request, f"Reminder on its way to {participant.user}.")
        else:
            messages.info(
                request, f"{participant.user} was already reminded today: one a day at most."
            )
    return redirect("cohort_intake", org_slug=org_slug, cohort_id=participant.cohort_id)


@admin_required
@require_POST
def cohort_intake_remind_all(request, org_slug, cohort_id):
    cohort = access_cohort(request, cohort_id)
    to_remind, already = services.cohort_intake_remind_all(
        cohort=cohort, by=request.user, site_url=_site_url(request)
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


# --- one participant: answers, checklist, readiness --------------------------------------


def _intake_prefetch(organization):
    return (
        Prefetch(
            "mentee_intake__goal_items",
            queryset=MenteeGoal.objects.for_org(organization).select_related("competency"),
        ),
        Prefetch(
            "mentor_intake__offers",
            queryset=MentorOffer.objects.for_org(organization).select_related("competency"),
        ),
    )


def _availability_rows(slots):
    """[(day label, [(block label, free?), ...]), ...] for the read-only week table."""
    chosen = set(slots or [])
    return [
        (day_label, [(label, f"{day}-{block}" in chosen) for block, label, _, _ in BLOCKS])
        for day, day_label in DAYS
    ]


@leader_required
def participant_detail(request, org_slug, participant_id):
    participant = _participant_state(
        request, participant_id, extra=_intake_prefetch(request.organization)
    )
    intake = services.intake_of(participant)
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
        "primer_exists": services.coaching_primer_exists(request.organization),
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
    participant = _participant_state(
        request, participant_id, extra=_intake_prefetch(request.organization)
    )
    if request.method != "POST":
        return redirect("participant_detail", org_slug=org_slug, participant_id=participant.pk)
    form = ReadinessForm(request.POST)
    if form.is_valid():
        try:
            readiness = services.mentor_readiness_score(
                participant=participant, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"Readiness of {participant.user} saved: {readiness.score:g} out of 5."
            )
            return redirect("participant_detail", org_slug=org_slug, participant_id=participant.pk)
    intake = services.intake_of(participant)
    readiness = getattr(participant, "readiness", None)
    return _detail_page(request, participant, intake, readiness, form, status=400)


# --- the participant's own pages ---------------------------------------------------------


@member_required
def my_programs(request, org_slug):
    rows = services.my_participations(organization=request.organization, user=request.user)
    return render(request, "programs/people/my_programs.html", {"rows": rows})


@member_required
def participant_charter(request, org_slug, participant_id):
    """The participant's flow: read the program's charter and acknowledge it (before the
    intake). Leaders read it on the program's charter page."""
    participant = access_own_participation(request, participant_id)
    program = participant.cohort.program
    form = CharterAcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if participant.status == Participant.Status.WITHDRAWN:
            messages.error(request, "You have withdrawn from this cohort.")
            return redirect("my_programs", org_slug=org_slug)
        if form.is_valid():
            services.participant_charter_acknowledge(participant=participant)
            messages.success(request, f"Thank you: you acknowledged the charter of {program}.")
            if participant.role in services.INTAKE_ROLES:
                return redirect(
                    "participant_intake", org_slug=org_slug, participant_id=participant.pk
                )
            return redirect("my_programs", org_slug=org_slug)
    context = {
        "participant": participant,
        "program": program,
        "acknowledged": services.participant_charter_done(participant),
        "form": form,
    }
    return render(
        request, "programs/people/charter.html", context, status=400 if form.errors else 200
    )


@member_required
def participant_intake(request, org_slug, participant_id):
    """The participant's own intake: the mentee's or the mentor's form. Others get 404."""
    participant = access_own_participation(request, participant_id)
    organization = request.organization
    context = {"participant": participant, "cohort": participant.cohort}
    if participant.role not in services.INTAKE_ROLES:
        return render(request, "programs/people/intake_none.html", context)
    program = participant.cohort.program
    if not services.participant_charter_done(participant):
        messages.info(request, "First read and acknowledge the program's charter.")
        return redirect("participant_charter", org_slug=org_slug, participant_id=participant.pk)
    if participant.status == Participant.Status.WITHDRAWN:
        return render(request, "programs/people/intake_none.html", context)
    is_mentor = participant.role == Participant.Role.MENTOR
    intake = services.intake_of(participant)
    form_class = MentorIntakeForm if is_mentor else MenteeIntakeForm
    form = form_class(
        request.POST if request.method == "POST" else None,
        organization=organization,
        initial=_intake_initial(intake, is_mentor, program),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        save = services.mentor_intake_save if is_mentor else services.mentee_intake_save
        try:
            save(participant=participant, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                "Your intake is saved. You can come back and change it at any time."
                if intake and intake.completed_at
                else "Thank you: your intake is complete. You can change it at any time.",
            )
            return redirect("my_programs", org_slug=org_slug)
    context.update(form=form, intake=intake, is_mentor=is_mentor)
    status = 400 if form.errors else 200
    return render(request, "programs/people/intake_form.html", context, status=status)


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
