"""Habit check-in reminders (sessions/services/reminders.py, B2): at the mentee's check-in
hour in their zone, on the habit's due days only, for active habits not checked in yet, one
per habit and day with the signed check-in link; the check-in of that link
(sessions/services/habits.py); nudges timed in each person's zone (the resolver)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from mentorship.notifications import policy
from mentorship.notifications.models import Message, Nudge, NudgePreference
from mentorship.notifications.tokens import checkin_read
from programs.models import MenteeIntake
from sessions.models import HabitCheckIn, HabitPause, MicroHabit
from sessions.services import habits as habit_services
from sessions.services import reminders
from tests.sessions.factories import MicroHabitFactory

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
KIND = "sessions.habit_checkin"
WEDNESDAY = date(2027, 2, 10)


def at(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def sweep(org, now):
    return reminders.habit_checkins_send(organization=org, now=now)


def nudges(org, **filters):
    return Nudge.objects.for_org(org).filter(kind=KIND, **filters)


def mentee_zone(pairing, name):
    MenteeIntake.objects.for_org(pairing.organization).filter(participant=pairing.mentee).update(
        time_zone=name
    )


def check_in(habit, day, state="done"):
    return HabitCheckIn.objects.create(
        organization=habit.organization, habit=habit, day=day, state=state
    )


@pytest.fixture
def habit(session):
    """A daily habit of the session's mentee since 1 February 2027."""
    return MicroHabitFactory(session=session, starts_on=date(2027, 2, 1), text="Cue out loud")


# --- not before, not when not due


def test_nothing_before_the_check_in_hour(org, habit):
    assert sweep(org, at(WEDNESDAY, 7, 59)) == 0
    assert not nudges(org).exists()


def test_a_habit_checked_in_today_is_not_reminded_of(org, habit):
    check_in(habit, WEDNESDAY, "skipped")
    assert sweep(org, at(WEDNESDAY, 9)) == 0


def test_a_paused_habit_is_not_reminded_of(org, habit):
    habit_services.habit_pause(habit=habit, by=habit.mentee, now=at(WEDNESDAY, 6))
    assert sweep(org, at(WEDNESDAY, 9)) == 0
    assert sweep(org, at(WEDNESDAY + timedelta(days=1), 9)) == 0


def test_an_ended_habit_is_not_reminded_of(org, habit):
    habit_services.habit_end(habit=habit, by=habit.mentee, now=at(WEDNESDAY, 6))
    assert sweep(org, at(WEDNESDAY, 9)) == 0


def test_a_habit_before_its_start_or_after_its_end_is_not_reminded_of(org, habit):
    MicroHabit.objects.for_org(org).filter(pk=habit.pk).update(
        starts_on=WEDNESDAY + timedelta(days=1), ends_on=WEDNESDAY + timedelta(days=2)
    )
    assert sweep(org, at(WEDNESDAY, 9)) == 0
    assert sweep(org, at(WEDNESDAY + timedelta(days=3), 9)) == 0
    assert sweep(org, at(WEDNESDAY + timedelta(days=1), 9)) == 1


def test_a_weekdays_habit_is_not_reminded_of_at_the_weekend(org, habit):
    MicroHabit.objects.for_org(org).filter(pk=habit.pk).update(cadence="weekdays")
    saturday, sunday, monday = (WEDNESDAY + timedelta(days=n) for n in (3, 4, 5))
    assert sweep(org, at(saturday, 9)) == 0
    assert sweep(org, at(sunday, 9)) == 0
    assert sweep(org, at(monday, 9)) == 1


def test_a_times_a_week_habit_is_reminded_of_until_the_week_is_done(org, habit):
    MicroHabit.objects.for_org(org).filter(pk=habit.pk).update(cadence="per_week", times_per_week=2)
    check_in(habit, WEDNESDAY - timedelta(days=2))  # Monday; nothing on Tuesday
    assert sweep(org, at(WEDNESDAY, 9)) == 1  # one of two done
    check_in(habit, WEDNESDAY)
    assert sweep(org, at(WEDNESDAY + timedelta(days=1), 9)) == 0  # two of two: done
    assert sweep(org, at(WEDNESDAY + timedelta(days=5), 9)) == 1  # Monday: a new week


