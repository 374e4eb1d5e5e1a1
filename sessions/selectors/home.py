"""The reads of the home page's three sessions panels (D5): the mentee's day, the mentor's
mentees, the facilitator's cohorts. Each reads its rows in a fixed number of queries, however
many pairings, habits, check-ins, actions and sessions there are
(tests/sessions/test_home_panels.py counts them).

Shared figures:

* **a pairing's progress**: its plan's milestones done of all, its status by
  :func:`sessions.plan_status.plan_status` (the facts: overdue milestones, the pairing's open
  actions past due, the days since its last completed session against the program's cadence,
  habit adherence over 14 days), and habit adherence over 14 days: the mean of the adherence
  of the pairing's habits that were due in the window (:func:`sessions.habits.adherence`),
  None when none was.
* **today** is each person's day in their own zone (``zones_of``).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Max, Q, Subquery
from django.utils import timezone

from matching.models import Pairing
from programs.models import Cohort, MentorIntake, Participant

from ..habits import PER_WEEK, Habit, adherence
from ..models import (
    ActionItem,
    Correction,
    HabitCheckIn,
    HabitPause,
    MicroHabit,
    Plan,
    Session,
)
from ..models.templates import SessionKind
from ..plan_status import PlanFacts, plan_status
from .people import zones_of

OPEN_ACTIONS_SHOWN = 5
OVERDUE_SHOWN = 8
GROUP_SESSIONS_SHOWN = 5
PAIR_KINDS = [SessionKind.ONE_TO_ONE, SessionKind.MICRO]


@dataclass
class Progress:
    """A pairing's plan progress and status, and its habit adherence over 14 days."""

    plan: Plan | None = None
    milestones_done: int = 0
    milestones_total: int = 0
    status: object = None  # a PlanStatus, None without a plan
    adherence_14: float | None = None

    @property
    def percent(self):
        if not self.milestones_total:
            return 0
        return round(100 * self.milestones_done / self.milestones_total)


def _day_of(moment, zone):
    return timezone.localtime(moment, zone).date()


def habit_of(microhabit, zone, pauses=()):
    """The pure :class:`sessions.habits.Habit` of a MicroHabit row, its HabitPause rows and
    its end (``ended_at``, a day in the mentee's zone)."""
    ends_on = microhabit.ends_on
    if microhabit.ended_at is not None:
        ended = _day_of(microhabit.ended_at, zone)
        ends_on = min(ends_on, ended) if ends_on else ended
    paused = tuple((p.starts_on, p.ends_on) for p in pauses)
    return Habit(
        cadence=microhabit.cadence,
        starts_on=microhabit.starts_on,
        ends_on=ends_on,
        times_per_week=microhabit.times_per_week if microhabit.cadence == PER_WEEK else None,
        paused=paused,
    )


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def pairing_progress(*, organization, pairings, zones, now=None):
    """{pairing_id: Progress} for ``pairings`` (with ``cohort__program`` and ``mentee``
    loaded). Six queries, whatever their number: plans with their milestone counts, open
    overdue actions, last completed sessions, habits, their pauses and their check-ins of the
    last 14 days."""
    now = now or timezone.now()
    if not pairings:
        return {}
    ids = [p.pk for p in pairings]
    today_of = {p.pk: _day_of(now, zones[p.mentee.user_id]) for p in pairings}
    earliest = min(today_of.values())
    plans = {
        plan.pairing_id: plan
        for plan in Plan.objects.for_org(organization)
        .filter(pairing_id__in=ids)
        .annotate(
            m_total=Count("milestones"),
            m_done=Count("milestones", filter=Q(milestones__done_at__isnull=False)),
            # Past due in the organisation's calendar: exact per mentee below would cost a
            # query per zone; a milestone is overdue from the day after its due date.
            m_overdue=Count(
                "milestones",
                filter=Q(milestones__done_at__isnull=True, milestones__due_on__lt=earliest),
            ),
        )
    }
    overdue_actions = dict(
        ActionItem.objects.for_org(organization)
        .filter(pairing_id__in=ids, done_at__isnull=True, due_on__lt=earliest)
        .values("pairing_id")
        .annotate(n=Count("pk"))
        .values_list("pairing_id", "n")
    )
    last_session = dict(
        Session.objects.for_org(organization)
        .filter(pairing_id__in=ids, status=Session.Status.COMPLETED)
        .values("pairing_id")
        .annotate(last=Max("starts_at"))
        .values_list("pairing_id", "last")
    )
    habits = list(
        MicroHabit.objects.for_org(organization)
        .filter(pairing_id__in=ids)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=earliest - timedelta(days=14)))
    )
    checkins = defaultdict(dict)
    for habit_id, day, state in (
        HabitCheckIn.objects.for_org(organization)
        .filter(habit__in=[h.pk for h in habits], day__gte=earliest - timedelta(days=14))
        .values_list("habit_id", "day", "state")
    ):
        checkins[habit_id][day] = state
    pauses = defaultdict(list)
    for pause in HabitPause.objects.for_org(organization).filter(habit__in=[h.pk for h in habits]):
        pauses[pause.habit_id].append(pause)
    by_pairing = defaultdict(list)
    for habit in habits:
        by_pairing[habit.pairing_id].append(habit)

    progress = {}
    for pairing in pairings:
        today = today_of[pairing.pk]
        zone = zones[pairing.mentee.user_id]
        adherence_14 = _mean(
            adherence(habit_of(h, zone, pauses[h.pk]), checkins[h.pk], today, 14)
            for h in by_pairing[pairing.pk]
        )
        plan = plans.get(pairing.pk)
        item = Progress(plan=plan, adherence_14=adherence_14)
        if plan is not None:
            since = last_session.get(pairing.pk) or pairing.accepted_at
            facts = PlanFacts(
                overdue_milestones=plan.m_overdue,
                overdue_actions=overdue_actions.get(pairing.pk, 0),
                days_since_session=(now - since).days if since else None,
                cadence_days=pairing.cohort.program.cadence_days,
                adherence_14=adherence_14,
            )
            item.milestones_done, item.milestones_total = plan.m_done, plan.m_total
            item.status = plan_status(facts)
        progress[pairing.pk] = item
    return progress


