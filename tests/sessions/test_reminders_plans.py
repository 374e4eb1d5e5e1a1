"""Action and milestone reminders (sessions/services/reminders.py, B2): an open action on its
due date and once when overdue, to its owner; a plan milestone not done before its date and
once after it, to the mentee; each from the person's check-in hour in their zone, timed by
the program's settings, once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from mentorship.notifications.models import Message, Nudge, NudgePreference
from programs.models import MenteeIntake, MentorIntake
from sessions.models import ActionItem, Plan, PlanMilestone
from sessions.services import reminders
from tests.sessions.factories import ActionItemFactory

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
DUE = date(2027, 2, 10)
ACTION = "sessions.action_reminder"
MILESTONE = "sessions.milestone_reminder"


def at(day, hour, minute=0, zone=UTC):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def actions_sweep(org, now):
    return reminders.action_reminders_send(organization=org, now=now)


def milestones_sweep(org, now):
    return reminders.milestone_reminders_send(organization=org, now=now)


def nudges(org, kind, **filters):
    return Nudge.objects.for_org(org).filter(kind=kind, **filters)


def settings_of(pairing, **values):
    rules = pairing.cohort.program.reminders
    for name, value in values.items():
        setattr(rules, name, value)
    rules.save()


def mentee_zone(pairing, name):
    MenteeIntake.objects.for_org(pairing.organization).filter(participant=pairing.mentee).update(
        time_zone=name
    )


@pytest.fixture
def action(session):
    """An open action of the session's mentee, due on DUE."""
    return ActionItemFactory(session=session, due_on=DUE, text="Film two sets of the squat")


# --- actions: not before, not when done or switched off


def test_an_action_is_not_reminded_of_before_its_due_date_s_check_in_hour(org, action):
    assert actions_sweep(org, at(DUE - timedelta(days=1), 12)) == 0
    assert actions_sweep(org, at(DUE, 7, 59)) == 0
    assert not nudges(org, ACTION).exists()


def test_a_done_action_is_not_reminded_of(org, action):
    ActionItem.objects.for_org(org).filter(pk=action.pk).update(done_at=timezone.now())
    assert actions_sweep(org, at(DUE, 9)) == 0
    assert actions_sweep(org, at(DUE + timedelta(days=2), 9)) == 0


def test_a_concluded_pairing_s_action_is_not_reminded_of(org, action, pairing):
    pairing.status = pairing.Status.CONCLUDED
    pairing.save()
    assert actions_sweep(org, at(DUE, 9)) == 0


def test_switched_off_the_due_date_and_overdue_reminders_send_nothing(org, action, pairing):
    settings_of(pairing, action_due_reminder=False, action_overdue_days=0)
    for days in range(5):
        assert actions_sweep(org, at(DUE + timedelta(days=days), 9)) == 0
    assert not nudges(org, ACTION).exists()


# --- actions: at their time, once


def test_the_owner_is_reminded_on_the_due_date_once(org, action, mentee_user):
    assert actions_sweep(org, at(DUE, 8)) == 1
    assert actions_sweep(org, at(DUE, 8, 1)) == 0
    assert actions_sweep(org, at(DUE, 23, 59)) == 0
    nudge = nudges(org, ACTION).get()
    assert nudge.recipient == mentee_user
    assert (nudge.subject_key, nudge.period) == (f"action:{action.pk}", "due-2027-02-10")
    assert nudge.title == "Due today: Film two sets of the squat"
    assert nudge.link.endswith(f"/o/{org.slug}/me/actions/")
    body = Message.objects.for_org(org).get(kind=ACTION).body
    assert "talk it over with your mentor" in body


def test_an_open_action_is_reminded_of_once_more_when_overdue(org, action):
    actions_sweep(org, at(DUE, 9))
    assert actions_sweep(org, at(DUE + timedelta(days=1), 9)) == 0
    assert actions_sweep(org, at(DUE + timedelta(days=2), 7, 59)) == 0
    assert actions_sweep(org, at(DUE + timedelta(days=2), 8)) == 1
    assert actions_sweep(org, at(DUE + timedelta(days=3), 9)) == 0
    assert actions_sweep(org, at(DUE + timedelta(days=9), 9)) == 0
    overdue = nudges(org, ACTION, period="overdue-2027-02-10").get()
    assert overdue.title == "Overdue by 2 days: Film two sets of the squat"


