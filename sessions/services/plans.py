"""The mentee's 90-day plan (D1): created when the mentor accepts a core pairing, prefilled,
then edited by the mentee, commented on by the mentor, reviewed at days 30, 60 and 90.

Prefill (``plan_create_for_pairing``), from what exists today:

* **Dates.** The plan starts on the day the pairing was accepted (the organisation's day) and
  ends ``PLAN_DAYS`` (90) days later.
* **Objectives.** One per competency the mentee's intake names (``MenteeGoal``), by priority:
  titled after the competency; the first carries the intake's goals text ("What do you want to
  be able to do in 90 days?") as its success criterion. The intake asks no level aimed at, so
  the target level is the level the mentor offers in that competency, else
  ``DEFAULT_TARGET_LEVEL`` (4); the mentee changes it.
* **Milestones.** Each phase of the program's blueprint that starts within the 90 days
  becomes a milestone due at the end of its last week from the plan's start (capped at the
  plan's end); with no blueprint, milestones at days 30, 60 and 90.
* **Feedback preferences** from the intake.

Who writes: the mentee edits objectives, milestones and feedback preferences and writes the
reviews; either side of the pair comments; nobody else writes, and nothing is written once
the pairing is no longer active. Every change writes a :class:`PlanEvent` (who, what,
before → after).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from matching.models import Pairing
from mentorship.core.models import audit_value, model_update
from programs.models import MenteeIntake, MentorOffer

from ..models import (
    Objective,
    ObjectiveRating,
    Plan,
    PlanComment,
    PlanEvent,
    PlanMilestone,
    PlanReview,
)
from ..models.plans import PLAN_DAYS, REVIEW_DAYS

DEFAULT_TARGET_LEVEL = 4
OBJECTIVE_FIELDS = ("competency", "title", "success_criterion", "target_level")
MILESTONE_FIELDS = ("title", "due_on")
DEFAULT_MILESTONES = ((30, "Day 30: first results"), (60, "Day 60: halfway"), (90, "Day 90"))


# --- prefill (pure helpers, also used by the data migration) --------------------------------


def plan_start(pairing):
    """The day the plan starts: the pairing's acceptance, in the organisation's zone."""
    moment = pairing.accepted_at or timezone.now()
    return timezone.localdate(moment, pairing.organization.zoneinfo)


def milestone_drafts(starts_on, phases):
    """[(title, due_on)] from blueprint phases ((name, start_week, end_week), in order), or
    days 30, 60 and 90 when there are none."""
    ends_on = starts_on + timedelta(days=PLAN_DAYS)
    drafts = []
    for name, start_week, end_week in phases:
        if (start_week - 1) * 7 >= PLAN_DAYS:
            continue  # the phase starts after the plan's 90 days
        drafts.append((name[:200], min(starts_on + timedelta(days=end_week * 7), ends_on)))
    if not drafts:
        drafts = [(title, starts_on + timedelta(days=day)) for day, title in DEFAULT_MILESTONES]
    return drafts


def _short(text, limit):
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def objective_drafts(goals, offers, goals_text=""):
    """[(competency, title, success_criterion, target_level)] from the intake's goals
    (competencies in priority order) and the mentor's offered levels {competency_id: level}."""
    drafts = []
    for index, competency in enumerate(goals):
        drafts.append(
            (
                competency,
                _short(f"Grow in {competency.name}", 200),
                _short(goals_text, 300) if index == 0 else "",
                offers.get(competency.pk, DEFAULT_TARGET_LEVEL),
            )
        )
    return drafts


@transaction.atomic
def plan_create_for_pairing(*, pairing, by=None):
    """The plan of a core pairing, created once (idempotent: the existing plan is returned);
    None for a topic pairing."""
    if pairing.kind != Pairing.Kind.CORE:
        return None
    organization = pairing.organization
    existing = Plan.objects.for_org(organization).filter(pairing=pairing).first()
    if existing is not None:
        return existing
    starts_on = plan_start(pairing)
    intake = (
        MenteeIntake.objects.for_org(organization)
        .filter(participant_id=pairing.mentee_id)
        .prefetch_related("goal_items__competency")
        .first()
    )
    plan = Plan(
        organization=organization,
        pairing=pairing,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=PLAN_DAYS),
        feedback_preferences=intake.feedback_preferences if intake else "",
    )
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # created meanwhile by another request: that one stands
        return Plan.objects.for_org(organization).get(pairing=pairing)
    goals = [goal.competency for goal in intake.goal_items.all()] if intake else []
    offers = dict(
        MentorOffer.objects.for_org(organization)
        .filter(intake__participant_id=pairing.mentor_id)
        .values_list("competency_id", "level")
    )
    Objective.objects.bulk_create(
        Objective(
            organization=organization,
            plan=plan,
            competency=competency,
            title=title,
            success_criterion=criterion,
            target_level=level,
            position=position,
        )
        for position, (competency, title, criterion, level) in enumerate(
            objective_drafts(goals, offers, intake.goals if intake else "")
        )
    )
    blueprint = pairing.cohort.program.blueprint
    phases = (
        [(p.name, p.start_week, p.end_week) for p in blueprint.phases.all()] if blueprint else []
    )
    PlanMilestone.objects.bulk_create(
        PlanMilestone(
            organization=organization, plan=plan, title=title, due_on=due_on, position=position
        )
        for position, (title, due_on) in enumerate(milestone_drafts(starts_on, phases))
    )
    _event(
        plan,
        by,
        "Plan created from the intake and the program's blueprint"
        if blueprint
        else "Plan created from the intake",
    )
    return plan


