"""The 90-day plan's pages (D1): the plan, its history, the mentee's edits (objectives,
milestones, feedback preferences, reviews) and the pair's comments.

Who sees what: the mentee and the mentor see the whole plan (the mentee edits, either
comments); a leader or admin who takes no part sees the status sentence with its rule and
counts (objectives, milestones done, reviews written) but no objective, milestone, comment,
review or preference text: the plan is the pair's. Every other member gets 404.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mentorship.core.views import action_submit, form_status, form_submit, list_template
from mentorship.tenancy.access import member_required
from mentorship.tenancy.pagination import paginate

from ..access import (
    access_objective_by_id,
    access_plan_by_id,
    access_plan_by_pairing_id,
    access_plan_milestone_by_id,
)
from ..forms.plans import (
    CommentForm,
    FeedbackPreferencesForm,
    MilestoneForm,
    ObjectiveForm,
    ReviewForm,
)
from ..models.plans import REVIEW_DAYS
from ..selectors import plans as selectors
from ..selectors.people import zone_of, zones_of
from ..services import plans as services


def _mentee_day(plan, viewer=None):
    """The mentee's zone and day (the plan is theirs), and the ``viewer``'s zone when asked
    (the page's times are theirs): one read of both, three queries."""
    mentee_id = plan.pairing.mentee.user_id
    ids = {mentee_id} | ({viewer.pk} if viewer is not None else set())
    zones = zones_of(organization=plan.organization, user_ids=ids)
    zone = zones[mentee_id]
    day = timezone.localtime(timezone.now(), zone).date()
    if viewer is None:
        return zone, day
    return zone, day, zones[viewer.pk]


def _today(plan):
    return _mentee_day(plan)[1]


def _plan_url(plan, anchor=""):
    url = reverse("plan_detail", args=[plan.organization.slug, plan.pairing_id])
    return f"{url}#{anchor}" if anchor else url


def _mentee_only(plan):
    if plan.side != "mentee":
        raise Http404


@member_required
def plan_detail(request, org_slug, pairing_id):
    plan = access_plan_by_pairing_id(membership=request.membership, pairing_id=pairing_id)
    full = plan.side in ("mentee", "mentor")
    zone, today, viewer_zone = _mentee_day(plan, request.user)
    page = selectors.plan_page(plan=plan, today=today, full=full, zone=zone)
    live = plan.pairing.status == plan.pairing.Status.ACTIVE
    context = {
        "plan": plan,
        "full": full,
        "today": today,
        "can_edit": plan.side == "mentee" and live,
        "can_comment": full and live,
        "zone": viewer_zone,
        **page,
    }
    return render(request, "sessions/plans/detail.html", context)


@member_required
def plan_history(request, org_slug, plan_id):
    plan = access_plan_by_id(membership=request.membership, plan_id=plan_id)
    page = paginate(request, selectors.plan_events(plan=plan))
    zone = zone_of(organization=request.organization, user=request.user)
    context = {"plan": plan, "page": page, "zone": zone}
    template = list_template(request, "sessions/plans/history.html", "plan-history-results")
    return render(request, template, context)


def _form_page(request, plan, form, title, intro, save, message, anchor=""):
    done = form_submit(
        request, form, save, message=message, redirect_to=lambda _: _plan_url(plan, anchor)
    )
    if done:
        return done
    context = {"plan": plan, "form": form, "title": title, "intro": intro}
    return render(request, "sessions/plans/form.html", context, status=form_status(form))


@member_required
def objective_create(request, org_slug, plan_id):
    plan = access_plan_by_id(membership=request.membership, plan_id=plan_id)
    _mentee_only(plan)
    form = ObjectiveForm(request.POST or None, organization=request.organization)
    return _form_page(
        request,
        plan,
        form,
        "Add an objective",
        "Tie it to a competency and say how you will know you got there.",
        lambda data: services.objective_create(plan=plan, by=request.user, **data),
        lambda objective: f"“{objective.title}” is in your plan.",
        "objectives",
    )


@member_required
def objective_edit(request, org_slug, objective_id):
    objective = access_objective_by_id(membership=request.membership, objective_id=objective_id)
    plan = objective.plan
    _mentee_only(plan)
    form = ObjectiveForm(
        request.POST or None, organization=request.organization, objective=objective
    )
    return _form_page(
        request,
        plan,
        form,
        f"Edit “{objective.title}”",
        "Your mentor sees the change in the plan's history.",
        lambda data: services.objective_update(objective=objective, by=request.user, **data),
        "The objective is saved.",
        f"objective-{objective.pk}",
    )


@require_POST
@member_required
def objective_remove(request, org_slug, objective_id):
    objective = access_objective_by_id(membership=request.membership, objective_id=objective_id)
    plan = objective.plan
    _mentee_only(plan)
    return action_submit(
        request,
        lambda: services.objective_remove(objective=objective, by=request.user),
        redirect_to=_plan_url(plan, "objectives"),
        message="The objective is removed.",
    )


@member_required
def milestone_create(request, org_slug, plan_id):
    plan = access_plan_by_id(membership=request.membership, plan_id=plan_id)
    _mentee_only(plan)
    form = MilestoneForm(request.POST or None, plan=plan)
    return _form_page(
        request,
        plan,
        form,
        "Add a milestone",
        "A dated step towards your objectives.",
        lambda data: services.milestone_create(plan=plan, by=request.user, **data),
        lambda milestone: f"“{milestone.title}” is in your plan.",
        "milestones",
    )


@member_required
def milestone_edit(request, org_slug, planmilestone_id):
    milestone = access_plan_milestone_by_id(
        membership=request.membership, planmilestone_id=planmilestone_id
    )
    plan = milestone.plan
    _mentee_only(plan)
    form = MilestoneForm(request.POST or None, plan=plan, milestone=milestone)
    return _form_page(
        request,
        plan,
        form,
        f"Edit “{milestone.title}”",
        "Move the date or rename the step.",
        lambda data: services.milestone_update(milestone=milestone, by=request.user, **data),
        "The milestone is saved.",
        f"milestone-{milestone.pk}",
    )


@require_POST
@member_required
def milestone_done(request, org_slug, planmilestone_id):
    """Done / not done with one tap: the row again for htmx, the plan page otherwise."""
    milestone = access_plan_milestone_by_id(
        membership=request.membership, planmilestone_id=planmilestone_id
    )
    plan = milestone.plan
    _mentee_only(plan)
    done = request.POST.get("done") == "1"
    if request.htmx:
        error = None
        try:
            services.milestone_set_done(milestone=milestone, by=request.user, done=done)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        zone, today = _mentee_day(plan)
        milestone.overdue = milestone.done_at is None and milestone.due_on < today
        context = {
            # the status card again, out of band: a milestone done may change the status
            **selectors.plan_page(plan=plan, today=today, full=False, zone=zone),
            "oob": True,
            "plan": plan,
            "milestone": milestone,
            "can_edit": error is None,
            "can_comment": error is None,
            "error": error,
        }
        return render(request, "sessions/plans/includes/milestone.html", context)
    return action_submit(
        request,
        lambda: services.milestone_set_done(milestone=milestone, by=request.user, done=done),
        redirect_to=_plan_url(plan, f"milestone-{milestone.pk}"),
        message=f"“{milestone.title}” is {'done' if done else 'open again'}.",
    )


@member_required
def plan_feedback_edit(request, org_slug, plan_id):
    plan = access_plan_by_id(membership=request.membership, plan_id=plan_id)
    _mentee_only(plan)
    form = FeedbackPreferencesForm(
        request.POST or None, initial={"feedback_preferences": plan.feedback_preferences}
    )
    return _form_page(
        request,
        plan,
        form,
        "Your feedback preferences",
        "Your mentor reads them on the plan.",
        lambda data: services.plan_feedback_update(plan=plan, by=request.user, **data),
        "Your feedback preferences are saved.",
        "feedback",
    )


@require_POST
@member_required
def plan_comment(request, org_slug, plan_id):
    """The mentor's (or the mentee's) comment on one objective or one milestone."""
    plan = access_plan_by_id(membership=request.membership, plan_id=plan_id)
    form = CommentForm(request.POST)
    objective = milestone = None
    anchor = ""
    if form.is_valid():
        if form.cleaned_data.get("objective"):
            objective = access_objective_by_id(
                membership=request.membership, objective_id=form.cleaned_data["objective"]
            )
            anchor = f"objective-{objective.pk}"
        if form.cleaned_data.get("milestone"):
            milestone = access_plan_milestone_by_id(
                membership=request.membership, planmilestone_id=form.cleaned_data["milestone"]
            )
            anchor = f"milestone-{milestone.pk}"
    return action_submit(
        request,
        lambda: services.plan_comment(
            plan=plan,
            by=request.user,
            text=request.POST.get("text", ""),
            objective=objective,
            milestone=milestone,
        ),
        redirect_to=_plan_url(plan, anchor),
        message="Your comment is on the plan.",
    )


@member_required
def plan_review(request, org_slug, plan_id):
    """The mentee's review of the day asked (``?day=``), else the first one due."""
    plan = access_plan_by_id(membership=request.membership, plan_id=plan_id)
    _mentee_only(plan)
    today = _today(plan)
    written = set(plan.reviews.values_list("day", flat=True))
    due = services.reviews_due(plan=plan, today=today, written=written)
    try:
        day = int(request.GET.get("day") or request.POST.get("day") or 0)
    except ValueError:
        day = 0
    if day not in REVIEW_DAYS:
        day = due[0] if due else None
    objectives = list(plan.objectives.select_related("competency"))
    form = ReviewForm(request.POST or None, objectives=objectives)
    if day is not None:
        done = form_submit(
            request,
            form,
            lambda data: services.plan_review_submit(
                plan=plan,
                by=request.user,
                day=day,
                reflection=data.get("reflection", ""),
                ratings=form.ratings(),
                today=today,
            ),
            message=lambda review: f"Your day-{review.day} review is on the plan.",
            redirect_to=lambda review: _plan_url(plan, "reviews"),
        )
        if done:
            return done
    opens = {d: services.review_opens_on(plan, d) for d in REVIEW_DAYS}
    context = {
        "plan": plan,
        "form": form,
        "day": day,
        "written": day in written,
        "open": day is not None and opens[day] <= today,
        "opens_on": opens.get(day),
        "next_opens": next(((d, opens[d]) for d in REVIEW_DAYS if d not in written), None),
    }
    return render(request, "sessions/plans/review.html", context, status=form_status(form))