def test_the_overdue_reminder_follows_the_program_s_days(org, action, pairing):
    settings_of(pairing, action_overdue_days=5)
    assert actions_sweep(org, at(DUE + timedelta(days=2), 9)) == 0
    assert actions_sweep(org, at(DUE + timedelta(days=4), 9)) == 0
    assert actions_sweep(org, at(DUE + timedelta(days=5), 9)) == 1
    assert nudges(org, ACTION).get().title == "Overdue by 5 days: Film two sets of the squat"


def test_a_due_date_missed_by_every_sweep_is_not_reminded_of_as_due_today(org, action):
    assert actions_sweep(org, at(DUE + timedelta(days=1), 9)) == 0
    assert not nudges(org, ACTION, period="due-2027-02-10").exists()


def test_an_overdue_reminder_missed_on_its_day_goes_the_day_after(org, action):
    assert actions_sweep(org, at(DUE + timedelta(days=3), 6)) == 1
    assert nudges(org, ACTION).get().title == "Overdue by 3 days: Film two sets of the squat"


def test_a_moved_due_date_is_reminded_of_again(org, action):
    actions_sweep(org, at(DUE, 9))
    ActionItem.objects.for_org(org).filter(pk=action.pk).update(due_on=DUE + timedelta(days=7))
    assert actions_sweep(org, at(DUE + timedelta(days=7), 9)) == 1
    assert nudges(org, ACTION).count() == 2


def test_a_mentor_s_action_reaches_the_mentor(org, session, mentor_user):
    ActionItemFactory(session=session, due_on=DUE, owner=mentor_user)
    assert actions_sweep(org, at(DUE, 9)) == 1
    assert nudges(org, ACTION).get().recipient == mentor_user
    assert "talk it over with your mentee" in Message.objects.for_org(org).get(kind=ACTION).body


def test_the_hour_is_the_owner_s_check_in_hour(org, action, mentee_user):
    NudgePreference.objects.create(organization=org, user=mentee_user, checkin_hour=6)
    assert actions_sweep(org, at(DUE, 5, 59)) == 0
    assert actions_sweep(org, at(DUE, 6)) == 1


# --- actions: in the owner's zone, across the clock changes


def test_the_due_date_is_the_owner_s_own_day(org, action, pairing):
    """08:00 on 10 February in Auckland is 19:00 UTC on the 9th."""
    mentee_zone(pairing, "Pacific/Auckland")
    assert actions_sweep(org, at(DUE - timedelta(days=1), 18, 59)) == 0
    assert actions_sweep(org, at(DUE - timedelta(days=1), 19)) == 1


@pytest.mark.parametrize(
    ("due_on", "utc_hour"),
    [
        (date(2027, 3, 28), 7),  # the clocks went forward at 01:00 UTC: 08:00 BST is 07:00 UTC
        (date(2027, 3, 29), 7),
        (date(2027, 10, 31), 8),  # back at 01:00 UTC: 08:00 GMT is 08:00 UTC
        (date(2027, 10, 30), 7),  # the day before, still BST
    ],
)
def test_the_check_in_hour_in_london_across_a_clock_change(org, session, pairing, due_on, utc_hour):
    mentee_zone(pairing, "Europe/London")
    ActionItemFactory(session=session, due_on=due_on)
    assert actions_sweep(org, at(due_on, utc_hour - 1, 59)) == 0
    assert actions_sweep(org, at(due_on, utc_hour)) == 1


# --- milestones


@pytest.fixture
def plan(pairing):
    return Plan.objects.create(
        organization=pairing.organization,
        pairing=pairing,
        starts_on=DUE - timedelta(days=60),
        ends_on=DUE + timedelta(days=30),
    )


@pytest.fixture
def milestone(plan):
    return PlanMilestone.objects.create(
        organization=plan.organization, plan=plan, title="Day 60 review", due_on=DUE
    )


def test_a_milestone_is_not_reminded_of_before_its_week(org, milestone):
    assert milestones_sweep(org, at(DUE - timedelta(days=8), 12)) == 0
    assert milestones_sweep(org, at(DUE - timedelta(days=7), 7, 59)) == 0
    assert not nudges(org, MILESTONE).exists()


