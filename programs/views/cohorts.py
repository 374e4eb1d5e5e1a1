"""Pages of cohorts (P4): the list, a cohort's page with its lifecycle, seats and
milestones, its form and its lifecycle steps. Thin: resolve through :mod:`programs.access`,
read through :mod:`programs.selectors`, call a service, render.

Leaders read the list and the cohort's page; every write is an admin's.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.core.views import error_text, form_status, form_submit, list_template
from mentorship.tenancy.access import admin_required, leader_required, role_required
from mentorship.tenancy.models import Role
from mentorship.tenancy.pagination import paginate

from ..access import access_cohort_as_staff_or_facilitator_by_id, access_cohort_by_id
from ..filters.catalogue import CohortFilter
from ..forms.catalogue import CohortForm, CohortTransitionForm
from ..models import Cohort
from ..selectors import programs as selectors
from ..selectors.cohorts import cohort_seats
from ..services import cohorts as services

# What each lifecycle step means, shown beside its button: forward steps by where they
# lead, back-steps by where they come from and lead.
STEP_WORDS = {
    Cohort.Status.ENROLLING: ("Open enrolment", "Add and invite mentors and mentees."),
    Cohort.Status.MATCHING: ("Start matching", "Enrolment closes; pair mentors and mentees."),
    Cohort.Status.ACTIVE: ("Start the cohort", "Pairs meet; milestones count down."),
    Cohort.Status.COMPLETED: (
        "Complete the cohort",
        "The cohort is over: its pairings end, open offers are withdrawn and everyone taking "
        "part is marked completed.",
    ),
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


def _cohort_url(org_slug):
    """The cohort's page, as a function of the cohort (for ``form_submit``)."""
    return lambda cohort: reverse("cohort_detail", args=[org_slug, cohort.pk])


@leader_required
def cohort_list(request, org_slug):
    organization = request.organization
    queryset = selectors.cohort_list(organization=organization)
    cohort_filter = CohortFilter(request.GET, queryset=queryset, organization=organization)
    page = paginate(request, cohort_filter.qs)
    template = list_template(request, "programs/catalogue/cohort_list.html", "cohort-results")
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


@role_required(read=Role.MEMBER, write=Role.LEADER)  # members: their own cohort only
def cohort_detail(request, org_slug, cohort_id):
    cohort = access_cohort_as_staff_or_facilitator_by_id(
        membership=request.membership, cohort_id=cohort_id
    )
    counts = selectors.cohort_counts(cohort=cohort)
    seats = cohort_seats(cohort=cohort)
    milestones = selectors.cohort_milestones(cohort=cohort)
    today = timezone.localdate()
    week_now = None
    if cohort.status == Cohort.Status.ACTIVE and cohort.starts_on <= today <= cohort.ends_on:
        week_now = (today - cohort.starts_on).days // 7 + 1
    context = {
        "cohort": cohort,
        "program": cohort.program,
        "counts": counts,
        "seats": seats,
        "seated": seats.taken,
        "seats_left": seats.left,
        "lifecycle": _lifecycle(cohort),
        "steps": _steps(cohort, counts) if request.membership.is_admin else [],
        "milestone_groups": _milestone_rows(milestones, today),
        "duration_weeks": ((cohort.ends_on - cohort.starts_on).days + 7) // 7,
        "week_now": week_now,
        "milestone_count": len(milestones),
        "late_milestones": [m for m in milestones if m.due_on > cohort.ends_on],
        "history": selectors.cohort_history(cohort=cohort),
    }
    return render(request, "programs/catalogue/cohort_detail.html", context)


def _cohort_form_page(request, form, cohort=None):
    return render(
        request,
        "programs/catalogue/cohort_form.html",
        {"form": form, "cohort": cohort},
        status=form_status(form),
    )


@admin_required
def cohort_create(request, org_slug):
    initial = {}
    program_id = request.GET.get("program")
    if program_id and program_id.isdigit():
        initial["program"] = int(program_id)
    form = CohortForm(request.POST or None, organization=request.organization, initial=initial)
    done = form_submit(
        request,
        form,
        lambda data: services.cohort_create(
            program=data["program"], by=request.user, **form.service_kwargs()
        ),
        message=lambda cohort: (
            f"{cohort.name} is created as a draft with {selectors.milestone_count(cohort=cohort)} "
            f"milestones. Open enrolment when you are ready."
        ),
        redirect_to=_cohort_url(org_slug),
    )
    return done or _cohort_form_page(request, form)


@admin_required
def cohort_edit(request, org_slug, cohort_id):
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    form = CohortForm(request.POST or None, organization=request.organization, instance=cohort)
    done = form_submit(
        request,
        form,
        lambda data: services.cohort_update(
            cohort=cohort, by=request.user, **form.service_kwargs()
        ),
        message=lambda cohort: f"{cohort.name} is saved.",
        redirect_to=_cohort_url(org_slug),
        on_error=lambda error: cohort.refresh_from_db(),
    )
    return done or _cohort_form_page(request, form, cohort)


@admin_required
@require_POST
def cohort_transition(request, org_slug, cohort_id):
    cohort = access_cohort_by_id(membership=request.membership, cohort_id=cohort_id)
    form = CohortTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a stage to move the cohort to.")
    else:
        # Not action_submit: the refusal names the stage the cohort stays in.
        try:
            services.cohort_transition(cohort=cohort, to=form.cleaned_data["to"], by=request.user)
        except ValidationError as error:
            messages.error(
                request,
                f"{cohort.name} stays {cohort.get_status_display().lower()}: {error_text(error)}",
            )
        else:
            messages.success(
                request, f"{cohort.name} is now {cohort.get_status_display().lower()}."
            )
    return redirect("cohort_detail", org_slug=org_slug, cohort_id=cohort.pk)
