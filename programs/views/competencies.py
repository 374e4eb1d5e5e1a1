"""Pages of competencies (P3): the taxonomy with its level scale, their forms, the starter
set and the CSV export and import. Thin: resolve through :mod:`programs.access`, read
through :mod:`programs.selectors.competencies`, call a service, render.

Leaders read the taxonomy and export it; every write is an admin's.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit, add_errors, error_text, form_submit
from mentorship.tenancy.access import admin_required, leader_required

from .. import builtins
from ..access import (
    access_competency_area_by_id,
    access_competency_by_id,
    access_competency_level_by_id,
)
from ..competency_csv import (
    format_competency_csv,
    format_level_csv,
    is_level_file,
    parse_competency_csv,
    parse_level_csv,
)
from ..forms.learning import (
    CompetencyAreaForm,
    CompetencyForm,
    CompetencyImportForm,
    CompetencyLevelForm,
)
from ..selectors import competencies as selectors
from ..services import competencies as services


@leader_required
def competency_list(request, org_slug):
    organization = request.organization
    areas = selectors.competency_areas(organization=organization)
    context = {
        "areas": areas,
        "levels": selectors.competency_levels(organization=organization),
        "competency_count": sum(len(a.competencies.all()) for a in areas),
        "starter_areas": builtins.COMPETENCIES,
        "starter_levels": builtins.LEVELS,
    }
    return render(request, "programs/learning/competency_list.html", context)


def _form_page(request, form, *, title, intro="", submit, cancel):
    return render(
        request,
        "programs/learning/form.html",
        {"form": form, "title": title, "intro": intro, "submit": submit, "cancel": cancel},
    )


def confirm_page(request, *, title, text, warnings=(), error=None, submit, cancel):
    """The learning area's "are you sure?" page (competencies, areas, levels, rubrics): 400
    when it shows the service's refusal."""
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
    done = form_submit(
        request,
        form,
        lambda data: services.competency_area_create(
            organization=request.organization, name=data["name"], by=request.user
        ),
        message=lambda area: f"Added the area “{area.name}”. Add its competencies next.",
        redirect_to=lambda area: _competencies_url(org_slug, f"#area-{area.pk}"),
    )
    return done or _form_page(
        request,
        form,
        title="Add an area",
        intro="Areas group competencies on intake forms and in the resource library.",
        submit="Add area",
        cancel=_competencies_url(org_slug),
    )


@admin_required
def competency_area_edit(request, org_slug, competencyarea_id):
    area = access_competency_area_by_id(
        membership=request.membership, competencyarea_id=competencyarea_id
    )
    form = CompetencyAreaForm(
        request.POST or None, initial={"name": area.name, "order": area.order}
    )
    done = form_submit(
        request,
        form,
        lambda data: services.competency_area_update(
            area=area, name=data["name"], order=data["order"] or 0, by=request.user
        ),
        message=lambda area: f"Saved the area “{area.name}”.",
        redirect_to=lambda area: _competencies_url(org_slug, f"#area-{area.pk}"),
    )
    return done or _form_page(
        request,
        form,
        title=f"Edit the area “{area.name}”",
        submit="Save",
        cancel=_competencies_url(org_slug),
    )


@admin_required
def competency_area_delete(request, org_slug, competencyarea_id):
    area = access_competency_area_by_id(
        membership=request.membership, competencyarea_id=competencyarea_id
    )
    error = None
    if request.method == "POST":
        try:
            services.competency_area_delete(area=area, by=request.user)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, f"Deleted the area “{area.name}”.")
            return redirect("competency_list", org_slug=org_slug)
    count = selectors.area_competency_count(area=area)
    return confirm_page(
        request,
        title=f"Delete the area “{area.name}”?",
        text="The area disappears from the taxonomy.",
        warnings=[f"It has {count} competencies: move or delete them first."] if count else [],
        error=error,
        submit="Delete area",
        cancel=_competencies_url(org_slug),
    )


def _competency_redirect(org_slug):
    return lambda competency: _competencies_url(org_slug, f"#area-{competency.area_id}")


@admin_required
def competency_create(request, org_slug):
    organization = request.organization
    initial = {}
    if request.GET.get("area"):
        initial["area"] = request.GET["area"]
    form = CompetencyForm(request.POST or None, organization=organization, initial=initial)
    done = form_submit(
        request,
        form,
        lambda data: services.competency_create(
            organization=organization,
            area=data["area"],
            name=data["name"],
            description=data["description"],
            by=request.user,
        ),
        message=lambda competency: f"Added “{competency.name}”.",
        redirect_to=_competency_redirect(org_slug),
    )
    return done or _form_page(
        request,
        form,
        title="Add a competency",
        intro="Mentees choose competencies to grow, mentors the ones they offer.",
        submit="Add competency",
        cancel=_competencies_url(org_slug),
    )


@admin_required
def competency_edit(request, org_slug, competency_id):
    competency = access_competency_by_id(membership=request.membership, competency_id=competency_id)
    form = CompetencyForm(
        request.POST or None,
        organization=request.organization,
        initial={
            "name": competency.name,
            "area": competency.area_id,
            "description": competency.description,
        },
    )
    done = form_submit(
        request,
        form,
        lambda data: services.competency_update(
            competency=competency,
            area=data["area"],
            name=data["name"],
            description=data["description"],
            by=request.user,
        ),
        message=lambda competency: f"Saved “{competency.name}”.",
        redirect_to=_competency_redirect(org_slug),
    )
    return done or _form_page(
        request,
        form,
        title=f"Edit “{competency.name}”",
        submit="Save",
        cancel=_competencies_url(org_slug),
    )


