"""Pages of the learning area: competencies (P3), resources (P7), rubrics and assessments
(P8). Thin: resolve the object in the organisation, check who may, call a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
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
from mentorship.tenancy.pagination import paginate

from .. import builtins
from ..access import access_participant
from ..competency_csv import (
    format_competency_csv,
    format_level_csv,
    is_level_file,
    parse_competency_csv,
    parse_level_csv,
)
from ..filters.learning import ResourceFilter
from ..forms.learning import (
    AssessmentForm,
    CohortChoiceForm,
    CompetencyAreaForm,
    CompetencyForm,
    CompetencyImportForm,
    CompetencyLevelForm,
    ResourceAssignForm,
    ResourceForm,
    RubricChoiceForm,
    RubricForm,
    criteria_from,
    criterion_formset,
)
from ..models import (
    Cohort,
    Competency,
    CompetencyArea,
    CompetencyLevel,
    Resource,
    ResourceAssignment,
    Rubric,
)
from ..services import learning as services


def _error_text(error):
    return " ".join(error.messages)


# --- competencies ---------------------------------------------------------------------------


@leader_required
def competency_list(request, org_slug):
    organization = request.organization
    competencies = Competency.objects.for_org(organization).annotate(
        resource_count=Count("resources", filter=Q(resources__archived_at__isnull=True))
    )
    areas = list(
        CompetencyArea.objects.for_org(organization).prefetch_related(
            Prefetch("competencies", queryset=competencies.order_by("name"))
        )
    )
    levels = list(CompetencyLevel.objects.for_org(organization))
    context = {
        "areas": areas,
        "levels": levels,
        "competency_count": sum(len(a.competencies.all()) for a in areas),
        "starter_areas": builtins.COMPETENCIES,
        "starter_levels": builtins.LEVELS,
    }
    return render(request, "programs/learning/competency_list.html", context)


def _form_page(request, form, *, title, intro="", submit, cancel, status=200):
    return render(
        request,
        "programs/learning/form.html",
        {"form": form, "title": title, "intro": intro, "submit": submit, "cancel": cancel},
        status=status,
    )


def _confirm_page(request, *, title, text, warnings=(), error=None, submit, cancel):
    return render(
        request,
        "programs/learning/confirm.html",
        {
            "title": title,
            "text": text,
            "warnings": warnings,
            "error": error,
            "submit": submit,
            "cancel": cancel,
        },
        status=400 if error else 200,
    )


def _competencies_url(org_slug, anchor=""):
    return reverse("competency_list", args=[org_slug]) + anchor


@admin_required
def competency_area_create(request, org_slug):
    form = CompetencyAreaForm(request.POST or None)
    del form.fields["order"]
    if request.method == "POST" and form.is_valid():
        try:
            area = services.competency_area_create(
                organization=request.organization, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Added the area “{area.name}”. Add its competencies next.")
            return redirect(_competencies_url(org_slug, f"#area-{area.pk}"))
    return _form_page(
        request,
        form,
        title="Add an area",
        intro="Areas group competencies on intake forms and in the resource library.",
        submit="Add area",
        cancel=_competencies_url(org_slug),
    )


@admin_required
def competency_area_edit(request, org_slug, competencyarea_id):
    area = get_for_org_or_404(
        CompetencyArea.objects.select_related("organization"),
        request.organization,
        pk=competencyarea_id,
    )
    form = CompetencyAreaForm(
        request.POST or None, initial={"name": area.name, "order": area.order}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.competency_area_update(
                area=area,
                name=form.cleaned_data["name"],
                order=form.cleaned_data["order"] or 0,
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Saved the area “{area.name}”.")
            return redirect(_competencies_url(org_slug, f"#area-{area.pk}"))
    return _form_page(
        request,
        form,
        title=f"Edit the area “{area.name}”",
        submit="Save",
        cancel=_competencies_url(org_slug),
    )


@admin_required
def competency_area_delete(request, org_slug, competencyarea_id):
    area = get_for_org_or_404(
        CompetencyArea.objects.select_related("organization"),
        request.organization,
        pk=competencyarea_id,
    )
    error = None
    if request.method == "POST":
        try:
            services.competency_area_delete(area=area, by=request.user)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, f"Deleted the area “{area.name}”.")
            return redirect("competency_list", org_slug=org_slug)
    count = area.competencies.count()
    return _confirm_page(
        request,
        title=f"Delete the area “{area.name}”?",
        text="The area disappears from the taxonomy.",
        warnings=[f"It has {count} competencies: move or delete them first."] if count else [],
        error=error,
        submit="Delete area",
        cancel=_competencies_url(org_slug),
    )


@admin_required
def competency_create(request, org_slug):
    organization = request.organization
    initial = {}
    if request.GET.get("area"):
        initial["area"] = request.GET["area"]
    form = CompetencyForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            competency = services.competency_create(
                organization=organization,
                area=form.cleaned_data["area"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Added “{competency.name}”.")
            return redirect(_competencies_url(org_slug, f"#area-{competency.area_id}"))
    return _form_page(
        request,
        form,
        title="Add a competency",
        intro="Mentees choose competencies to grow, mentors the ones they offer.",
        submit="Add competency",
        cancel=_competencies_url(org_slug),
    )


def _competency(request, competency_id):
    return get_for_org_or_404(
        Competency.objects.select_related("area", "organization"),
        request.organization,
        pk=competency_id,
    )


@admin_required
def competency_edit(request, org_slug, competency_id):
    competency = _competency(request, competency_id)
    form = CompetencyForm(
        request.POST or None,
        organization=request.organization,
        initial={
            "name": competency.name,
            "area": competency.area_id,
            "description": competency.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.competency_update(
                competency=competency,
                area=form.cleaned_data["area"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Saved “{competency.name}”.")
            return redirect(_competencies_url(org_slug, f"#area-{competency.area_id}"))
    return _form_page(
        request,
        form,
        title=f"Edit “{competency.name}”",
        submit="Save",
        cancel=_competencies_url(org_slug),
    )


@admin_required
def competency_delete(request, org_slug, competency_id):
    competency = _competency(request, competency_id)
    error = None
    if request.method == "POST":
        try:
            services.competency_delete(competency=competency, by=request.user)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, f"Deleted “{competency.name}”.")
            return redirect("competency_list", org_slug=org_slug)
    usage = services.competency_usage(competency)
    warnings = []
    if usage["resources"]:
        warnings.append(f"{usage['resources']} resources are tagged with it; they lose the tag.")
    chosen = usage["mentee_goals"] + usage["mentor_offers"]
    if chosen:
        warnings.append(
            f"{usage['mentee_goals']} mentees chose it as a goal and {usage['mentor_offers']} "
            "mentors offer it: it cannot be deleted, only renamed."
        )
    return _confirm_page(
        request,
        title=f"Delete “{competency.name}”?",
        text=f"It leaves the area “{competency.area.name}”.",
        warnings=warnings,
        error=error,
        submit="Delete competency",
        cancel=_competencies_url(org_slug),
    )


@admin_required
def competency_level_create(request, org_slug):
    organization = request.organization
    next_value = (CompetencyLevel.objects.for_org(organization).count() or 0) + 1
    form = CompetencyLevelForm(request.POST or None, initial={"value": min(next_value, 9)})
    if request.method == "POST" and form.is_valid():
        try:
            services.competency_level_create(
                organization=organization, **form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Added the level.")
            return redirect(_competencies_url(org_slug, "#levels"))
    return _form_page(
        request,
        form,
        title="Add a level",
        intro="The scale mentors rate their competencies on, from 1 upwards.",
        submit="Add level",
        cancel=_competencies_url(org_slug, "#levels"),
    )


def _level(request, competencylevel_id):
    return get_for_org_or_404(
        CompetencyLevel.objects.select_related("organization"),
        request.organization,
        pk=competencylevel_id,
    )


@admin_required
def competency_level_edit(request, org_slug, competencylevel_id):
    level = _level(request, competencylevel_id)
    form = CompetencyLevelForm(
        request.POST or None,
        initial={"value": level.value, "name": level.name, "description": level.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.competency_level_update(level=level, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Saved level {level.value}.")
            return redirect(_competencies_url(org_slug, "#levels"))
    return _form_page(
        request,
        form,
        title=f"Edit level {level.value} · {level.name}",
        submit="Save",
        cancel=_competencies_url(org_slug, "#levels"),
    )


@admin_required
def competency_level_delete(request, org_slug, competencylevel_id):
    level = _level(request, competencylevel_id)
    if request.method == "POST":
        services.competency_level_delete(level=level, by=request.user)
        messages.success(request, f"Deleted level {level.value} · {level.name}.")
        return redirect(_competencies_url(org_slug, "#levels"))
    return _confirm_page(
        request,
        title=f"Delete level {level.value} · {level.name}?",
        text="Mentors who rated a competency at this level keep their number.",
        submit="Delete level",
        cancel=_competencies_url(org_slug, "#levels"),
    )


@admin_required
@require_POST
def competency_starter(request, org_slug):
    try:
        created = services.competency_starter_load(
            organization=request.organization, by=request.user
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            f"Loaded {len(created)} starter competencies and the level scale. Rename, add "
            "and delete until they fit your organisation.",
        )
    return redirect("competency_list", org_slug=org_slug)


@leader_required
def competency_export(request, org_slug):
    rows = services.competency_export_rows(request.organization)
    response = HttpResponse(format_competency_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{org_slug}-competencies.csv"'
    return response


@leader_required
def competency_level_export(request, org_slug):
    rows = services.competency_level_export_rows(request.organization)
    response = HttpResponse(format_level_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{org_slug}-levels.csv"'
    return response


@admin_required
def competency_import(request, org_slug):
    """Import competencies, or the level scale when the file's header is the levels'."""
    form = CompetencyImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        if is_level_file(data):
            parsed = parse_level_csv(data)
            errors = parsed.errors
            if not errors:
                try:
                    created, updated = services.competency_levels_import(
                        organization=request.organization, rows=parsed.rows, by=request.user
                    )
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    messages.success(
                        request, f"Imported the level scale: {created} new, {updated} changed."
                    )
                    return redirect(_competencies_url(org_slug, "#levels"))
            return render(
                request,
                "programs/learning/competency_import.html",
                {"form": form, "errors": errors},
                status=400 if errors else 200,
            )
        parsed = parse_competency_csv(data)
        errors = parsed.errors
        if not errors:
            try:
                summary = services.competency_import(
                    organization=request.organization, rows=parsed.rows, by=request.user
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _import_message(summary))
                return redirect("competency_list", org_slug=org_slug)
    return render(
        request,
        "programs/learning/competency_import.html",
        {"form": form, "errors": errors},
        status=400 if errors else 200,
    )


def _import_message(summary):
    parts = [f"{len(summary.created)} new", f"{len(summary.updated)} changed"]
    if summary.unchanged:
        parts.append(f"{summary.unchanged} unchanged")
    message = f"Imported {summary.total} competencies: {', '.join(parts)}."
    if summary.areas_created:
        message += f" New areas: {', '.join(summary.areas_created)}."
    return message


# --- resources ------------------------------------------------------------------------------


@leader_required
def resource_list(request, org_slug):
    organization = request.organization
    queryset = (
        Resource.objects.for_org(organization)
        .annotate(
            assignment_count=Count("assignments", distinct=True),
            completion_count=Count("completions", distinct=True),
        )
        .prefetch_related("competencies")
        .order_by("title", "pk")
    )
    resource_filter = ResourceFilter(request.GET, queryset=queryset, organization=organization)
    page = paginate(request, resource_filter.qs)
    template = "programs/learning/resource_list.html"
    if request.htmx and request.htmx.target == "resource-results":
        template += "#results"
    return render(
        request,
        template,
        {
            "filter": resource_filter,
            "page": page,
            "kinds": Resource.Kind.choices,
        },
    )


def _resource(request, resource_id):
    return get_for_org_or_404(
        Resource.objects.select_related("organization"), request.organization, pk=resource_id
    )


def _resource_form_kwargs(form):
    return {
        name: form.cleaned_data[name]
        for name in ("title", "kind", "body", "url", "minutes", "competencies")
    } | {"is_coaching_primer": form.cleaned_data["is_coaching_primer"]}


@admin_required
def resource_create(request, org_slug):
    organization = request.organization
    form = ResourceForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(
                organization=organization, **_resource_form_kwargs(form), by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, f"Added “{resource.title}”. Assign it to a cohort or a person."
            )
            return redirect("resource_detail", org_slug=org_slug, resource_id=resource.pk)
    return render(
        request,
        "programs/learning/resource_form.html",
        {"form": form, "title": "Add a resource", "submit": "Add resource"},
    )


@admin_required
def resource_edit(request, org_slug, resource_id):
    resource = _resource(request, resource_id)
    form = ResourceForm(
        request.POST or None,
        organization=request.organization,
        initial=ResourceForm.initial_for(resource),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_update(
                resource=resource, **_resource_form_kwargs(form), by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Saved “{resource.title}”.")
            return redirect("resource_detail", org_slug=org_slug, resource_id=resource.pk)
    return render(
        request,
        "programs/learning/resource_form.html",
        {"form": form, "resource": resource, "title": f"Edit “{resource.title}”", "submit": "Save"},
    )


def _resource_detail(request, resource, assign_form=None, status=200):
    organization = request.organization
    resource = (
        Resource.objects.for_org(organization)
        .prefetch_related("competencies")
        .select_related("organization")
        .get(pk=resource.pk)
    )
    audience, others = services.resource_audience(resource)
    is_admin = request.membership.is_admin
    if is_admin and assign_form is None:
        assign_form = ResourceAssignForm(organization=organization)
    assignments = list(
        resource.assignments.select_related("cohort", "user", "assigned_by").order_by(
            "cohort__name", "user__name"
        )
    )
    done = sum(1 for row in audience if row.completed_at)
    return render(
        request,
        "programs/learning/resource_detail.html",
        {
            "resource": resource,
            "audience": audience,
            "others": others,
            "done_count": done,
            "assignments": assignments,
            "assign_form": assign_form if is_admin else None,
        },
        status=status,
    )


@leader_required
def resource_detail(request, org_slug, resource_id):
    return _resource_detail(request, _resource(request, resource_id))


@admin_required
@require_POST
def resource_assign(request, org_slug, resource_id):
    resource = _resource(request, resource_id)
    form = ResourceAssignForm(request.POST, organization=request.organization)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.resource_assign(
                resource=resource,
                cohort=data["cohort"],
                user=data["user"],
                participant_role=data.get("participant_role") or "",
                due_on=data["due_on"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            target = data["cohort"] or data["user"]
            messages.success(request, f"Assigned “{resource.title}” to {target}.")
            return redirect("resource_detail", org_slug=org_slug, resource_id=resource.pk)
    return _resource_detail(request, resource, assign_form=form, status=400)


@admin_required
@require_POST
def resource_unassign(request, org_slug, resourceassignment_id):
    assignment = get_for_org_or_404(
        ResourceAssignment.objects.select_related("resource", "cohort", "user", "organization"),
        request.organization,
        pk=resourceassignment_id,
    )
    services.resource_unassign(assignment=assignment, by=request.user)
    target = assignment.cohort or assignment.user
    messages.success(request, f"“{assignment.resource.title}” is no longer assigned to {target}.")
    return redirect("resource_detail", org_slug=org_slug, resource_id=assignment.resource_id)


@admin_required
@require_POST
def resource_archive(request, org_slug, resource_id):
    resource = _resource(request, resource_id)
    services.resource_archive(resource=resource, by=request.user)
    messages.success(
        request, f"Archived “{resource.title}”: it left the library and people's lists."
    )
    return redirect("resource_detail", org_slug=org_slug, resource_id=resource.pk)


@admin_required
@require_POST
def resource_restore(request, org_slug, resource_id):
    resource = _resource(request, resource_id)
    services.resource_restore(resource=resource, by=request.user)
    messages.success(request, f"Restored “{resource.title}” to the library.")
    return redirect("resource_detail", org_slug=org_slug, resource_id=resource.pk)


@leader_required
def resource_completion(request, org_slug):
    organization = request.organization
    cohorts = Cohort.objects.for_org(organization)
    form = CohortChoiceForm(request.GET or None, organization=organization)
    cohort = None
    if request.GET.get("cohort") and form.is_valid():
        cohort = form.cleaned_data["cohort"]
    if cohort is None:
        # The cohort people are working in now, else the newest.
        cohort = cohorts.filter(status=Cohort.Status.ACTIVE).first() or cohorts.first()
        form = CohortChoiceForm(
            organization=organization, initial={"cohort": cohort.pk if cohort else None}
        )
    progress = services.cohort_resource_progress(cohort) if cohort else None
    template = "programs/learning/resource_completion.html"
    if request.htmx and request.htmx.target == "completion-results":
        template += "#results"
    return render(request, template, {"form": form, "cohort": cohort, "progress": progress})


# --- my resources ---------------------------------------------------------------------------


@member_required
def my_resources(request, org_slug):
    resources = list(
        services.resources_for_user(organization=request.organization, user=request.user)
    )
    open_items = [r for r in resources if not r.completed_at]
    return render(
        request,
        "programs/learning/my_resources.html",
        {
            "open_items": open_items,
            "done_items": [r for r in resources if r.completed_at],
            "open_minutes": sum(r.minutes for r in open_items),
            "today": timezone.localdate(),
        },
    )


def _my_resource_or_404(request, resource_id):
    resource = services.resource_for_user(
        organization=request.organization, user=request.user, resource_id=resource_id
    )
    if resource is None:
        raise Http404
    return resource


@member_required
def my_resource_detail(request, org_slug, resource_id):
    resource = services.resource_for_user(
        organization=request.organization, user=request.user, resource_id=resource_id
    )
    if resource is None:
        if request.membership.is_leader:
            # Not theirs to do, but theirs to read: the library's page.
            _resource(request, resource_id)
            return redirect("resource_detail", org_slug=org_slug, resource_id=resource_id)
        raise Http404
    return render(request, "programs/learning/my_resource_detail.html", {"item": resource})


@member_required
@require_POST
def my_resource_done(request, org_slug, resource_id):
    resource = _my_resource_or_404(request, resource_id)
    done = request.POST.get("done", "1") != "0"
    if done:
        services.resource_mark_done(resource=resource, user=request.user)
    else:
        services.resource_mark_not_done(resource=resource, user=request.user)
    if request.htmx:
        item = _my_resource_or_404(request, resource_id)
        return render(
            request,
            "programs/learning/my_resources.html#resource-row",
            {"item": item, "row_saved": True, "today": timezone.localdate()},
        )
    if done:
        messages.success(request, f"Marked “{resource.title}” as done.")
    else:
        messages.info(request, f"“{resource.title}” is open again.")
    if request.POST.get("from") == "detail":
        return redirect("my_resource_detail", org_slug=org_slug, resource_id=resource.pk)
    return redirect("my_resources", org_slug=org_slug)


# --- rubrics --------------------------------------------------------------------------------


@leader_required
def rubric_list(request, org_slug):
    organization = request.organization
    rubrics = list(
        Rubric.objects.for_org(organization)
        .annotate(
            criterion_count=Count("criteria", distinct=True),
            assessment_count=Count("assessments", distinct=True),
        )
        .prefetch_related("programs")
    )
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


def _rubric(request, rubric_id):
    return get_for_org_or_404(
        Rubric.objects.select_related("organization"), request.organization, pk=rubric_id
    )


@leader_required
def rubric_detail(request, org_slug, rubric_id):
    rubric = _rubric(request, rubric_id)
    assessments = list(
        rubric.assessments.select_related(
            "participant__user", "participant__cohort", "assessed_by"
        )[:20]
    )
    return render(
        request,
        "programs/learning/rubric_detail.html",
        {
            "rubric": rubric,
            "criteria": list(rubric.criteria.all()),
            "programs": list(rubric.programs.all()),
            "assessments": assessments,
            "assessment_count": rubric.assessments.count(),
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
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            rubric = services.rubric_create(
                organization=request.organization,
                **form.cleaned_data,
                criteria=criteria_from(formset),
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Created the rubric “{rubric.name}”.")
            return redirect("rubric_detail", org_slug=org_slug, rubric_id=rubric.pk)
    return _rubric_form_page(
        request, form, formset, title="Create a rubric", submit="Create rubric"
    )


@admin_required
def rubric_edit(request, org_slug, rubric_id):
    rubric = _rubric(request, rubric_id)
    initial_criteria = [
        {"id": c.pk, "name": c.name, "description": c.description, "order": c.order}
        for c in rubric.criteria.all()
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
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.rubric_update(
                rubric=rubric,
                **form.cleaned_data,
                criteria=criteria_from(formset),
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Saved the rubric “{rubric.name}”.")
            return redirect("rubric_detail", org_slug=org_slug, rubric_id=rubric.pk)
    return _rubric_form_page(
        request, form, formset, title=f"Edit “{rubric.name}”", submit="Save", rubric=rubric
    )


@admin_required
def rubric_delete(request, org_slug, rubric_id):
    rubric = _rubric(request, rubric_id)
    error = None
    if request.method == "POST":
        try:
            services.rubric_delete(rubric=rubric, by=request.user)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            messages.success(request, f"Deleted the rubric “{rubric.name}”.")
            return redirect("rubric_list", org_slug=org_slug)
    return _confirm_page(
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
        messages.error(request, _error_text(error))
        return redirect("rubric_list", org_slug=org_slug)
    messages.success(request, f"Added “{rubric.name}”. Change its criteria to fit your craft.")
    return redirect("rubric_detail", org_slug=org_slug, rubric_id=rubric.pk)


# --- assessments ----------------------------------------------------------------------------


def _access_assessments(request, participant_id):
    """The participant and whether the signed-in person may record; 404 when they may not
    even see (another person's assessments are not theirs to know about)."""
    participant = access_participant(request, participant_id)
    can_view, can_record = services.assessment_permissions(
        membership=request.membership, participant=participant
    )
    if not can_view:
        raise Http404
    return participant, can_record


@member_required
def participant_assessments(request, org_slug, participant_id):
    participant, can_record = _access_assessments(request, participant_id)
    assessments = services.participant_assessments(participant)
    program = participant.cohort.program
    progress = services.assessment_progress(assessments)
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
    participant, can_record = _access_assessments(request, participant_id)
    if not can_record:
        raise PermissionDenied
    organization = request.organization
    program = participant.cohort.program
    rubric, chooser = None, None
    if program.rubric_id:
        rubric = get_for_org_or_404(Rubric.objects, organization, pk=program.rubric_id)
    else:
        chooser = RubricChoiceForm(request.POST or request.GET or None, organization=organization)
        if chooser.is_bound and chooser.is_valid():
            rubric = chooser.cleaned_data["rubric"]
    form = None
    problem = None
    if participant.status == participant.Status.WITHDRAWN:
        problem = "This participant has withdrawn: they cannot be assessed."
    elif rubric is not None:
        initial = {"kind": request.GET.get("kind", "baseline")}
        form = AssessmentForm(
            request.POST if request.method == "POST" else None, rubric=rubric, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            try:
                assessment = services.assessment_record(
                    participant=participant,
                    rubric=rubric,
                    kind=form.cleaned_data["kind"],
                    assessed_on=form.cleaned_data["assessed_on"],
                    notes=form.cleaned_data["notes"],
                    scores=form.scores,
                    by=request.user,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _assessment_message(participant, assessment))
                return redirect(
                    "participant_assessments", org_slug=org_slug, participant_id=participant.pk
                )
    threshold = services.certification_threshold(program, rubric) if rubric else None
    return render(
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
            "has_rubrics": chooser is not None and Rubric.objects.for_org(organization).exists(),
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