# --- the mentee ----------------------------------------------------------------------------


@dataclass
class MenteeHome:
    zone: object
    today: object
    pairings: list = field(default_factory=list)  # active, each with .progress
    next_session: Session | None = None
    open_actions: list = field(default_factory=list)
    open_action_count: int = 0
    corrections: list = field(default_factory=list)
    corrections_session: Session | None = None


def mentee_home(*, organization, user, now=None, zone=None):
    """The mentee's panel, or None when the person is mentored in no active pairing and has
    no session, action or habit as a mentee. Nine queries."""
    now = now or timezone.now()
    pairings = list(
        Pairing.objects.for_org(organization)
        .filter(mentee__user=user, status=Pairing.Status.ACTIVE)
        .select_related("mentor__user", "mentee", "cohort__program", "topic")
        .order_by("kind", "-accepted_at", "pk")
    )
    is_mentee = bool(pairings) or (
        Participant.objects.for_org(organization)
        .filter(user=user, role=Participant.Role.MENTEE, status=Participant.Status.ACTIVE)
        .exists()
    )
    if not is_mentee:
        return None
    # ``zone``: the viewer's zone, or a function that gives it (read once by the caller).
    zone = zone() if callable(zone) else zone
    zone = zone or zones_of(organization=organization, user_ids=[user.pk])[user.pk]
    today = _day_of(now, zone)
    progress = pairing_progress(
        organization=organization, pairings=pairings, zones={user.pk: zone}, now=now
    )
    for pairing in pairings:
        pairing.progress = progress[pairing.pk]
    next_session = (
        Session.objects.for_org(organization)
        .filter(mentee=user, status__in=Session.LIVE_STATUSES, starts_at__gte=now)
        .select_related("mentor", "template")
        .order_by("starts_at")
        .first()
    )
    actions = ActionItem.objects.for_org(organization).filter(owner=user, done_at__isnull=True)
    open_actions = list(
        actions.select_related("session").order_by("due_on", "pk")[:OPEN_ACTIONS_SHOWN]
    )
    open_count = actions.count()
    latest = (
        Session.objects.for_org(organization)
        .filter(mentee=user, status=Session.Status.COMPLETED, corrections__isnull=False)
        .order_by("-starts_at")
        .values("pk")[:1]
    )
    corrections = list(
        Correction.objects.for_org(organization)
        .filter(session=Subquery(latest))
        .select_related("session__mentor")
        .order_by("position")
    )
    for action in open_actions:
        action.is_overdue = action.due_on < today
    return MenteeHome(
        zone=zone,
        today=today,
        pairings=pairings,
        next_session=next_session,
        open_actions=open_actions,
        open_action_count=open_count,
        corrections=corrections,
        corrections_session=corrections[0].session if corrections else None,
    )


# --- the mentor ----------------------------------------------------------------------------


@dataclass
class MentorHome:
    zone: object
    today: object
    pairings: list = field(default_factory=list)  # each with .progress, .next_session, .to_log
    overdue: list = field(default_factory=list)
    overdue_count: int = 0
    to_log_count: int = 0
    mentees: int = 0
    capacity: int = 0
    sessions_this_month: int = 0

    @property
    def over_capacity(self):
        return self.mentees > self.capacity


