"""Pages of the catalogue area: programs (P1) with their charter, blueprints (P2), cohorts
with their lifecycle and milestones (P4). Thin: resolve the object in the organisation, check
who may, call a service, render.

Leaders read the lists and detail pages; every write is an admin's. Blueprints are an admin's
tool (a leader reads a program's phases on the program's page).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.core.views import add_errors
from mentorship.tenancy.access import (
    admin_required,
    get_for_org_or_404,
    leader_required,
    member_required,
)
from mentorship.tenancy.models import AuditEvent
from mentorship.tenancy.pagination import paginate

from .. import builtins
from ..access import access_cohort, access_program
from ..filters.catalogue import CohortFilter, ProgramFilter
from ..forms.catalogue import (
    INDICATOR_GROUPS,
    BlueprintActivityForm,
    BlueprintForm,
    BlueprintPhaseForm,
    CohortForm,
    CohortTransitionForm,
    ProgramForm,
)
from ..models import Blueprint, BlueprintActivity, BlueprintPhase, Cohort, Participant, Program
from ..services import catalogue as services

# What each lifecycle step means, shown beside its button: forward steps by where they
# lead, back-steps by where they come from and lead.
STEP_WORDS = {
    Cohort.Status.ENROLLING: ("Open enrolment", "Add and invite mentors and mentees."),
    Cohort.Status.MATCHING: ("Start matching", "Enrolment closes; pair mentors and mentees."),
    Cohort.Status.ACTIVE: ("Start the cohort", "Pairs meet; milestones count down."),
    Cohort.Status.COMPLETED: ("Complete the cohort", "The cohort is over; it becomes history."),
}
BACK_STEP_WORDS = {
    (Cohort.Status.ENROLLING, Cohort.Status.DRAFT): (
        "Back to draft",
        "Pause enrolment and keep planning.",
    ),
    (Cohort.Status.MATCHING, Cohort.Status.ENROLLING): (
        "Back to enrolling",
        "Reopen enrolment to add or change people.",
    ),
}


def _error_text(error):
    return " ".join(error.messages)


def _list_template(request, template, target):
    if request.htmx and request.htmx.target == target:
        return template + "#results"
    return template


# --- programs ------------------------------------------------------------------------------


@leader_required
def program_list(request, org_slug):
    organization = request.organization
    seated = Q(cohorts__participants__status__in=Participant.ENROLLED_STATUSES) & ~Q(
        cohorts__participants__role=Participant.Role.FACILITATOR
    )
    queryset = (
        Program.objects.for_org(organization)
        .select_related("blueprint")
        .annotate(
            cohort_count=Count("cohorts", distinct=True),
            running_count=Count(
                "cohorts",
                filter=Q(cohorts__status__in=services.RUNNING_STATUSES),
                distinct=True,
            ),
            participant_count=Count("cohorts__participants", filter=seated, distinct=True),
        )
        .order_by("name", "pk")
    )
    program_filter = ProgramFilter(request.GET, queryset=queryset)
    page = paginate(request, program_filter.qs)
    template = _list_template(request, "programs/catalogue/program_list.html", "program-results")
    return render(request, template, {"filter": program_filter, "page": page})


def _indicator_groups(program):
    chosen = set(program.indicators)
    groups = []
    for group, words in INDICATOR_GROUPS:
        labels = [
            label
            for code, (label, kind) in Program.INDICATORS.items()
            if kind == group and code in chosen
        ]
        if labels:
            groups.append((words.split(":")[0], labels))
    return groups


def _charter_people(program):
    """One row per person taking part (their cohorts joined), acknowledged or not."""
    people = {}
    for participant in services.charter_participants(program):
        row = people.setdefault(
            participant.user_id,
            {"user": participant.user, "acknowledged": participant.acknowledged, "cohorts": []},
        )
        row["cohorts"].append(f"{participant.cohort.name} ({participant.get_role_display()})")
    return list(people.values())


@leader_required
def program_detail(request, org_slug, program_id):
    organization = request.organization
    program = get_for_org_or_404(
        Program.objects.select_related("blueprint", "rubric"), organization, pk=program_id
    )
    phases = []
    if program.blueprint_id:
        phases = list(program.blueprint.phases.prefetch_related("activities"))
    cohorts = list(
        Cohort.objects.for_org(organization)
        .filter(program=program)
        .select_related("facilitator")
        .with_counts()
    )
    context = {
        "program": program,
        "phases": phases,
        "weeks": max((phase.end_week for phase in phases), default=0),
        "cohorts": cohorts,
        "indicator_groups": _indicator_groups(program),
    }
    if request.membership.is_admin:
        people = _charter_people(program)
        context["charter_people"] = people
        context["charter_done"] = sum(1 for row in people if row["acknowledged"])
    return render(request, "programs/catalogue/program_detail.html", context)


def _program_form_page(request, form, program=None, status=200):
    return render(
        request,
        "programs/catalogue/program_form.html",
        {"form": form, "program": program},
        status=400 if form.errors else status,
    )


@admin_required
def program_create(request, org_slug):
    organization = request.organization
    form = ProgramForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(
                organization=organization, by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"{program.name} is created. Next: add a cohort with its dates."
            )
            return redirect("program_detail", org_slug=org_slug, program_id=program.pk)
    return _program_form_page(request, form)


@admin_required
def program_edit(request, org_slug, program_id):
    organization = request.organization
    program = access_program(request, program_id)
    form = ProgramForm(request.POST or None, organization=organization, program=program)
    if request.method == "POST" and form.is_valid():
        version = program.charter_version
        try:
            services.program_update(program=program, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            program.refresh_from_db()
            add_errors(form, error)
        else:
            note = ""
            if program.charter_version != version:
                note = (
                    f" The charter is now version {program.charter_version}: participants "
                    f"will be asked to acknowledge it again."
                )
            messages.success(request, f"{program.name} is saved.{note}")
            return redirect("program_detail", org_slug=org_slug, program_id=program.pk)
    return _program_form_page(request, form, program)


@admin_required
@require_POST
def program_archive(request, org_slug, program_id):
    program = access_program(request, program_id)
    try:
        services.program_archive(program=program, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"{program.name} is archived. You can restore it any time.")
    return redirect("program_detail", org_slug=org_slug, program_id=program.pk)


@admin_required
@require_POST
def program_unarchive(request, org_slug, program_id):
    program = access_program(request, program_id)
    services.program_unarchive(program=program, by=request.user)
    messages.success(request, f"{program.name} is offered again.")
    return redirect("program_detail", org_slug=org_slug, program_id=program.pk)


@member_required
def program_charter(request, org_slug, program_id):
    """The program's charter as leaders and admins read it. A participant acknowledges it
    on their own charter page (``participant_charter``, the participant's flow before the
    intake), where this page sends them; anyone else: 404. It writes nothing: a POST is
    refused (after the lookup, so another organisation's program is still a 404)."""
    program = access_program(request, program_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    participation = services.charter_participation(program=program, user=request.user)
    if not request.membership.is_leader:
        if participation is None:
            raise Http404
        return redirect("participant_charter", org_slug=org_slug, participant_id=participation.pk)
    context = {
        "program": program,
        "participation": participation,
        "acknowledged": participation is not None
        and services.charter_acknowledged(program=program, user=request.user),
    }
    return render(request, "programs/catalogue/charter.html", context)


# --- cohorts -------------------------------------------------------------------------------


@leader_required
def cohort_list(request, org_slug):
    organization = request.organization
    queryset = (
        Cohort.objects.for_org(organization)
        .select_related("program", "facilitator")
        .with_counts()
        .order_by("-starts_on", "name", "pk")
    )
    cohort_filter = CohortFilter(request.GET, queryset=queryset, organization=organization)
    page = paginate(request, cohort_filter.qs)
    template = _list_template(request, "programs/catalogue/cohort_list.html", "cohort-results")
    return render(
        request,
        template,
        {"filter": cohort_filter, "page": page, "statuses": Cohort.Status.choices},
    )


def _lifecycle(cohort):
    """The five stages with where the cohort stands: done, current or ahead."""
    order = list(Cohort.Status.values)
    here = order.index(cohort.status)
    return [
        {
            "value": value,
            "label": Cohort.Status(value).label,
            "state": "done" if i < here else "current" if i == here else "ahead",
        }
        for i, value in enumerate(order)
    ]


def _steps(cohort, counts):
    """The lifecycle actions the cohort offers now, each with what stands in its way."""
    steps = []
    for to in cohort.next_statuses:
        back = (cohort.status, to) in BACK_STEP_WORDS
        label, words = BACK_STEP_WORDS[(cohort.status, to)] if back else STEP_WORDS[to]
        steps.append(
            {
                "to": to,
                "label": label,
                "words": words,
                "back": back,
                "problems": services.cohort_transition_problems(
                    cohort=cohort, to=to, counts=counts
                ),
            }
        )
    return steps


def _milestone_rows(milestones, today):
    """Milestones grouped by phase, each marked past, next or ahead."""
    groups, upcoming_seen = [], False
    for milestone in milestones:
        if milestone.due_on < today:
            state = "past"
        elif not upcoming_seen:
            state, upcoming_seen = "next", True
        else:
            state = "ahead"
        if not groups or groups[-1]["phase"] != milestone.phase_name:
            groups.append({"phase": milestone.phase_name, "milestones": []})
        groups[-1]["milestones"].append((milestone, state))
    return groups


@leader_required
def cohort_detail(request, org_slug, cohort_id):
    organization = request.organization
    cohort = get_for_org_or_404(
        Cohort.objects.select_related("program", "program__blueprint", "facilitator"),
        organization,
        pk=cohort_id,
    )
    counts = services.cohort_counts(cohort)
    milestones = list(cohort.milestones.all())
    history = list(
        AuditEvent.objects.for_org(organization)
        .filter(target_type="cohort", target_id=str(cohort.pk))
        .select_related("actor")[:8]
    )
    seated = counts["mentors"] + counts["mentees"]
    today = timezone.localdate()
    week_now = None
    if cohort.status == Cohort.Status.ACTIVE and cohort.starts_on <= today <= cohort.ends_on:
        week_now = (today - cohort.starts_on).days // 7 + 1
    context = {
        "cohort": cohort,
        "program": cohort.program,
        "counts": counts,
        "seated": seated,
        "seats_left": max(cohort.capacity - seated, 0),
        "lifecycle": _lifecycle(cohort),
        "steps": _steps(cohort, counts) if request.membership.is_admin else [],
        "milestone_groups": _milestone_rows(milestones, today),
        "duration_weeks": ((cohort.ends_on - cohort.starts_on).days + 7) // 7,
        "week_now": week_now,
        "milestone_count": len(milestones),
        "late_milestones": [m for m in milestones if m.due_on > cohort.ends_on],
        "history": history,
    }
    return render(request, "programs/catalogue/cohort_detail.html", context)


def _cohort_form_page(request, form, cohort=None):
    return render(
        request,
        "programs/catalogue/cohort_form.html",
        {"form": form, "cohort": cohort},
        status=400 if form.errors else 200,
    )


@admin_required
def cohort_create(request, org_slug):
    organization = request.organization
    initial = {}
    program_id = request.GET.get("program")
    if program_id and program_id.isdigit():
        initial["program"] = int(program_id)
    form = CohortForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(
                program=form.cleaned_data["program"], by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"{cohort.name} is created as a draft with {cohort.milestones.count()} "
                f"milestones. Open enrolment when you are ready.",
            )
            return redirect("cohort_detail", org_slug=org_slug, cohort_id=cohort.pk)
    return _cohort_form_page(request, form)


@admin_required
def cohort_edit(request, org_slug, cohort_id):
    organization = request.organization
    cohort = access_cohort(request, cohort_id)
    form = CohortForm(request.POST or None, organization=organization, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(cohort=cohort, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            cohort.refresh_from_db()
            add_errors(form, error)
        else:
            messages.success(request, f"{cohort.name} is saved.")
            return redirect("cohort_detail", org_slug=org_slug, cohort_id=cohort.pk)
    return _cohort_form_page(request, form, cohort)


@admin_required
@require_POST
def cohort_transition(request, org_slug, cohort_id):
    cohort = access_cohort(request, cohort_id)
    form = CohortTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a stage to move the cohort to.")
    else:
        try:
            services.cohort_transition(cohort=cohort, to=form.cleaned_data["to"], by=request.user)
        except ValidationError as error:
            messages.error(
                request,
                f"{cohort.name} stays {cohort.get_status_display().lower()}: {_error_text(error)}",
            )
        else:
            messages.success(
                request, f"{cohort.name} is now {cohort.get_status_display().lower()}."
            )
    return redirect("cohort_detail", org_slug=org_slug, cohort_id=cohort.pk)


# --- blueprints ----------------------------------------------------------------------------


def _builtin_summaries():
    return [
        {
            "key": key,
            "name": data["name"],
            "description": data["description"],
            "weeks": max(phase[2] for phase in data["phases"]),
            "phases": [phase[0] for phase in data["phases"]],
        }
        for key, data in builtins.BLUEPRINTS.items()
    ]


@admin_required
def blueprint_list(request, org_slug):
    blueprints = list(
        Blueprint.objects.for_org(request.organization)
        .annotate(
            phase_count=Count("phases", distinct=True),
            week_count=Max("phases__end_week"),
            program_count=Count("programs", distinct=True),
        )
        .order_by("name", "pk")
    )
    return render(
        request,
        "programs/catalogue/blueprint_list.html",
        {"blueprints": blueprints, "builtins": _builtin_summaries()},
    )


@admin_required
def blueprint_create(request, org_slug):
    """Start a blueprint from a built-in (POST ``builtin``) or from scratch (the form)."""
    organization = request.organization
    key = request.POST.get("builtin")
    form = BlueprintForm(None if key else request.POST or None)
    if request.method == "POST":
        blueprint = None
        if key:
            try:
                blueprint = services.blueprint_create_from_builtin(
                    organization=organization, key=key, by=request.user
                )
            except ValidationError as error:
                messages.error(request, _error_text(error))
                return redirect("blueprint_list", org_slug=org_slug)
        elif form.is_valid():
            try:
                blueprint = services.blueprint_create(
                    organization=organization, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_errors(form, error)
        if blueprint is not None:
            messages.success(request, f"{blueprint.name} is ready: edit its phases below.")
            return redirect("blueprint_detail", org_slug=org_slug, blueprint_id=blueprint.pk)
    return render(
        request,
        "programs/catalogue/blueprint_create.html",
        {"form": form, "builtins": _builtin_summaries()},
        status=400 if form.errors else 200,
    )


def _blueprint(request, blueprint_id):
    return get_for_org_or_404(Blueprint.objects, request.organization, pk=blueprint_id)


def _phase(request, phase_id):
    return get_for_org_or_404(
        BlueprintPhase.objects.select_related("blueprint"), request.organization, pk=phase_id
    )


def _activity(request, activity_id):
    return get_for_org_or_404(
        BlueprintActivity.objects.select_related("phase", "phase__blueprint"),
        request.organization,
        pk=activity_id,
    )


def _blueprint_page(request, blueprint, *, status=200, **state):
    """The blueprint's page, or (to htmx) its phases section: the one place every edit of
    phases and activities lands, with the form being edited (and its errors) in place."""
    phases = list(blueprint.phases.prefetch_related("activities"))
    weeks = max((phase.end_week for phase in phases), default=0)
    for phase in phases:
        if state.get("add_activity_phase_id") != phase.pk:
            phase.add_form = BlueprintActivityForm(phase=phase, prefix_id=f"new{phase.pk}")
        else:
            phase.add_form = state["activity_form"]
    context = {
        "blueprint": blueprint,
        "phases": phases,
        "weeks": weeks,
        "week_numbers": range(1, weeks + 1),
        "programs": list(blueprint.programs.order_by("name")),
        "live_cohorts": services.blueprint_cohorts(blueprint).count(),
        "phase_add_form": state.get("phase_add_form")
        or BlueprintPhaseForm(
            initial={"start_week": weeks + 1, "end_week": weeks + 2}, prefix_id="new"
        ),
        "editing_phase_id": state.get("editing_phase_id"),
        "phase_form": state.get("phase_form"),
        "editing_activity_id": state.get("editing_activity_id"),
        "activity_form": state.get("activity_form"),
    }
    template = "programs/catalogue/blueprint_detail.html"
    if request.htmx and request.htmx.target == "blueprint-phases":
        template += "#phases"
        status = 200  # htmx swaps only 2xx answers: errors travel inside the partial
    return render(request, template, context, status=status)


def _after_write(request, blueprint, anchor=""):
    if request.htmx and request.htmx.target == "blueprint-phases":
        return _blueprint_page(request, blueprint)
    url = reverse("blueprint_detail", args=[request.organization.slug, blueprint.pk])
    return redirect(url + (f"#{anchor}" if anchor else ""))


@admin_required
def blueprint_detail(request, org_slug, blueprint_id):
    return _blueprint_page(request, _blueprint(request, blueprint_id))


@admin_required
def blueprint_edit(request, org_slug, blueprint_id):
    blueprint = _blueprint(request, blueprint_id)
    form = BlueprintForm(request.POST or None, instance=blueprint)
    if request.method == "POST" and form.is_valid():
        try:
            services.blueprint_update(blueprint=blueprint, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            blueprint.refresh_from_db()
            add_errors(form, error)
        else:
            messages.success(request, f"{blueprint.name} is saved.")
            return redirect("blueprint_detail", org_slug=org_slug, blueprint_id=blueprint.pk)
    return render(
        request,
        "programs/catalogue/blueprint_form.html",
        {"form": form, "blueprint": blueprint},
        status=400 if form.errors else 200,
    )


@admin_required
def blueprint_delete(request, org_slug, blueprint_id):
    blueprint = _blueprint(request, blueprint_id)
    error = None
    if request.method == "POST":
        name = blueprint.name
        try:
            services.blueprint_delete(blueprint=blueprint, by=request.user)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, f"{name} is deleted.")
            return redirect("blueprint_list", org_slug=org_slug)
    return render(
        request,
        "programs/catalogue/confirm.html",
        {
            "title": f"Delete {blueprint.name}?",
            "text": "Its phases and activities go with it. Cohorts keep the milestones they "
            "already have.",
            "error": error,
            "submit": "Delete the blueprint",
            "cancel": reverse("blueprint_detail", args=[org_slug, blueprint.pk]),
        },
        status=400 if error else 200,
    )


@admin_required
@require_POST
def blueprint_phase_create(request, org_slug, blueprint_id):
    blueprint = _blueprint(request, blueprint_id)
    form = BlueprintPhaseForm(request.POST, prefix_id="new")
    if form.is_valid():
        try:
            phase = services.blueprint_phase_create(
                blueprint=blueprint, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _after_write(request, blueprint, f"phase-{phase.pk}")
    return _blueprint_page(request, blueprint, status=400, phase_add_form=form)


@admin_required
def blueprint_phase_edit(request, org_slug, blueprintphase_id):
    phase = _phase(request, blueprintphase_id)
    blueprint = phase.blueprint
    form = BlueprintPhaseForm(request.POST or None, instance=phase, prefix_id=phase.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.blueprint_phase_update(phase=phase, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _after_write(request, blueprint, f"phase-{phase.pk}")
    return _blueprint_page(
        request,
        blueprint,
        status=400 if form.errors else 200,
        editing_phase_id=phase.pk,
        phase_form=form,
    )


def _confirm_delete(request, title, text, cancel):
    return render(
        request,
        "programs/catalogue/confirm.html",
        {"title": title, "text": text, "submit": "Delete", "cancel": cancel},
    )


@admin_required
def blueprint_phase_delete(request, org_slug, blueprintphase_id):
    phase = _phase(request, blueprintphase_id)
    blueprint = phase.blueprint
    if request.method == "POST":
        services.blueprint_phase_delete(phase=phase, by=request.user)
        return _after_write(request, blueprint)
    return _confirm_delete(
        request,
        f"Delete the phase {phase.name}?",
        "Its activities go with it, and the milestones they gave running cohorts.",
        reverse("blueprint_detail", args=[org_slug, blueprint.pk]),
    )


@admin_required
@require_POST
def blueprint_activity_create(request, org_slug, blueprintphase_id):
    phase = _phase(request, blueprintphase_id)
    form = BlueprintActivityForm(request.POST, phase=phase, prefix_id=f"new{phase.pk}")
    if form.is_valid():
        try:
            services.blueprint_activity_create(phase=phase, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _after_write(request, phase.blueprint, f"phase-{phase.pk}")
    return _blueprint_page(
        request,
        phase.blueprint,
        status=400,
        add_activity_phase_id=phase.pk,
        activity_form=form,
    )


@admin_required
def blueprint_activity_edit(request, org_slug, blueprintactivity_id):
    activity = _activity(request, blueprintactivity_id)
    phase = activity.phase
    form = BlueprintActivityForm(
        request.POST or None, instance=activity, phase=phase, prefix_id=activity.pk
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.blueprint_activity_update(
                activity=activity, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _after_write(request, phase.blueprint, f"phase-{phase.pk}")
    return _blueprint_page(
        request,
        phase.blueprint,
        status=400 if form.errors else 200,
        editing_activity_id=activity.pk,
        activity_form=form,
    )


@admin_required
def blueprint_activity_delete(request, org_slug, blueprintactivity_id):
    activity = _activity(request, blueprintactivity_id)
    blueprint = activity.phase.blueprint
    if request.method == "POST":
        services.blueprint_activity_delete(activity=activity, by=request.user)
        return _after_write(request, blueprint, f"phase-{activity.phase_id}")
    return _confirm_delete(
        request,
        f"Delete {activity.title}?",
        "Running cohorts lose the milestone it gave them.",
        reverse("blueprint_detail", args=[org_slug, blueprint.pk]),
    )