def test_switched_off_for_the_program_nothing_is_sent(org, habit, pairing):
    rules = pairing.cohort.program.reminders
    rules.habit_checkin = False
    rules.save()
    assert sweep(org, at(WEDNESDAY, 9)) == 0


def test_a_concluded_pairing_s_habit_is_not_reminded_of(org, habit, pairing):
    pairing.status = pairing.Status.CONCLUDED
    pairing.save()
    assert sweep(org, at(WEDNESDAY, 9)) == 0


# --- at the hour, once a day, with the signed link


def test_the_mentee_gets_one_nudge_a_day_with_the_signed_link(org, habit, mentee_user):
    assert sweep(org, at(WEDNESDAY, 8)) == 1
    assert sweep(org, at(WEDNESDAY, 8, 1)) == 0
    assert sweep(org, at(WEDNESDAY, 23, 59)) == 0
    nudge = nudges(org).get()
    assert nudge.recipient == mentee_user
    assert (nudge.subject_key, nudge.period) == (f"habit:{habit.pk}", "2027-02-10")
    assert nudge.category == "plans"
    assert nudge.title == "Today's habit: Cue out loud"
    assert "/nudges/checkin/" in nudge.link and nudge.link.startswith("http")
    token = nudge.link.rstrip("/").rsplit("/", 1)[1]
    assert checkin_read(token) == (org.pk, mentee_user.pk, f"habit:{habit.pk}", "2027-02-10")
    body = Message.objects.for_org(org).get(kind=KIND).body
    assert nudge.link in body
    assert sweep(org, at(WEDNESDAY + timedelta(days=1), 8)) == 1
    assert nudges(org).count() == 2


def test_each_habit_has_its_own_nudge(org, habit, session):
    MicroHabitFactory(session=session, starts_on=date(2027, 2, 1), text="Film one set")
    assert sweep(org, at(WEDNESDAY, 9)) == 2


def test_the_hour_is_the_mentee_s_choice(org, habit, mentee_user):
    NudgePreference.objects.create(organization=org, user=mentee_user, checkin_hour=20)
    assert sweep(org, at(WEDNESDAY, 19, 59)) == 0
    assert sweep(org, at(WEDNESDAY, 20)) == 1


def test_the_day_and_hour_are_the_mentee_s_own(org, habit, pairing):
    """08:00 on Thursday 11 February in Auckland (UTC+13) is 19:00 UTC on the 10th."""
    mentee_zone(pairing, "Pacific/Auckland")
    assert sweep(org, at(WEDNESDAY, 18, 59)) == 0
    assert sweep(org, at(WEDNESDAY, 19)) == 1
    assert nudges(org).get().period == "2027-02-11"


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2027, 3, 28), 7),  # the clocks went forward at 01:00 UTC: 08:00 BST
        (date(2027, 3, 27), 8),  # the day before, GMT
        (date(2027, 10, 31), 8),  # back at 01:00 UTC: 08:00 GMT
        (date(2027, 10, 30), 7),  # the day before, BST
    ],
)
def test_the_check_in_hour_in_london_across_a_clock_change(org, session, pairing, day, utc_hour):
    mentee_zone(pairing, "Europe/London")
    MicroHabitFactory(session=session, starts_on=date(2027, 2, 1))
    assert sweep(org, at(day, utc_hour - 1, 59)) == 0
    assert sweep(org, at(day, utc_hour)) == 1
    assert nudges(org).get().period == day.isoformat()


# --- another organisation, the cost of a sweep


def test_another_organisation_is_untouched(org, other_org, habit):
    assert sweep(other_org, at(WEDNESDAY, 9)) == 0
    assert sweep(org, at(WEDNESDAY, 9)) == 1
    assert not Nudge.objects.for_org(other_org).exists()


