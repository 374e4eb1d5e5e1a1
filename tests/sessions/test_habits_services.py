"""Micro-habit check-ins, pauses and ends (sessions/services/habits.py): the window of days
(the mentee's own day), once a day, only on active days, only the mentee; pause ranges."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from sessions.models import HabitCheckIn, HabitPause
from sessions.services import habits as services
from tests.sessions.factories import MicroHabitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def habit(session):
    habit = MicroHabitFactory(session=session)
    habit.starts_on = services.mentee_today(habit) - timedelta(days=10)
    habit.save()
    return habit


@pytest.fixture
def today(habit):
    return services.mentee_today(habit)


def _check(habit, day, state="done", by=None):
    return services.habit_check_in(habit=habit, day=day, state=state, by=by or habit.mentee)


# --- refused first


def test_a_future_day_is_refused(habit, today):
    with pytest.raises(ValidationError) as error:
        _check(habit, today + timedelta(days=1))
    assert error.value.message_dict["day"] == [services.WINDOW_MESSAGE]
    assert not HabitCheckIn.objects.for_org(habit.organization).exists()


def test_more_than_three_days_back_is_refused(habit, today):
    with pytest.raises(ValidationError) as error:
        _check(habit, today - timedelta(days=4))
    assert error.value.message_dict["day"] == ["You can check in today or up to three days back."]


def test_a_second_check_in_the_same_day_is_refused_naming_the_first(habit, today):
    _check(habit, today, "skipped")
    with pytest.raises(ValidationError) as error:
        _check(habit, today, "done")
    assert "already checked in as skipped" in error.value.message_dict["day"][0]
    row = HabitCheckIn.objects.for_org(habit.organization).get()
    assert row.state == "skipped"


def test_the_mentor_cannot_check_in_for_the_mentee(habit, today, mentor_user):
    with pytest.raises(ValidationError):
        _check(habit, today, by=mentor_user)
    assert not HabitCheckIn.objects.for_org(habit.organization).exists()


def test_a_day_before_the_habit_starts_is_refused(habit, today):
    habit.starts_on = today
    habit.save()
    with pytest.raises(ValidationError) as error:
        _check(habit, today - timedelta(days=1))
    assert "not active" in error.value.message_dict["day"][0]


def test_a_paused_day_is_refused_and_resuming_opens_today(habit, today):
    services.habit_pause(habit=habit, by=habit.mentee)
    with pytest.raises(ValidationError):
        _check(habit, today)
    _check(habit, today - timedelta(days=1))  # before the pause: still open
    services.habit_resume(habit=habit, by=habit.mentee)
    assert _check(habit, today).state == "done"


def test_an_ended_habit_takes_no_check_in_after_its_end(habit, today, mentor_user):
    services.habit_end(habit=habit, by=mentor_user)
    habit.refresh_from_db()
    assert habit.ends_on == today and habit.ended_at is not None
    with pytest.raises(ValidationError):
        services.habit_pause(habit=habit, by=habit.mentee)


def test_a_stranger_to_the_pair_cannot_pause(habit, pair_cohort):
    other_mentor = pair_cohort[2].mentor.user
    with pytest.raises(ValidationError):
        services.habit_pause(habit=habit, by=other_mentor)
    habit.refresh_from_db()
    assert habit.paused_at is None


# --- done


def test_today_and_three_days_back_are_open(habit, today):
    for back in range(4):
        _check(habit, today - timedelta(days=back), "done" if back % 2 else "skipped")
    assert HabitCheckIn.objects.for_org(habit.organization).count() == 4


def test_the_day_is_the_mentees_own(habit):
    """At 12:30 UTC on 1 December it is already 2 December, 01:30, in Auckland: the mentee
    there checks in the 2nd, and the 28th of November is more than three days back."""
    from programs.models import MenteeIntake

    MenteeIntake.objects.for_org(habit.organization).filter(participant__user=habit.mentee).update(
        time_zone="Pacific/Auckland"
    )
    now = datetime(2026, 12, 1, 12, 30, tzinfo=ZoneInfo("UTC"))
    habit.starts_on = date(2026, 11, 1)
    habit.save()

    def check(day):
        return services.habit_check_in(habit=habit, day=day, state="done", by=habit.mentee, now=now)

    assert check(date(2026, 12, 2)).day == date(2026, 12, 2)
    assert check(date(2026, 11, 29)).day == date(2026, 11, 29)
    with pytest.raises(ValidationError):
        check(date(2026, 11, 28))
    with pytest.raises(ValidationError):
        check(date(2026, 12, 3))


def test_pause_when_today_is_checked_in_starts_tomorrow_and_resume_closes_it(habit, today):
    _check(habit, today)
    services.habit_pause(habit=habit, by=habit.mentee)
    pause = HabitPause.objects.for_org(habit.organization).get()
    assert pause.starts_on == today + timedelta(days=1) and pause.ends_on is None
    with pytest.raises(ValidationError):
        services.habit_pause(habit=habit, by=habit.mentee)
    services.habit_resume(habit=habit, by=habit.mentee)
    # the pause covered no day: it goes
    assert not HabitPause.objects.for_org(habit.organization).exists()


def test_a_pause_over_days_is_kept_as_a_range(habit, today):
    from sessions.services.habits import habit_pause, habit_resume

    now = datetime.combine(today, datetime.min.time()).replace(tzinfo=ZoneInfo("UTC"))
    habit_pause(habit=habit, by=habit.mentee, now=now - timedelta(days=5))
    habit_resume(habit=habit, by=habit.mentee)
    pause = HabitPause.objects.for_org(habit.organization).get()
    assert pause.ends_on == today - timedelta(days=1)
    assert pause.starts_on <= today - timedelta(days=4)
