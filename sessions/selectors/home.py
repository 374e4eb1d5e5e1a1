"""The reads of the home page's three sessions panels (D5): the mentee's day, the mentor's
mentees, the facilitator's cohorts. Each reads its rows in a fixed number of queries, however
many pairings, habits, check-ins, actions and sessions there are
(tests/sessions/test_home_panels.py counts them).

Shared figures:

* **a pairing's progress**: its plan's milestones done of all, its status as the plan page
  gives it (``sessions.selectors.plans.plan_statuses``: one rule, one set of facts), and habit
  adherence over 14 days: the mean of the adherence of the pairing's live habits that were
  due in the window (:func:`sessions.habits.adherence`), None when none was.
* **today** is each person's day in their own zone (``zones_of``).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from matching.models import Pairing
from programs.models import Cohort, MentorIntake, Participant

from ..models import (
    PAIR_KINDS,
    ActionItem,
    Attendance,
    Correction,
    Plan,
    Session,
)
from ..models.templates import SessionKind
from ..plan_status import plan_status
from .people import zones_of

OPEN_ACTIONS_SHOWN = 5
OVERDUE_SHOWN = 8
GROUP_SESSIONS_SHOWN = 5


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


def _first_and_count(rows, n):
    """The first ``n`` of ``rows`` and how many there are in all, in one query (the count is
    a window over the whole filtered set, computed before the limit)."""
    first = list(rows.annotate(in_all=Window(Count("pk")))[:n])
    return first, first[0].in_all if first else 0


def _day_of(moment, zone):
    return timezone.localtime(moment, zone).date()


def pairing_progress(*, organization, pairings, zones, now=None, habits=None):
    """{pairing_id: Progress} for ``pairings`` (with ``cohort__program`` and ``mentee``
    loaded). Seven queries, whatever their number: the plans with their milestone counts,
    then their facts as the plan page reads them (``sessions.selectors.plans``: one rule,
    one set of facts, habit adherence included). A pairing without a plan has no status and
    no adherence shown. ``habits``: the mentee's live habits, read by the caller
    (``plan_facts_many``'s): three queries fewer."""
    from .plans import plan_facts_many

    now = now or timezone.now()
    if not pairings:
        return {}
    today_of = {p.pk: _day_of(now, zones[p.mentee.user_id]) for p in pairings}
    by_id = {p.pk: p for p in pairings}
    plans = {}
    for plan in (
        Plan.objects.for_org(organization)
        .filter(pairing_id__in=list(by_id))
        .annotate(
            m_total=Count("milestones"),
            m_done=Count("milestones", filter=Q(milestones__done_at__isnull=False)),
        )
    ):
        plan.pairing = by_id[plan.pairing_id]  # with its cohort and program already read
        plans[plan.pairing_id] = plan
    facts = plan_facts_many(
        organization=organization,
        plans=list(plans.values()),
        today={plan.pk: today_of[pairing_id] for pairing_id, plan in plans.items()},
        zones={plan.pk: zones[by_id[pid].mentee.user_id] for pid, plan in plans.items()},
        habits=habits,
    )
    progress = {}
    for pairing in pairings:
        plan = plans.get(pairing.pk)
        item = Progress(plan=plan)
        if plan is not None:
            item.milestones_done, item.milestones_total = plan.m_done, plan.m_total
            item.status = plan_status(facts[plan.pk])
            item.adherence_14 = facts[plan.pk].adherence_14
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


def _by_kind_then_latest(pairings):
    """Pairings in the order the panel's query gives them (kind, latest accepted first as
    PostgreSQL orders it, never-accepted first, then id)."""
    return sorted(
        pairings,
        key=lambda p: (
            p.kind,
            p.accepted_at is not None,
            -p.accepted_at.timestamp() if p.accepted_at else 0,
            p.pk,
        ),
    )


def mentee_home(
    *, organization, user, now=None, zone=None, participants=None, pairings=None, habits=None
):
    """The mentee's panel, or None when the person is mentored in no active pairing and has
    no session, action or habit as a mentee. Seven queries.

    ``participants``: the person's mentee participants here when the caller has read them
    (the home page): none is None at once. ``pairings``: the person's pairings as a mentee
    with their mentor, cohort, program and topic when the caller has read them (any status:
    the active ones are taken), a query fewer. ``habits``: the person's live habits with
    their check-ins and pauses (``sessions.selectors.habits.live_habits``), or a function
    that reads them, called only when the panel shows; three queries fewer."""
    now = now or timezone.now()
    if participants is not None and not participants:
        return None  # a pairing's mentee is a mentee participant
    if pairings is not None:
        pairings = _by_kind_then_latest(p for p in pairings if p.status == Pairing.Status.ACTIVE)
    else:
        pairings = list(
            Pairing.objects.for_org(organization)
            .filter(mentee__user=user, status=Pairing.Status.ACTIVE)
            .select_related("mentor__user", "mentee", "cohort__program", "topic")
            .order_by("kind", "-accepted_at", "pk")
        )
    if pairings:
        is_mentee = True
    elif participants is not None:
        is_mentee = any(p.status == Participant.Status.ACTIVE for p in participants)
    else:
        is_mentee = (
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
    habits = habits() if callable(habits) else habits
    progress = pairing_progress(
        organization=organization, pairings=pairings, zones={user.pk: zone}, now=now, habits=habits
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
    open_actions, open_count = _first_and_count(
        actions.select_related("session").order_by("due_on", "pk"), OPEN_ACTIONS_SHOWN
    )
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


def _capacity(participant):
    """A mentor participant's capacity in a live cohort; None without an intake there."""
    if participant.status != Participant.Status.ACTIVE:
        return None
    if participant.cohort.status == Cohort.Status.COMPLETED:
        return None
    try:
        return participant.mentor_intake.capacity
    except MentorIntake.DoesNotExist:
        return None


def mentor_home(*, organization, user, now=None, participants=None, zones=None):
    """The mentor's panel, or None when the person mentors nobody and has no mentor intake
    in an active cohort. Twelve queries.

    ``participants``: the person's mentor participants here, with their cohort and mentor
    intake, when the caller has read them (the home page): none is None at once, the
    pairings are found by their ids and the capacity is theirs (a query fewer).
    ``zones``: a function ``user_ids -> {user_id: zone}`` when the caller keeps the zones it
    has read (default :func:`zones_of`)."""
    now = now or timezone.now()
    if participants is not None and not participants:
        return None  # a pairing's mentor is a mentor participant
    pairings = Pairing.objects.for_org(organization).filter(status=Pairing.Status.ACTIVE)
    if participants is None:
        pairings = pairings.filter(mentor__user=user)
    else:
        pairings = pairings.filter(mentor_id__in=[p.pk for p in participants])
    pairings = list(
        pairings.select_related("mentee__user", "cohort__program", "topic").order_by(
            "mentee__user__name", "mentee__user__email", "pk"
        )
    )
    if participants is None:
        capacity = list(
            MentorIntake.objects.for_org(organization)
            .filter(participant__user=user, participant__status=Participant.Status.ACTIVE)
            .exclude(participant__cohort__status=Cohort.Status.COMPLETED)
            .values_list("capacity", flat=True)
        )
    else:
        capacity = [c for c in map(_capacity, participants) if c is not None]
    if not pairings and not capacity:
        return None
    user_ids = [user.pk] + [p.mentee.user_id for p in pairings]
    if zones is None:
        zones = zones_of(organization=organization, user_ids=user_ids)
    else:
        zones = zones(user_ids)
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
    overdue, overdue_count = _first_and_count(
        overdue_qs.select_related("owner", "pairing__mentee__user").order_by("due_on", "pk"),
        OVERDUE_SHOWN,
    )
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
    its facilitator, not completed), or None. Three queries (the cohorts with their people
    counted, the next group sessions, the past ones with no attendance taken), and the
    viewer's zone (three more, unless the caller has it) only when a group session is
    shown: ``zone`` is None when none is."""
    now = now or timezone.now()
    participants = Participant.objects.for_org(organization)
    enrolled = participants.filter(
        user=user, role=Participant.Role.FACILITATOR, status=Participant.Status.ACTIVE
    ).values("cohort_id")
    people = (
        participants.filter(cohort=OuterRef("pk"), status=Participant.Status.ACTIVE)
        .exclude(role=Participant.Role.FACILITATOR)
        .order_by()
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    cohorts = list(
        Cohort.objects.for_org(organization)
        .filter(Q(facilitator=user) | Q(pk__in=enrolled))
        .exclude(status=Cohort.Status.COMPLETED)
        .annotate(people=Coalesce(Subquery(people), 0))
        .select_related("program")
        .order_by("starts_on", "pk")
    )
    if not cohorts:
        return None
    cohort_ids = [cohort.pk for cohort in cohorts]
    group = Session.objects.for_org(organization).filter(
        kind=SessionKind.GROUP, cohort_id__in=cohort_ids
    )
    next_sessions = list(
        group.filter(status__in=Session.LIVE_STATUSES, starts_at__gte=now)
        .select_related("cohort")
        .order_by("starts_at")[:GROUP_SESSIONS_SHOWN]
    )
    marked = Attendance.objects.for_org(organization).filter(session=OuterRef("pk"))
    to_take = list(
        group.filter(
            ~Exists(marked),
            status__in=[Session.Status.CONFIRMED, Session.Status.COMPLETED],
            starts_at__lt=now,
        )
        .select_related("cohort")
        .order_by(F("starts_at").desc())
    )
    if next_sessions or to_take:
        # ``zone``: the viewer's zone, or a function that gives it (read once by the
        # caller); read only when there is a session to show in it.
        zone = zone() if callable(zone) else zone
        zone = zone or zones_of(organization=organization, user_ids=[user.pk])[user.pk]
    else:
        zone = None
    return FacilitatorHome(zone=zone, cohorts=cohorts, next_sessions=next_sessions, to_take=to_take)