@pytest.mark.parametrize("count", [1, 6])
def test_a_sweep_with_nothing_left_costs_the_same_at_any_size(
    org, pair_cohort, django_assert_max_num_queries, count
):
    from tests.sessions.factories import make_session

    _, pairing, other = pair_cohort
    sessions = [make_session(pairing), make_session(other)]
    for n in range(count):
        MicroHabitFactory(session=sessions[n % 2], starts_on=date(2027, 2, 1))
    assert sweep(org, at(WEDNESDAY, 9)) == count
    # habits, nudges sent, the zones (three), the preferences
    with django_assert_max_num_queries(6):
        assert sweep(org, at(WEDNESDAY, 9, 1)) == 0
    with django_assert_max_num_queries(6):
        assert sweep(org, at(WEDNESDAY + timedelta(days=1), 7)) == 0


# --- the check-in of the link


def test_the_link_s_check_in_refuses_another_person(habit, mentor_user):
    with pytest.raises(ValidationError) as error:
        habit_services.habit_check_in_by_link(
            habit=habit, day=WEDNESDAY, state="done", user=mentor_user, now=at(WEDNESDAY, 9)
        )
    assert "another person" in error.value.message_dict["day"][0]
    assert not HabitCheckIn.objects.for_org(habit.organization).exists()


def test_the_link_s_check_in_refuses_a_paused_or_ended_habit(habit):
    habit_services.habit_pause(habit=habit, by=habit.mentee, now=at(WEDNESDAY, 6))
    with pytest.raises(ValidationError) as error:
        habit_services.habit_check_in_by_link(
            habit=habit, day=WEDNESDAY, state="done", user=habit.mentee, now=at(WEDNESDAY, 9)
        )
    assert "paused" in error.value.message_dict["day"][0]
    habit_services.habit_end(habit=habit, by=habit.mentee, now=at(WEDNESDAY, 7))
    with pytest.raises(ValidationError) as error:
        habit_services.habit_check_in_by_link(
            habit=habit, day=WEDNESDAY, state="done", user=habit.mentee, now=at(WEDNESDAY, 9)
        )
    assert "ended" in error.value.message_dict["day"][0]
    assert not HabitCheckIn.objects.for_org(habit.organization).exists()


def test_the_link_s_check_in_refuses_a_day_the_habit_is_not_due(org, habit):
    MicroHabit.objects.for_org(org).filter(pk=habit.pk).update(cadence="weekdays")
    habit.refresh_from_db()
    saturday = WEDNESDAY + timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        habit_services.habit_check_in_by_link(
            habit=habit, day=saturday, state="done", user=habit.mentee, now=at(saturday, 9)
        )
    assert "not due on Saturday 13 February" in error.value.message_dict["day"][0]


def test_the_link_s_check_in_refuses_a_paused_day_in_the_past(org, habit):
    HabitPause.objects.create(
        organization=org,
        habit=habit,
        starts_on=WEDNESDAY - timedelta(days=2),
        ends_on=WEDNESDAY - timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        habit_services.habit_check_in_by_link(
            habit=habit,
            day=WEDNESDAY - timedelta(days=1),
            state="done",
            user=habit.mentee,
            now=at(WEDNESDAY, 9),
        )


def test_the_link_checks_in_and_gives_the_streak(org, habit):
    for back in (1, 2, 3):
        check_in(habit, WEDNESDAY - timedelta(days=back))
    checkin, streak = habit_services.habit_check_in_by_link(
        habit=habit, day=WEDNESDAY, state="done", user=habit.mentee, now=at(WEDNESDAY, 9)
    )
    assert (checkin.day, checkin.state) == (WEDNESDAY, "done")
    assert streak == 4
    assert sweep(org, at(WEDNESDAY, 10)) == 0  # checked in: no reminder today
    with pytest.raises(ValidationError):  # a second time: refused by the check-in itself
        habit_services.habit_check_in_by_link(
            habit=habit, day=WEDNESDAY, state="done", user=habit.mentee, now=at(WEDNESDAY, 9)
        )


# --- the zone resolver


def test_nudges_are_timed_in_the_zone_of_the_person_s_intake(org, pairing, mentee_user):
    """The notifications core asks the sessions app (profile > intake > organisation)."""
    mentee_zone(pairing, "Asia/Tokyo")
    assert policy.zone_of(organization=org, user=mentee_user) == ZoneInfo("Asia/Tokyo")
    stranger_id = 10**9
    assert policy.zones_of(organization=org, user_ids=[stranger_id])[stranger_id] == (org.zoneinfo)
