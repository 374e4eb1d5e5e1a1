"""Plan reads (D1): the plan's status facts (one plan, or many in a fixed number of queries),
the plan page and its history.

The status is ``sessions.plan_status.plan_status`` (pure, one documented rule) fed with the
facts read here:

* overdue milestones: not done, due before today;
* overdue actions: the pairing's open actions due before today;
* days since the last completed session of the pairing, the session's day counted in the
  mentee's zone as their today is (from the plan's start when there is none yet; None while
  the plan has not started);
* habit adherence over 14 days: the mean, over the pairing's live habits (not ended) that were
  due in the window, of each habit's adherence (``sessions.habits.adherence``); None when no
  habit was due;
* the pair's target cadence: its cohort's own, else its program's
  (``Cohort.target_cadence_days``).
"""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Max, Prefetch

from .. import habits as maths
from .. import plan_status as rules
from ..models import (
    ActionItem,
    HabitCheckIn,
    HabitPause,
    MicroHabit,
    Objective,
    PlanComment,
    PlanEvent,
    PlanMilestone,
    PlanReview,
)
from ..models import Session as MentoringSession
from ..services.plans import review_opens_on, reviews_due
from .habits import pure_habit

RULES = rules.__doc__.split("The rule, as the plan page states it:", 1)[-1].strip()
ADHERENCE_DAYS = 14


def plan_statuses(*, organization, plans, today, zones=None):
    """{plan_id: PlanStatus} for ``plans`` (with ``pairing__cohort__program`` selected), in
    six queries whatever their number and their rows (none for no plans; three more without
    ``zones``). ``today``: a date, or {plan_id: date} for each mentee's own day; ``zones``:
    see :func:`plan_facts_many`."""
    facts = plan_facts_many(organization=organization, plans=plans, today=today, zones=zones)
    return {plan_id: rules.plan_status(f) for plan_id, f in facts.items()}


def plan_status(*, plan, today, zone=None):
    return plan_statuses(organization=plan.organization, plans=[plan], today=today, zones=zone)[
        plan.pk
    ]


def plan_facts(*, plan, today, zone=None):
    """The :class:`sessions.plan_status.PlanFacts` of one plan."""
    return plan_facts_many(organization=plan.organization, plans=[plan], today=today, zones=zone)[
        plan.pk
    ]


def _mentee_zones(organization, plans, zones):
    """{plan_id: ZoneInfo} of each plan's mentee: ``zones`` as given (one zone for all, or a
    dict), else read (``zones_of``: profile, then intake, then organisation; one query;
    the plans need ``pairing__mentee``)."""
    if isinstance(zones, dict):
        return zones
    if zones is not None:
        return {p.pk: zones for p in plans}
    from .people import zones_of

    user_of = {p.pk: p.pairing.mentee.user_id for p in plans}
    found = zones_of(organization=organization, user_ids=set(user_of.values()))
    return {plan_id: found[user_id] for plan_id, user_id in user_of.items()}


def _live_habits_of_pairings(organization, pairing_ids, latest, first):
    """The live habits of these pairings started by ``latest``, with their check-ins from
    ``first`` and their pauses (three queries)."""
    return list(
        MicroHabit.objects.for_org(organization)
        .filter(pairing_id__in=pairing_ids, ended_at__isnull=True, starts_on__lte=latest)
        .prefetch_related(
            Prefetch(
                "checkins",
                queryset=HabitCheckIn.objects.for_org(organization)
                .filter(day__gte=first)
                .order_by(),
            ),
            Prefetch("pauses", queryset=HabitPause.objects.for_org(organization).order_by()),
        )
    )


