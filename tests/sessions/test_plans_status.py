"""The plan's status facts (D1) against hand-built rows: overdue milestones, the pair's open
overdue actions, habit adherence over 14 days, days since the last completed session, the
program's cadence; and the bulk read in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import HabitCheckIn, PlanMilestone, Session
from sessions.plan_status import AT_RISK, OFF_TRACK, ON_TRACK, PlanFacts
from sessions.selectors.plans import plan_facts, plan_status, plan_statuses
from sessions.services.plans import plan_create_for_pairing
from tests.matching.factories import cohort_with_people, pair
from tests.sessions.factories import ActionItemFactory, MicroHabitFactory, make_session
from tests.utils import max_queries


def _today(org):
    return timezone.localtime(timezone.now(), org.zoneinfo).date()


@pytest.fixture
def plan(pairing):
    plan = plan_create_for_pairing(pairing=pairing, by=pairing.mentor.user)
    program = pairing.cohort.program
    program.cadence_days = 14
    program.save()
    return plan


def _milestone(plan, days_ago, done=False):
    return PlanMilestone.objects.create(
        organization=plan.organization,
        plan=plan,
        title=f"M {days_ago}",
        due_on=_today(plan.organization) - timedelta(days=days_ago),
        done_at=timezone.now() if done else None,
    )


def _habit(session, *, starts_days_ago, done_days_ago=(), skipped_days_ago=(), **fields):
    today = _today(session.organization)
    habit = MicroHabitFactory(
        session=session, starts_on=today - timedelta(days=starts_days_ago), **fields
    )
    for days, state in [(d, "done") for d in done_days_ago] + [
        (d, "skipped") for d in skipped_days_ago
    ]:
        HabitCheckIn.objects.create(
            organization=session.organization,
            habit=habit,
            day=today - timedelta(days=days),
            state=state,
        )
    return habit


def test_the_facts_from_hand_built_rows(org, plan, pairing, pair_cohort):
    today = _today(org)
    _milestone(plan, 1)
    _milestone(plan, 3)
    _milestone(plan, 5, done=True)  # done: not overdue
    _milestone(plan, 0)  # due today: not overdue yet
    held = make_session(pairing, starts_in=-timedelta(days=12), status=Session.Status.COMPLETED)
    make_session(pairing, starts_in=-timedelta(days=30), status=Session.Status.COMPLETED)
    make_session(pairing, starts_in=-timedelta(days=2), status=Session.Status.CANCELLED)
    ActionItemFactory(session=held, due_on=today - timedelta(days=2))
    ActionItemFactory(session=held, due_on=today - timedelta(days=4), done_at=timezone.now())
    ActionItemFactory(session=held, due_on=today + timedelta(days=2))
    # a daily habit over the whole window: 13 due days before today, 5 done, 1 skipped
    _habit(held, starts_days_ago=13, done_days_ago=[1, 2, 3, 8, 9], skipped_days_ago=[4])
    _habit(held, starts_days_ago=13, ended_at=timezone.now())  # ended: left out
    other_session = make_session(pair_cohort[2], starts_in=-timedelta(days=1))
    _habit(other_session, starts_days_ago=13)  # another pair's: left out
    ActionItemFactory(session=other_session, due_on=today - timedelta(days=9))

    facts = plan_facts(plan=plan, today=today)

    assert facts == PlanFacts(
        overdue_milestones=2,
        overdue_actions=1,
        days_since_session=12,
        cadence_days=14,
        adherence_14=5 / 12,
    )
    status = plan_status(plan=plan, today=today)
    assert status.status == AT_RISK
    assert status.sentence() == (
        "At risk: 2 milestones overdue; 1 action overdue; habit adherence 42 % over 14 days"
    )


def test_two_habits_average_and_no_session_counts_from_the_plans_start(org, plan, pairing):
    today = _today(org)
    session = make_session(pairing, starts_in=timedelta(days=3))
    _habit(session, starts_days_ago=13, done_days_ago=range(1, 14))  # 100 %
    _habit(session, starts_days_ago=13, done_days_ago=[])  # 0 %
    facts = plan_facts(plan=plan, today=today)
    assert facts.adherence_14 == pytest.approx(0.5)
    assert facts.days_since_session == (today - plan.starts_on).days == 20
    status = plan_status(plan=plan, today=today)
    assert status.status == AT_RISK  # 20 > 14 but not > 28; 50 % < 60 % but not < 30 %
    assert status.reasons == ["no session for 20 days", "habit adherence 50 % over 14 days"]
    assert plan_status(plan=plan, today=today + timedelta(days=9)).status == OFF_TRACK


def test_nothing_due_is_on_track_and_a_plan_not_started_counts_no_gap(org, plan):
    today = _today(org)
    assert plan_facts(plan=plan, today=plan.starts_on).adherence_14 is None
    early = plan_facts(plan=plan, today=plan.starts_on - timedelta(days=1))
    assert early.days_since_session is None
    assert plan_status(plan=plan, today=plan.starts_on + timedelta(days=3)).status == ON_TRACK
    assert plan_facts(plan=plan, today=today).days_since_session == 20


def test_many_plans_in_a_fixed_number_of_queries(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=4, mentees=4, capacity=2)
    plans = []

    def grow():
        i = len(plans)
        pairing = pair(mentees[i], mentors[i], days_ago=10)
        plan = plan_create_for_pairing(pairing=pairing, by=mentors[i].user)
        session = make_session(
            pairing, starts_in=-timedelta(days=3), status=Session.Status.COMPLETED
        )
        ActionItemFactory(session=session, due_on=_today(org) - timedelta(days=1))
        _habit(session, starts_days_ago=5, done_days_ago=[1, 2])
        _milestone(plan, 2)
        plans.append(plan)

    grow()
    grow()
    with max_queries(6):  # the mentees' zones given, as the home page gives them
        first = plan_statuses(organization=org, plans=plans, today=_today(org), zones=org.zoneinfo)
    grow()
    grow()
    with max_queries(9):  # and read (zones_of: three queries)
        statuses = plan_statuses(organization=org, plans=plans, today=_today(org))
    assert set(statuses) == {p.pk for p in plans}
    assert set(first) < set(statuses)
    assert all(s.status == AT_RISK for s in statuses.values())
    assert plan_statuses(organization=org, plans=[], today=_today(org)) == {}


def test_each_plan_may_be_read_on_its_mentees_own_day(org, plan, pair_cohort):
    other = plan_create_for_pairing(pairing=pair_cohort[2], by=None)
    today = _today(org)
    for each in (plan, other):
        PlanMilestone.objects.create(
            organization=org, plan=each, title="Due yesterday", due_on=today - timedelta(days=1)
        )
    facts_of = {
        plan.pk: today,  # a day after the due date: overdue
        other.pk: today - timedelta(days=1),  # still the due date in their zone: not yet
    }
    statuses = plan_statuses(organization=org, plans=[plan, other], today=facts_of)
    assert statuses[plan.pk].reasons[0] == "1 milestone overdue"
    assert "milestone" not in " ".join(statuses[other.pk].reasons)


def test_the_days_since_the_last_session_are_counted_in_the_mentees_zone(org, plan, pairing):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from django.test import Client
    from django.urls import reverse

    from mentorship.accounts.services import profile_update

    org.time_zone = "America/Los_Angeles"
    org.save()
    program = pairing.cohort.program
    program.cadence_days = 1
    program.save()
    mentee = pairing.mentee.user
    profile_update(
        organization=org, user=mentee, by=mentee, data={"name": "Mia", "time_zone": "Asia/Tokyo"}
    )
    tokyo = ZoneInfo("Asia/Tokyo")
    tokyo_today = timezone.localtime(timezone.now(), tokyo).date()
    # 01:00 in Tokyo two days ago: the evening before in Los Angeles, three of its days ago.
    when = datetime.combine(tokyo_today - timedelta(days=2), time(1), tzinfo=tokyo)
    session = make_session(pairing, status=Session.Status.COMPLETED)
    Session.objects.for_org(org).filter(pk=session.pk).update(starts_at=when)
    plan.pairing.cohort.program.refresh_from_db()

    assert plan_facts(plan=plan, today=tokyo_today).days_since_session == 2  # zone read
    assert plan_facts(plan=plan, today=tokyo_today, zone=tokyo).days_since_session == 2

    client = Client()
    client.force_login(pairing.mentor.user)
    content = client.get(reverse("plan_detail", args=[org.slug, pairing.pk])).content.decode()
    assert "no session for 2 days" in content and "no session for 3 days" not in content


def test_the_cadence_a_plan_is_judged_by_is_its_cohorts_own_when_it_sets_one(org, plan, pairing):
    cohort = pairing.cohort
    assert plan_facts(plan=plan, today=_today(org)).cadence_days == cohort.program.cadence_days
    cohort.cadence_days = cohort.program.cadence_days + 5
    cohort.save()
    plan.refresh_from_db()
    assert plan_facts(plan=plan, today=_today(org)).cadence_days == cohort.cadence_days