# --- who may write ----------------------------------------------------------------------------


def _event(plan, by, summary, changes=None):
    return PlanEvent.objects.create(
        organization=plan.organization,
        plan=plan,
        actor=by,
        summary=summary[:300],
        changes=changes or {},
    )


def _check_live(plan):
    if plan.pairing.status != Pairing.Status.ACTIVE:
        raise ValidationError("This pairing is no longer active: its plan is kept as it was.")


def _check_mentee(plan, by):
    if plan.pairing.mentee.user_id != by.pk:
        raise ValidationError("Only the mentee edits the plan; the mentor comments on it.")
    _check_live(plan)


def _check_pair(plan, by):
    if by.pk not in (plan.pairing.mentee.user_id, plan.pairing.mentor.user_id):
        raise ValidationError("Only the mentor and the mentee comment on the plan.")
    _check_live(plan)


def _own(plan, row, field):
    """Refuse a row (an objective, a milestone) that is not this plan's."""
    if row is not None and row.plan_id != plan.pk:
        raise ValidationError({field: "Choose one of this plan's own."})


# --- objectives ------------------------------------------------------------------------------


@transaction.atomic
def objective_create(*, plan, by, competency, title, success_criterion="", target_level=None):
    _check_mentee(plan, by)
    position = plan.objectives.count()
    objective = Objective(
        organization=plan.organization,
        plan=plan,
        competency=competency,
        title=(title or "").strip(),
        success_criterion=(success_criterion or "").strip(),
        target_level=target_level,
        position=position,
    )
    objective.full_clean()
    objective.save()
    _event(
        plan,
        by,
        f"Added the objective “{objective.title}”",
        {
            key: [None, audit_value(getattr(objective, key))]
            for key in OBJECTIVE_FIELDS
            if getattr(objective, key) not in (None, "")
        },
    )
    return objective


@transaction.atomic
def objective_update(*, objective, by, **data):
    plan = objective.plan
    _check_mentee(plan, by)
    for key in ("title", "success_criterion"):
        if key in data:
            data[key] = (data[key] or "").strip()
    changes = model_update(objective, data, fields=OBJECTIVE_FIELDS)
    if changes:
        _event(plan, by, f"Changed the objective “{objective.title}”", changes)
    return objective


@transaction.atomic
def objective_remove(*, objective, by):
    plan = objective.plan
    _check_mentee(plan, by)
    if objective.ratings.exists():
        raise ValidationError(
            "This objective is rated in a review: it stays, so the review reads as written. "
            "Edit it instead."
        )
    title = objective.title
    objective.delete()
    _event(plan, by, f"Removed the objective “{title}”", {"title": [title, None]})


# --- milestones ------------------------------------------------------------------------------


@transaction.atomic
def milestone_create(*, plan, by, title, due_on):
    _check_mentee(plan, by)
    milestone = PlanMilestone(
        organization=plan.organization,
        plan=plan,
        title=(title or "").strip(),
        due_on=due_on,
        position=plan.milestones.count(),
    )
    milestone.full_clean()
    milestone.save()
    _event(
        plan,
        by,
        f"Added the milestone “{milestone.title}”",
        {"title": [None, milestone.title], "due_on": [None, audit_value(due_on)]},
    )
    return milestone


@transaction.atomic
def milestone_update(*, milestone, by, **data):
    plan = milestone.plan
    _check_mentee(plan, by)
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
    changes = model_update(milestone, data, fields=MILESTONE_FIELDS)
    if changes:
        _event(plan, by, f"Changed the milestone “{milestone.title}”", changes)
    return milestone


