"""Pages of resources (P7): the library, a resource with its audience and assignments, the
cohort completion grid, and a person's own resources ("My resources"). Thin: resolve through
:mod:`programs.access`, read through :mod:`programs.selectors.resources`, call a service,
render.

Leaders read the library and the completion grid; every write to the library is an
admin's; any member marks their own resources done.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit, form_submit, list_template
from mentorship.tenancy.access import admin_required, leader_required, member_required
from mentorship.tenancy.pagination import paginate

from ..access import (
    access_own_resource_by_id,
    access_resource_assignment_by_id,
    access_resource_by_id,
)
from ..filters.learning import ResourceFilter
from ..forms.learning import CohortChoiceForm, ResourceAssignForm, ResourceForm
from ..models import Resource
from ..selectors import resources as selectors
from ..services import resources as services


def _resource_url(org_slug):
    """The resource's page, as a function of the resource (for ``form_submit``)."""
    return lambda resource: reverse("resource_detail", args=[org_slug, resource.pk])


@leader_required
def resource_list(request, org_slug):
    organization = request.organization
    queryset = selectors.resource_list(organization=organization)
    resource_filter = ResourceFilter(request.GET, queryset=queryset, organization=organization)
    page = paginate(request, resource_filter.qs)
    template = list_template(request, "programs/learning/resource_list.html", "resource-results")
    return render(
        request,
        template,
        {"filter": resource_filter, "page": page, "kinds": Resource.Kind.choices},
    )


def _resource_form_kwargs(data):
    return {
        name: data[name] for name in ("title", "kind", "body", "url", "minutes", "competencies")
    } | {"is_coaching_primer": data["is_coaching_primer"]}


@admin_required
def resource_create(request, org_slug):
    organization = request.organization
    form = ResourceForm(request.POST or None, organization=organization)
    done = form_submit(
        request,
        form,
        lambda data: services.resource_create(
            organization=organization, **_resource_form_kwargs(data), by=request.user
        ),
        message=lambda resource: f"Added “{resource.title}”. Assign it to a cohort or a person.",
        redirect_to=_resource_url(org_slug),
    )
    return done or render(
        request,
        "programs/learning/resource_form.html",
        {"form": form, "title": "Add a resource", "submit": "Add resource"},
    )


@admin_required
def resource_edit(request, org_slug, resource_id):
    resource = access_resource_by_id(membership=request.membership, resource_id=resource_id)
    form = ResourceForm(
        request.POST or None,
        organization=request.organization,
        initial=ResourceForm.initial_for(resource),
    )
    title = f"Edit “{resource.title}”"
    done = form_submit(
        request,
        form,
        lambda data: services.resource_update(
            resource=resource, **_resource_form_kwargs(data), by=request.user
        ),
        message=lambda resource: f"Saved “{resource.title}”.",
        redirect_to=_resource_url(org_slug),
        on_error=lambda error: resource.refresh_from_db(),
    )
    return done or render(
        request,
        "programs/learning/resource_form.html",
        {"form": form, "resource": resource, "title": title, "submit": "Save"},
    )


def _resource_detail(request, resource, assign_form=None, status=200):
    resource = selectors.resource_with_competencies(resource=resource)
    audience, others = selectors.resource_audience(resource=resource)
    is_admin = request.membership.is_admin
    if is_admin and assign_form is None:
        assign_form = ResourceAssignForm(organization=request.organization)
    done = sum(1 for row in audience if row.completed_at)
    return render(
        request,
        "programs/learning/resource_detail.html",
        {
            "resource": resource,
            "audience": audience,
            "others": others,
            "done_count": done,
            "assignments": selectors.resource_assignments(resource=resource),
            "assign_form": assign_form if is_admin else None,
        },
        status=status,
    )


@leader_required
def resource_detail(request, org_slug, resource_id):
    resource = access_resource_by_id(membership=request.membership, resource_id=resource_id)
    return _resource_detail(request, resource)