def plan_facts_many(*, organization, plans, today, zones=None, habits=None):
    """{plan_id: PlanFacts} in six queries (milestones, actions, sessions, habits, their
    check-ins in the window, their pauses). ``today``: one date for every plan, or
    {plan_id: date} (each mentee's own day). ``zones``: the mentee's zone (one ZoneInfo for
    every plan, or {plan_id: ZoneInfo}), in which the last session's day is counted as their
    today is; without it the mentees' zones are read (one query more). ``habits``: the live
    habits of the plans' mentees with all their check-ins and pauses
    (``sessions.selectors.habits.live_habits``) when the caller has read them: three
    queries fewer."""
    plans = list(plans)
    if not plans:
        return {}
    day_of = today if isinstance(today, dict) else {p.pk: today for p in plans}
    zone_of_plan = _mentee_zones(organization, plans, zones)
    latest, earliest = max(day_of.values()), min(day_of.values())
    plan_ids = [p.pk for p in plans]
    pairing_ids = [p.pairing_id for p in plans]
    overdue_milestones = defaultdict(list)
    for plan_id, due_on in (
        PlanMilestone.objects.for_org(organization)
        .filter(plan_id__in=plan_ids, done_at__isnull=True, due_on__lt=latest)
        .order_by()
        .values_list("plan_id", "due_on")
    ):
        overdue_milestones[plan_id].append(due_on)
    overdue_actions = defaultdict(list)
    for pairing_id, due_on in (
        ActionItem.objects.for_org(organization)
        .filter(pairing_id__in=pairing_ids, done_at__isnull=True, due_on__lt=latest)
        .order_by()
        .values_list("pairing_id", "due_on")
    ):
        overdue_actions[pairing_id].append(due_on)
    last_session = dict(
        MentoringSession.objects.for_org(organization)
        .filter(pairing_id__in=pairing_ids, status=MentoringSession.Status.COMPLETED)
        .order_by()
        .values("pairing_id")
        .annotate(last=Max("starts_at"))
        .values_list("pairing_id", "last")
    )
    first = earliest - timedelta(days=ADHERENCE_DAYS - 1)
    if habits is not None:
        wanted = set(pairing_ids)
        habits = [
            h
            for h in habits
            if h.pairing_id in wanted and h.ended_at is None and h.starts_on <= latest
        ]
    else:
        habits = _live_habits_of_pairings(organization, pairing_ids, latest, first)
    plan_of_pairing = {p.pairing_id: p.pk for p in plans}
    adherence = defaultdict(list)
    for habit in habits:
        checkins = {c.day: c.state for c in habit.checkins.all() if c.day >= first}
        share = maths.adherence(
            pure_habit(habit, habit.pauses.all()),
            checkins,
            day_of[plan_of_pairing[habit.pairing_id]],
            ADHERENCE_DAYS,
        )
        if share is not None:
            adherence[habit.pairing_id].append(share)
    facts = {}
    for plan in plans:
        today = day_of[plan.pk]
        last = last_session.get(plan.pairing_id)
        if plan.starts_on > today:
            gap = None
        elif last is not None:
            gap = max((today - last.astimezone(zone_of_plan[plan.pk]).date()).days, 0)
        else:
            gap = (today - plan.starts_on).days
        shares = adherence.get(plan.pairing_id)
        facts[plan.pk] = rules.PlanFacts(
            overdue_milestones=sum(1 for d in overdue_milestones[plan.pk] if d < today),
            overdue_actions=sum(1 for d in overdue_actions[plan.pairing_id] if d < today),
            days_since_session=gap,
            cadence_days=plan.pairing.cohort.target_cadence_days,
            adherence_14=sum(shares) / len(shares) if shares else None,
        )
    return facts


# --- the plan page ---------------------------------------------------------------------------


def plan_page(*, plan, today, full, zone=None):
    """What the plan page shows. ``full``: the pair's view (objectives, milestones, comments,
    reviews, preferences, history); otherwise the staff's (status and counts only).
    ``today`` is the mentee's day in their ``zone`` (read when not given)."""
    organization = plan.organization
    status = plan_status(plan=plan, today=today, zone=zone)
    milestones = list(
        PlanMilestone.objects.for_org(organization)
        .filter(plan=plan)
        .prefetch_related(_comments(organization))
    )
    for milestone in milestones:
        milestone.overdue = milestone.done_at is None and milestone.due_on < today
    reviews = list(
        PlanReview.objects.for_org(organization)
        .filter(plan=plan)
        .prefetch_related("ratings__objective")
    )
    written = {r.day for r in reviews}
    due = reviews_due(plan=plan, today=today, written=written)
    page = {
        "status": status,
        "rules": RULES,
        "milestones_total": len(milestones),
        "milestones_done": sum(1 for m in milestones if m.done_at),
        "reviews_written": sorted(written),
        "review_due": due[0] if due else None,
        "next_review": next(
            (
                (day, review_opens_on(plan, day))
                for day in (30, 60, 90)
                if day not in written and review_opens_on(plan, day) > today
            ),
            None,
        ),
        "day_of_plan": max(min((today - plan.starts_on).days, 90), 0),
    }
    if not full:
        page["objectives_total"] = Objective.objects.for_org(organization).filter(plan=plan).count()
        return page
    objectives = list(
        Objective.objects.for_org(organization)
        .filter(plan=plan)
        .select_related("competency")
        .prefetch_related(_comments(organization))
    )
    page.update(
        objectives=objectives,
        objectives_total=len(objectives),
        milestones=milestones,
        reviews=reviews,
        events=list(plan_events(plan=plan)[:20]),
    )
    return page


def _comments(organization):
    return Prefetch(
        "comments",
        queryset=PlanComment.objects.for_org(organization).select_related("author"),
    )


def plan_events(*, plan):
    """The plan's history, newest first."""
    return PlanEvent.objects.for_org(plan.organization).filter(plan=plan).select_related("actor")
