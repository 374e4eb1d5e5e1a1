"""Pages of rubrics and assessments (P8): the rubrics with their criteria, a participant's
assessments with their progress, and the assessment form. Thin: resolve through
:mod:`programs.access`, read through :mod:`programs.selectors.assessments`, call a service,
render.

Leaders read rubrics; admins write them. Assessments are seen and recorded by whom
:func:`programs.access.assessment_permissions` says (a mentor of the cohort records too), so
their pages are open to every member and the getter answers 404 to anyone else.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import error_text, form_submit
from mentorship.tenancy.access import admin_required, leader_required, member_required

from .. import builtins
from ..access import (
    access_assessments_by_id,
    access_participant_to_assess_by_id,
    access_rubric_by_id,
)
from ..forms.learning import (
    AssessmentForm,
    RubricChoiceForm,
    RubricForm,
    criteria_from,
    criterion_formset,
)
from ..selectors import assessments as selectors
from ..services import assessments as services
from .competencies import confirm_page

# --- rubrics --------------------------------------------------------------------------------


def _rubric_url(org_slug):
    """The rubric's page, as a function of the rubric (for ``form_submit``)."""
    return lambda rubric: reverse("rubric_detail", args=[org_slug, rubric.pk])


@leader_required
def rubric_list(request, org_slug):
    rubrics = selectors.rubric_list(organization=request.organization)
    example_name = builtins.TECHNIQUE_RUBRIC["name"]
    return render(
        request,
        "programs/learning/rubric_list.html",
        {
            "rubrics": rubrics,
            "example": builtins.TECHNIQUE_RUBRIC,
            "can_add_example": not any(r.name.lower() == example_name.lower() for r in rubrics),
        },
    )


@leader_required
def rubric_detail(request, org_slug, rubric_id):
    rubric = access_rubric_by_id(membership=request.membership, rubric_id=rubric_id)
    return render(
        request,
        "programs/learning/rubric_detail.html",
        {
            "rubric": rubric,
            "criteria": selectors.rubric_criteria(rubric=rubric),
            "programs": selectors.rubric_programs(rubric=rubric),
            "assessments": selectors.rubric_assessments(rubric=rubric),
            "assessment_count": selectors.rubric_assessment_count(rubric=rubric),
        },
    )


def _rubric_form_page(request, form, formset, *, title, submit, rubric=None):
    return render(
        request,
        "programs/learning/rubric_form.html",
        {"form": form, "formset": formset, "title": title, "submit": submit, "rubric": rubric},
    )


@admin_required
def rubric_create(request, org_slug):
    form = RubricForm(request.POST or None)
    formset = criterion_formset(request.POST or None, extra=5)
    done = None
    if not formset.is_bound or formset.is_valid():
        done = form_submit(
            request,
            form,
            lambda data: services.rubric_create(
                organization=request.organization,
                **data,
                criteria=criteria_from(formset),
                by=request.user,
            ),
            message=lambda rubric: f"Created the rubric “{rubric.name}”.",
            redirect_to=_rubric_url(org_slug),
        )
    return done or _rubric_form_page(
        request, form, formset, title="Create a rubric", submit="Create rubric"
    )


@admin_required
def rubric_edit(request, org_slug, rubric_id):
    rubric = access_rubric_by_id(membership=request.membership, rubric_id=rubric_id)
    initial_criteria = [
        {"id": c.pk, "name": c.name, "description": c.description, "order": c.order}
        for c in selectors.rubric_criteria(rubric=rubric)
    ]
    form = RubricForm(
        request.POST or None,
        initial={
            "name": rubric.name,
            "description": rubric.description,
            "scale_max": rubric.scale_max,
        },
    )
    formset = criterion_formset(request.POST or None, initial=initial_criteria, extra=2)
    done = None
    if not formset.is_bound or formset.is_valid():
        done = form_submit(
            request,
            form,
            lambda data: services.rubric_update(
                rubric=rubric, **data, criteria=criteria_from(formset), by=request.user
            ),
            message=lambda rubric: f"Saved the rubric “{rubric.name}”.",
            redirect_to=_rubric_url(org_slug),
        )
    return done or _rubric_form_page(
        request, form, formset, title=f"Edit “{rubric.name}”", submit="Save", rubric=rubric
    )