def test_the_mentee_is_reminded_a_week_before_once(org, milestone, mentee_user, pairing):
    assert milestones_sweep(org, at(DUE - timedelta(days=7), 8)) == 1
    for days in (6, 3, 1, 0):
        assert milestones_sweep(org, at(DUE - timedelta(days=days), 9)) == 0
    nudge = nudges(org, MILESTONE).get()
    assert nudge.recipient == mentee_user
    assert (nudge.subject_key, nudge.period) == (
        f"milestone:{milestone.pk}",
        "week-before-2027-02-10",
    )
    assert nudge.title == "Milestone in 7 days: Day 60 review"
    assert nudge.link.endswith(f"/o/{org.slug}/pairings/{pairing.pk}/plan/")


def test_a_milestone_added_within_the_week_is_reminded_of_at_once(org, milestone):
    assert milestones_sweep(org, at(DUE - timedelta(days=3), 10)) == 1
    assert nudges(org, MILESTONE).get().title == "Milestone in 3 days: Day 60 review"


def test_a_milestone_not_done_is_reminded_of_the_day_after_once(org, milestone):
    assert milestones_sweep(org, at(DUE, 12)) == 0
    assert milestones_sweep(org, at(DUE + timedelta(days=1), 8)) == 1
    assert milestones_sweep(org, at(DUE + timedelta(days=2), 8)) == 0
    assert milestones_sweep(org, at(DUE + timedelta(days=5), 8)) == 0
    assert nudges(org, MILESTONE).get().title == "Milestone past its date: Day 60 review"


def test_a_done_milestone_is_not_reminded_of(org, milestone):
    PlanMilestone.objects.for_org(org).filter(pk=milestone.pk).update(done_at=timezone.now())
    assert milestones_sweep(org, at(DUE - timedelta(days=7), 9)) == 0
    assert milestones_sweep(org, at(DUE + timedelta(days=1), 9)) == 0


def test_milestone_reminders_switched_off_send_nothing(org, milestone, pairing):
    settings_of(pairing, milestone_days_before=0, milestone_overdue=False)
    for days in range(-8, 4):
        assert milestones_sweep(org, at(DUE + timedelta(days=days), 9)) == 0


def test_the_days_before_follow_the_program(org, milestone, pairing):
    settings_of(pairing, milestone_days_before=2)
    assert milestones_sweep(org, at(DUE - timedelta(days=3), 9)) == 0
    assert milestones_sweep(org, at(DUE - timedelta(days=2), 9)) == 1


def test_the_milestone_s_day_is_the_mentee_s_own(org, milestone, pairing):
    """In Los Angeles (UTC−8 in February), 08:00 on the 3rd is 16:00 UTC."""
    mentee_zone(pairing, "America/Los_Angeles")
    assert milestones_sweep(org, at(DUE - timedelta(days=7), 15, 59)) == 0
    assert milestones_sweep(org, at(DUE - timedelta(days=7), 16)) == 1


# --- another organisation, the cost of a sweep


def test_another_organisation_is_untouched(org, other_org, action, milestone):
    assert actions_sweep(other_org, at(DUE, 9)) == 0
    assert milestones_sweep(other_org, at(DUE + timedelta(days=1), 9)) == 0
    assert actions_sweep(org, at(DUE, 9)) == 1
    assert not Nudge.objects.for_org(other_org).exists()


@pytest.mark.parametrize("rows", [1, 6])
def test_sweeps_with_nothing_left_cost_the_same_at_any_size(
    org, session, plan, django_assert_max_num_queries, rows
):
    MentorIntake.objects.for_org(org).update(time_zone="Europe/Berlin")
    for n in range(rows):
        ActionItemFactory(
            session=session, due_on=DUE, **({"owner": session.mentor} if n % 2 else {})
        )
        PlanMilestone.objects.create(
            organization=org, plan=plan, title=f"Milestone {n}", due_on=DUE + timedelta(days=3)
        )
    now = at(DUE, 10)
    assert actions_sweep(org, now) == rows
    assert milestones_sweep(org, now) == rows
    with django_assert_max_num_queries(3):  # settings, candidates, sent
        assert actions_sweep(org, now + timedelta(minutes=1)) == 0
    with django_assert_max_num_queries(3):
        assert milestones_sweep(org, now + timedelta(minutes=1)) == 0
    with django_assert_max_num_queries(2):  # settings, candidates: none
        assert actions_sweep(org, at(DUE - timedelta(days=20), 10)) == 0
    with django_assert_max_num_queries(2):
        assert milestones_sweep(org, at(DUE - timedelta(days=20), 10)) == 0