def mentor_home(*, organization, user, now=None):
    """The mentor's panel, or None when the person mentors nobody and has no mentor intake
    in an active cohort. Twelve queries."""
    now = now or timezone.now()
    pairings = list(
        Pairing.objects.for_org(organization)
        .filter(mentor__user=user, status=Pairing.Status.ACTIVE)
        .select_related("mentee__user", "cohort__program", "topic")
        .order_by("mentee__user__name", "mentee__user__email", "pk")
    )
    capacity = (
        MentorIntake.objects.for_org(organization)
        .filter(participant__user=user, participant__status=Participant.Status.ACTIVE)
        .exclude(participant__cohort__status=Cohort.Status.COMPLETED)
        .values_list("capacity", flat=True)
    )
    capacity = list(capacity)
    if not pairings and not capacity:
        return None
    zones = zones_of(
        organization=organization, user_ids=[user.pk] + [p.mentee.user_id for p in pairings]
    )
    zone = zones[user.pk]
    today = _day_of(now, zone)
    progress = pairing_progress(organization=organization, pairings=pairings, zones=zones, now=now)
    ids = [p.pk for p in pairings]
    next_by_pairing = {}
    for session in (
        Session.objects.for_org(organization)
        .filter(pairing_id__in=ids, status__in=Session.LIVE_STATUSES, starts_at__gte=now)
        .order_by("starts_at")
        .only("pk", "pairing_id", "starts_at", "title", "status")
    ):
        next_by_pairing.setdefault(session.pairing_id, session)
    to_log = defaultdict(list)
    for session in (
        Session.objects.for_org(organization)
        .filter(
            mentor=user, kind__in=PAIR_KINDS, status=Session.Status.CONFIRMED, starts_at__lt=now
        )
        .order_by("starts_at")
        .only("pk", "pairing_id", "starts_at", "title", "status")
    ):
        to_log[session.pairing_id].append(session)
    for pairing in pairings:
        pairing.progress = progress[pairing.pk]
        pairing.next_session = next_by_pairing.get(pairing.pk)
        pairing.to_log = to_log.get(pairing.pk, [])
    overdue_qs = ActionItem.objects.for_org(organization).filter(
        pairing_id__in=ids, done_at__isnull=True, due_on__lt=today
    )
    overdue = list(
        overdue_qs.select_related("owner", "pairing__mentee__user").order_by("due_on", "pk")[
            :OVERDUE_SHOWN
        ]
    )
    overdue_count = overdue_qs.count()
    month_start = datetime.combine(today.replace(day=1), time.min, tzinfo=zone)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    sessions_this_month = (
        Session.objects.for_org(organization)
        .filter(mentor=user, starts_at__gte=month_start, starts_at__lt=next_month)
        .exclude(status__in=[Session.Status.CANCELLED])
        .count()
    )
    return MentorHome(
        zone=zone,
        today=today,
        pairings=pairings,
        overdue=overdue,
        overdue_count=overdue_count,
        to_log_count=sum(len(v) for v in to_log.values()),
        mentees=len({p.mentee.user_id for p in pairings}),
        capacity=sum(capacity),
        sessions_this_month=sessions_this_month,
    )


# --- the facilitator -----------------------------------------------------------------------


@dataclass
class FacilitatorHome:
    zone: object
    cohorts: list = field(default_factory=list)
    next_sessions: list = field(default_factory=list)
    to_take: list = field(default_factory=list)


def facilitator_home(*, organization, user, now=None, zone=None):
    """The facilitator's panel (cohorts they facilitate, named on the cohort or enrolled as
    its facilitator, not completed), or None. Five queries."""
    now = now or timezone.now()
    cohorts = list(
        Cohort.objects.for_org(organization)
        .filter(
            Q(facilitator=user)
            | Q(
                participants__user=user,
                participants__role=Participant.Role.FACILITATOR,
                participants__status=Participant.Status.ACTIVE,
            )
        )
        .exclude(status=Cohort.Status.COMPLETED)
        .distinct()
        .select_related("program")
        .order_by("starts_on", "pk")
    )
    if not cohorts:
        return None
    counts = dict(
        Participant.objects.for_org(organization)
        .filter(cohort__in=cohorts, status=Participant.Status.ACTIVE)
        .exclude(role=Participant.Role.FACILITATOR)
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
    )
    for cohort in cohorts:
        cohort.people = counts.get(cohort.pk, 0)
    # ``zone``: the viewer's zone, or a function that gives it (read once by the caller).
    zone = zone() if callable(zone) else zone
    zone = zone or zones_of(organization=organization, user_ids=[user.pk])[user.pk]
    group = Session.objects.for_org(organization).filter(kind=SessionKind.GROUP, cohort__in=cohorts)
    next_sessions = list(
        group.filter(status__in=Session.LIVE_STATUSES, starts_at__gte=now)
        .select_related("cohort")
        .order_by("starts_at")[:GROUP_SESSIONS_SHOWN]
    )
    to_take = list(
        group.filter(
            status__in=[Session.Status.CONFIRMED, Session.Status.COMPLETED], starts_at__lt=now
        )
        .annotate(marked=Count("attendance"))
        .filter(marked=0)
        .select_related("cohort")
        .order_by(F("starts_at").desc())
    )
    return FacilitatorHome(zone=zone, cohorts=cohorts, next_sessions=next_sessions, to_take=to_take)