@admin_required
@require_POST
def resource_assign(request, org_slug, resource_id):
    resource = access_resource_by_id(membership=request.membership, resource_id=resource_id)
    form = ResourceAssignForm(request.POST, organization=request.organization)

    def assign(data):
        services.resource_assign(
            resource=resource,
            cohort=data["cohort"],
            user=data["user"],
            participant_role=data.get("participant_role") or "",
            due_on=data["due_on"],
            by=request.user,
        )
        return data["cohort"] or data["user"]

    done = form_submit(
        request,
        form,
        assign,
        message=lambda target: f"Assigned “{resource.title}” to {target}.",
        redirect_to=_resource_url(org_slug)(resource),
    )
    return done or _resource_detail(request, resource, assign_form=form, status=400)


@admin_required
@require_POST
def resource_unassign(request, org_slug, resourceassignment_id):
    assignment = access_resource_assignment_by_id(
        membership=request.membership, resourceassignment_id=resourceassignment_id
    )
    target = assignment.cohort or assignment.user
    return action_submit(
        request,
        lambda: services.resource_unassign(assignment=assignment, by=request.user),
        message=f"“{assignment.resource.title}” is no longer assigned to {target}.",
        redirect_to=reverse("resource_detail", args=[org_slug, assignment.resource_id]),
    )


@admin_required
@require_POST
def resource_archive(request, org_slug, resource_id):
    resource = access_resource_by_id(membership=request.membership, resource_id=resource_id)
    return action_submit(
        request,
        lambda: services.resource_archive(resource=resource, by=request.user),
        message=f"Archived “{resource.title}”: it left the library and people's lists.",
        redirect_to=_resource_url(org_slug)(resource),
    )


@admin_required
@require_POST
def resource_restore(request, org_slug, resource_id):
    resource = access_resource_by_id(membership=request.membership, resource_id=resource_id)
    return action_submit(
        request,
        lambda: services.resource_restore(resource=resource, by=request.user),
        message=f"Restored “{resource.title}” to the library.",
        redirect_to=_resource_url(org_slug)(resource),
    )


@leader_required
def resource_completion(request, org_slug):
    organization = request.organization
    form = CohortChoiceForm(request.GET or None, organization=organization)
    cohort = None
    if request.GET.get("cohort") and form.is_valid():
        cohort = form.cleaned_data["cohort"]
    if cohort is None:
        cohort = selectors.default_progress_cohort(organization=organization)
        form = CohortChoiceForm(
            organization=organization, initial={"cohort": cohort.pk if cohort else None}
        )
    progress = selectors.cohort_resource_progress(cohort=cohort) if cohort else None
    template = list_template(
        request, "programs/learning/resource_completion.html", "completion-results"
    )
    return render(request, template, {"form": form, "cohort": cohort, "progress": progress})


# --- my resources ---------------------------------------------------------------------------


@member_required
def my_resources(request, org_slug):
    resources = list(
        selectors.resources_for_user(organization=request.organization, user=request.user)
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


@member_required
def my_resource_detail(request, org_slug, resource_id):
    try:
        resource = access_own_resource_by_id(membership=request.membership, resource_id=resource_id)
    except Http404:
        if not request.membership.is_leader:
            raise
        # Not theirs to do, but theirs to read: the library's page (404 when it is not the
        # organisation's at all).
        access_resource_by_id(membership=request.membership, resource_id=resource_id)
        return redirect("resource_detail", org_slug=org_slug, resource_id=resource_id)
    return render(request, "programs/learning/my_resource_detail.html", {"item": resource})


@member_required
@require_POST
def my_resource_done(request, org_slug, resource_id):
    resource = access_own_resource_by_id(membership=request.membership, resource_id=resource_id)
    done = request.POST.get("done", "1") != "0"
    if done:
        services.resource_mark_done(resource=resource, user=request.user)
    else:
        services.resource_mark_not_done(resource=resource, user=request.user)
    if request.htmx:
        item = access_own_resource_by_id(membership=request.membership, resource_id=resource_id)
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