@transaction.atomic
def milestone_set_done(*, milestone, by, done, now=None):
    """Mark a milestone done (or not done again); no change, no event."""
    plan = milestone.plan
    _check_mentee(plan, by)
    if bool(milestone.done_at) == bool(done):
        return milestone
    now = now or timezone.now()
    before = milestone.done_at
    milestone.done_at = now if done else None
    milestone.done_by = by if done else None
    milestone.save(update_fields=["done_at", "done_by"])
    _event(
        plan,
        by,
        f"{'Marked' if done else 'Reopened'} the milestone “{milestone.title}”"
        + ("" if done else " (not done)"),
        {"state": ["done" if before else "open", "done" if done else "open"]},
    )
    return milestone


# --- feedback preferences, comments ------------------------------------------------------------


@transaction.atomic
def plan_feedback_update(*, plan, by, feedback_preferences):
    _check_mentee(plan, by)
    changes = model_update(
        plan,
        {"feedback_preferences": (feedback_preferences or "").strip()},
        fields=("feedback_preferences",),
    )
    if changes:
        _event(plan, by, "Changed the feedback preferences", changes)
    return plan


@transaction.atomic
def plan_comment(*, plan, by, text, objective=None, milestone=None):
    """A comment of the mentor (or the mentee) on one objective or one milestone."""
    _check_pair(plan, by)
    _own(plan, objective, "objective")
    _own(plan, milestone, "milestone")
    if (objective is None) == (milestone is None):
        raise ValidationError("Comment on one objective or one milestone.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the comment."})
    comment = PlanComment(
        organization=plan.organization,
        plan=plan,
        objective=objective,
        milestone=milestone,
        author=by,
        text=text,
    )
    comment.full_clean()
    comment.save()
    target = objective or milestone
    kind = "objective" if objective else "milestone"
    _event(plan, by, f"Commented on the {kind} “{target}”", {"comment": [None, _short(text, 200)]})
    return comment


# --- reviews -----------------------------------------------------------------------------------


def review_opens_on(plan, day):
    return plan.starts_on + timedelta(days=day)


def reviews_due(*, plan, today, written):
    """The review days open today and not yet written (``written``: the days written)."""
    return [d for d in REVIEW_DAYS if review_opens_on(plan, d) <= today and d not in written]


@transaction.atomic
def plan_review_submit(*, plan, by, day, reflection, ratings, today):
    """The mentee's review at day 30, 60 or 90: a reflection and a self-rating (1 to 5) for
    every objective (``ratings``: {objective_id: rating}). Open from that day; once each."""
    _check_mentee(plan, by)
    errors = {}
    if day not in REVIEW_DAYS:
        raise ValidationError({"day": "Reviews are at days 30, 60 and 90."})
    opens = review_opens_on(plan, day)
    if today < opens:
        raise ValidationError({"day": f"The day-{day} review opens on {opens:%-d %B %Y}."})
    if PlanReview.objects.for_org(plan.organization).filter(plan=plan, day=day).exists():
        raise ValidationError({"day": f"The day-{day} review is written: a review is once."})
    reflection = (reflection or "").strip()
    if not reflection:
        errors["reflection"] = "Write a few lines: what moved, what did not, what next."
    objectives = list(plan.objectives.all())
    for objective in objectives:
        value = ratings.get(objective.pk)
        if value is None or not 1 <= int(value) <= 5:
            errors[f"rating_{objective.pk}"] = "Rate yourself from 1 to 5."
    if errors:
        raise ValidationError(errors)
    review = PlanReview(organization=plan.organization, plan=plan, day=day, reflection=reflection)
    review.full_clean()
    review.save()
    ObjectiveRating.objects.bulk_create(
        ObjectiveRating(
            organization=plan.organization,
            review=review,
            objective=objective,
            rating=int(ratings[objective.pk]),
        )
        for objective in objectives
    )
    _event(
        plan,
        by,
        f"Wrote the day-{day} review",
        {f"rating: {o.title}"[:80]: [None, int(ratings[o.pk])] for o in objectives},
    )
    return review


def plans_for_live_pairings(*, organization):
    """Plans for the organisation's active core pairings that have none (the data step for
    pairings accepted before plans existed). Returns the plans created."""
    pairings = (
        Pairing.objects.for_org(organization)
        .filter(kind=Pairing.Kind.CORE, status=Pairing.Status.ACTIVE, plan__isnull=True)
        .select_related("organization", "cohort__program__blueprint", "mentor")
        .order_by("pk")
    )
    return [plan_create_for_pairing(pairing=p, by=p.mentor.user) for p in pairings]