@admin_required
def competency_delete(request, org_slug, competency_id):
    competency = access_competency_by_id(membership=request.membership, competency_id=competency_id)
    error = None
    if request.method == "POST":
        try:
            services.competency_delete(competency=competency, by=request.user)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, f"Deleted “{competency.name}”.")
            return redirect("competency_list", org_slug=org_slug)
    usage = selectors.competency_usage(competency=competency)
    warnings = []
    if usage["resources"]:
        warnings.append(f"{usage['resources']} resources are tagged with it; they lose the tag.")
    chosen = usage["mentee_goals"] + usage["mentor_offers"]
    if chosen:
        warnings.append(
            f"{usage['mentee_goals']} mentees chose it as a goal and {usage['mentor_offers']} "
            "mentors offer it: it cannot be deleted, only renamed."
        )
    return confirm_page(
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
    next_value = selectors.next_level_value(organization=organization)
    form = CompetencyLevelForm(request.POST or None, initial={"value": min(next_value, 9)})
    done = form_submit(
        request,
        form,
        lambda data: services.competency_level_create(
            organization=organization, **data, by=request.user
        ),
        message="Added the level.",
        redirect_to=_competencies_url(org_slug, "#levels"),
    )
    return done or _form_page(
        request,
        form,
        title="Add a level",
        intro="The scale mentors rate their competencies on, from 1 upwards.",
        submit="Add level",
        cancel=_competencies_url(org_slug, "#levels"),
    )


@admin_required
def competency_level_edit(request, org_slug, competencylevel_id):
    level = access_competency_level_by_id(
        membership=request.membership, competencylevel_id=competencylevel_id
    )
    form = CompetencyLevelForm(
        request.POST or None,
        initial={"value": level.value, "name": level.name, "description": level.description},
    )
    done = form_submit(
        request,
        form,
        lambda data: services.competency_level_update(level=level, **data, by=request.user),
        message=lambda level: f"Saved level {level.value}.",
        redirect_to=_competencies_url(org_slug, "#levels"),
    )
    return done or _form_page(
        request,
        form,
        title=f"Edit level {level.value} · {level.name}",
        submit="Save",
        cancel=_competencies_url(org_slug, "#levels"),
    )


@admin_required
def competency_level_delete(request, org_slug, competencylevel_id):
    level = access_competency_level_by_id(
        membership=request.membership, competencylevel_id=competencylevel_id
    )
    if request.method == "POST":
        services.competency_level_delete(level=level, by=request.user)
        messages.success(request, f"Deleted level {level.value} · {level.name}.")
        return redirect(_competencies_url(org_slug, "#levels"))
    return confirm_page(
        request,
        title=f"Delete level {level.value} · {level.name}?",
        text="Mentors who rated a competency at this level keep their number.",
        submit="Delete level",
        cancel=_competencies_url(org_slug, "#levels"),
    )


@admin_required
@require_POST
def competency_starter(request, org_slug):
    return action_submit(
        request,
        lambda: services.competency_starter_load(
            organization=request.organization, by=request.user
        ),
        message=lambda created: (
            f"Loaded {len(created)} starter competencies and the level scale. Rename, add "
            "and delete until they fit your organisation."
        ),
        redirect_to=_competencies_url(org_slug),
    )


@leader_required
def competency_export(request, org_slug):
    rows = selectors.competency_export_rows(organization=request.organization)
    response = HttpResponse(format_competency_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{org_slug}-competencies.csv"'
    return response


@leader_required
def competency_level_export(request, org_slug):
    rows = selectors.competency_level_export_rows(organization=request.organization)
    response = HttpResponse(format_level_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{org_slug}-levels.csv"'
    return response


def _import_page(request, form, errors):
    return render(
        request,
        "programs/learning/competency_import.html",
        {"form": form, "errors": errors},
        status=400 if errors else 200,
    )


@admin_required
def competency_import(request, org_slug):
    """Import competencies, or the level scale when the file's header is the levels'."""
    form = CompetencyImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, form, [])
    data = form.cleaned_data["file"].read()
    if is_level_file(data):
        parsed = parse_level_csv(data)
        if parsed.errors:
            return _import_page(request, form, parsed.errors)
        try:
            created, updated = services.competency_levels_import(
                organization=request.organization, rows=parsed.rows, by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
            return _import_page(request, form, [])
        messages.success(request, f"Imported the level scale: {created} new, {updated} changed.")
        return redirect(_competencies_url(org_slug, "#levels"))
    parsed = parse_competency_csv(data)
    if parsed.errors:
        return _import_page(request, form, parsed.errors)
    try:
        summary = services.competency_import(
            organization=request.organization, rows=parsed.rows, by=request.user
        )
    except ValidationError as error:
        add_errors(form, error)
        return _import_page(request, form, [])
    messages.success(request, _import_message(summary))
    return redirect("competency_list", org_slug=org_slug)


def _import_message(summary):
    parts = [f"{len(summary.created)} new", f"{len(summary.updated)} changed"]
    if summary.unchanged:
        parts.append(f"{summary.unchanged} unchanged")
    message = f"Imported {summary.total} competencies: {', '.join(parts)}."
    if summary.areas_created:
        message += f" New areas: {', '.join(summary.areas_created)}."
    return message