@admin_required
def rubric_delete(request, org_slug, rubric_id):
    rubric = access_rubric_by_id(membership=request.membership, rubric_id=rubric_id)
    error = None
    if request.method == "POST":
        try:
            services.rubric_delete(rubric=rubric, by=request.user)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, f"Deleted the rubric “{rubric.name}”.")
            return redirect("rubric_list", org_slug=org_slug)
    return confirm_page(
        request,
        title=f"Delete the rubric “{rubric.name}”?",
        text="Its criteria go with it.",
        error=error,
        submit="Delete rubric",
        cancel=reverse("rubric_detail", args=[org_slug, rubric.pk]),
    )


@admin_required
@require_POST
def rubric_example(request, org_slug):
    try:
        rubric = services.rubric_example_add(organization=request.organization, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("rubric_list", org_slug=org_slug)
    messages.success(request, f"Added “{rubric.name}”. Change its criteria to fit your craft.")
    return redirect("rubric_detail", org_slug=org_slug, rubric_id=rubric.pk)


# --- assessments ----------------------------------------------------------------------------


@member_required
def participant_assessments(request, org_slug, participant_id):
    participant, can_record = access_assessments_by_id(
        membership=request.membership, participant_id=participant_id
    )
    assessments = selectors.participant_assessments(participant=participant)
    program = participant.cohort.program
    progress = selectors.assessment_progress(assessments=assessments)
    threshold = services.certification_threshold(program, progress.rubric) if progress else None
    return render(
        request,
        "programs/learning/participant_assessments.html",
        {
            "participant": participant,
            "program": program,
            "assessments": assessments,
            "progress": progress,
            "threshold": threshold,
            "can_record": can_record,
            "is_self": participant.user_id == request.user.pk,
        },
    )


@member_required
def assessment_create(request, org_slug, participant_id):
    participant = access_participant_to_assess_by_id(
        membership=request.membership, participant_id=participant_id
    )
    organization = request.organization
    program = participant.cohort.program
    rubric, chooser = None, None
    if program.rubric_id:
        rubric = access_rubric_by_id(membership=request.membership, rubric_id=program.rubric_id)
    else:
        chooser = RubricChoiceForm(request.POST or request.GET or None, organization=organization)
        if chooser.is_bound and chooser.is_valid():
            rubric = chooser.cleaned_data["rubric"]
    form = None
    problem = None
    done = None
    if participant.role != participant.Role.MENTEE:
        problem = "Only mentees are assessed on the program's rubric."
    elif participant.status == participant.Status.WITHDRAWN:
        problem = "This participant has withdrawn: they cannot be assessed."
    elif rubric is not None:
        initial = {"kind": request.GET.get("kind", "baseline")}
        form = AssessmentForm(
            request.POST if request.method == "POST" else None, rubric=rubric, initial=initial
        )
        done = form_submit(
            request,
            form,
            lambda data: services.assessment_record(
                participant=participant,
                rubric=rubric,
                kind=data["kind"],
                assessed_on=data["assessed_on"],
                notes=data["notes"],
                scores=form.scores,
                by=request.user,
            ),
            message=lambda assessment: _assessment_message(participant, assessment),
            redirect_to=reverse("participant_assessments", args=[org_slug, participant.pk]),
        )
    threshold = services.certification_threshold(program, rubric) if rubric else None
    return done or render(
        request,
        "programs/learning/assessment_form.html",
        {
            "participant": participant,
            "program": program,
            "rubric": rubric,
            "chooser": chooser,
            "form": form,
            "problem": problem,
            "threshold": threshold,
            "has_rubrics": chooser is not None and selectors.has_rubrics(organization=organization),
        },
        status=400 if request.method == "POST" and form is not None and form.errors else 200,
    )


def _assessment_message(participant, assessment):
    name = participant.user.name or participant.user.email
    text = (
        f"Recorded the {assessment.get_kind_display().lower()} assessment of {name}: "
        f"average {assessment.average} of {assessment.rubric.scale_max}"
    )
    if assessment.kind == assessment.Kind.FINAL and assessment.passed:
        return text + f". It passes the threshold: {name} is certified."
    if assessment.passed:
        return text + ", above the certification threshold."
    return text + "."
