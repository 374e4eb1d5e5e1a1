"""Pages of blueprints (P2): an admin's tool to shape a program's phases and activities
(a leader reads a program's phases on the program's page). Thin: resolve through
:mod:`programs.access`, read through :mod:`programs.selectors.blueprints`, call a service,
render. Edits of phases and activities answer htmx with the phases section in place.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import add_errors, error_text, form_status, form_submit
from mentorship.tenancy.access import admin_required

from .. import builtins
from ..access import (
    access_blueprint_activity_by_id,
    access_blueprint_by_id,
    access_blueprint_phase_by_id,
)
from ..forms.catalogue import BlueprintActivityForm, BlueprintForm, BlueprintPhaseForm
from ..selectors import blueprints as selectors
from ..services import blueprints as services


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
    blueprints = selectors.blueprint_list(organization=request.organization)
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
                messages.error(request, error_text(error))
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
        status=form_status(form),
    )


def _blueprint(request, blueprint_id):
    return access_blueprint_by_id(membership=request.membership, blueprint_id=blueprint_id)


def _phase(request, phase_id):
    return access_blueprint_phase_by_id(membership=request.membership, blueprintphase_id=phase_id)


def _activity(request, activity_id):
    return access_blueprint_activity_by_id(
        membership=request.membership, blueprintactivity_id=activity_id
    )


def _blueprint_page(request, blueprint, *, status=200, **state):
    """The blueprint's page, or (to htmx) its phases section: the one place every edit of
    phases and activities lands, with the form being edited (and its errors) in place."""
    phases = selectors.blueprint_phases(blueprint=blueprint)
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
        "programs": selectors.blueprint_programs(blueprint=blueprint),
        "live_cohorts": selectors.live_cohort_count(blueprint=blueprint),
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
    done = form_submit(
        request,
        form,
        lambda data: services.blueprint_update(blueprint=blueprint, by=request.user, **data),
        message=lambda blueprint: f"{blueprint.name} is saved.",
        redirect_to=lambda blueprint: reverse("blueprint_detail", args=[org_slug, blueprint.pk]),
        on_error=lambda error: blueprint.refresh_from_db(),
    )
    return done or render(
        request,
        "programs/catalogue/blueprint_form.html",
        {"form": form, "blueprint": blueprint},
        status=form_status(form),
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
            error = error_text(exc)
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
