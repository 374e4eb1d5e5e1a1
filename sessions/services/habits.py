"""Micro-habits (D2): the mentee's check-ins, and pausing, resuming and ending a habit.

A check-in is the mentee's own: done or skipped, for their today (the day in their own time
zone, ``zone_of``) or a missed day up to :data:`DAYS_BACK` days back, once a day, on a day
the habit is active (within its start and end, not paused, not ended). Pausing, resuming and
ending are the pair's: the mentee or the mentor of the habit's pairing. A pause is a
:class:`HabitPause` range (the habit maths reads them: paused days are not due).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import habits as maths
from ..models import HabitCheckIn, HabitPause, MicroHabit
from ..selectors.people import zone_of

DAYS_BACK = 3
WINDOW_MESSAGE = "You can check in today or up to three days back."


def mentee_today(habit, now=None):
    """The habit's mentee's today, in their own time zone."""
    now = now or timezone.now()
    return now.astimezone(zone_of(organization=habit.organization, user=habit.mentee_id)).date()


def check_in_window(today):
    """The days a check-in may name, today first."""
    return [today - timedelta(days=back) for back in range(DAYS_BACK + 1)]


def habit_active_on(habit, day, pauses):
    """Whether the habit asks for anything on ``day``: within its start and end, not in a
    pause (``pauses``: its HabitPause rows). An ended habit ends on its ``ends_on``."""
    if day < habit.starts_on or (habit.ends_on is not None and day > habit.ends_on):
        return False
    return not any(p.starts_on <= day and (p.ends_on is None or day <= p.ends_on) for p in pauses)


def _pair_ids(habit):
    mentor_id = habit.pairing.mentor.user_id if habit.pairing_id else None
    return {habit.mentee_id, mentor_id} - {None}


@transaction.atomic
def habit_check_in(*, habit, day, state, by, now=None):
    """Check ``habit`` in as done or skipped for ``day``; refused with a sentence naming the
    field otherwise (a future day, more than three days back, a second check-in, a day the
    habit is not active, someone other than the mentee)."""
    if by.pk != habit.mentee_id:
        raise ValidationError({"day": "Only the mentee checks in their own habit."})
    if state not in HabitCheckIn.State.values:
        raise ValidationError({"state": "Choose done or skipped."})
    if day is None:
        raise ValidationError({"day": "Say which day you are checking in."})
    today = mentee_today(habit, now)
    if day > today or day < today - timedelta(days=DAYS_BACK):
        raise ValidationError({"day": WINDOW_MESSAGE})
    pauses = list(HabitPause.objects.for_org(habit.organization).filter(habit=habit))
    if not habit_active_on(habit, day, pauses):
        raise ValidationError({"day": f"The habit is not active on {day:%A %-d %B}."})
    existing = HabitCheckIn.objects.for_org(habit.organization).filter(habit=habit, day=day).first()
    if existing is not None:
        raise ValidationError(
            {
                "day": f"{day:%A %-d %B} is already checked in as "
                f"{existing.get_state_display().lower()}."
            }
        )
    checkin = HabitCheckIn(organization=habit.organization, habit=habit, day=day, state=state)
    checkin.full_clean()
    try:
        with transaction.atomic():
            checkin.save()
    except IntegrityError as error:  # the same day checked in by a second tab meanwhile
        raise ValidationError({"day": f"{day:%A %-d %B} is already checked in."}) from error
    return checkin


@transaction.atomic
def habit_check_in_by_link(*, habit, day, state, user, now=None):
    """The check-in of a signed link (``nudge_checkin``): as :func:`habit_check_in`, and only
    for the habit's own mentee, while it is neither paused nor ended, on a day it is due
    (daily: any day of its life; weekdays: Monday to Friday; N times a week: any day of its
    life). Returns ``(checkin, streak)``, the streak counted with it."""
    if user.pk != habit.mentee_id:
        raise ValidationError({"day": "This link is for another person's habit."})
    if habit.ended_at is not None:
        raise ValidationError({"day": "This habit has ended."})
    if habit.paused_at is not None:
        raise ValidationError({"day": "This habit is paused: resume it to check in."})
    pauses = list(HabitPause.objects.for_org(habit.organization).filter(habit=habit))
    pure = maths.Habit(
        cadence=habit.cadence,
        starts_on=habit.starts_on,
        ends_on=habit.ends_on,
        times_per_week=habit.times_per_week,
        paused=tuple((p.starts_on, p.ends_on) for p in pauses),
    )
    if day is not None and not (
        maths._active(pure, day)
        if habit.cadence == MicroHabit.Cadence.PER_WEEK
        else maths.is_due_day(pure, day)
    ):
        raise ValidationError({"day": f"The habit is not due on {day:%A %-d %B}."})
    checkin = habit_check_in(habit=habit, day=day, state=state, by=user, now=now)
    checkins = dict(
        HabitCheckIn.objects.for_org(habit.organization)
        .filter(habit=habit)
        .values_list("day", "state")
    )
    return checkin, maths.streak(pure, checkins, mentee_today(habit, now))


def _check_pair(habit, by):
    if by.pk not in _pair_ids(habit):
        raise ValidationError("Only the mentee or their mentor changes this habit.")
    if habit.ended_at is not None:
        raise ValidationError("This habit has ended.")


@transaction.atomic
def habit_pause(*, habit, by, now=None):
    """Pause from today (from tomorrow when today is already checked in, so that check-in
    still counts)."""
    _check_pair(habit, by)
    if habit.paused_at is not None:
        raise ValidationError("This habit is already paused.")
    now = now or timezone.now()
    today = mentee_today(habit, now)
    org = habit.organization
    checked_today = HabitCheckIn.objects.for_org(org).filter(habit=habit, day=today).exists()
    pause = HabitPause(
        organization=org,
        habit=habit,
        starts_on=today + timedelta(days=1) if checked_today else today,
    )
    pause.full_clean()
    pause.save()
    habit.paused_at = now
    habit.save(update_fields=["paused_at"])
    return habit


def _close_pause(habit, today):
    """End the open pause yesterday (a pause that covered no day goes)."""
    pause = HabitPause.objects.for_org(habit.organization).filter(habit=habit, ends_on__isnull=True)
    for row in pause:
        if row.starts_on >= today:
            row.delete()
        else:
            row.ends_on = today - timedelta(days=1)
            row.full_clean()
            row.save(update_fields=["ends_on"])


@transaction.atomic
def habit_resume(*, habit, by, now=None):
    """Resume a paused habit: due again from today."""
    _check_pair(habit, by)
    if habit.paused_at is None:
        raise ValidationError("This habit is not paused.")
    now = now or timezone.now()
    _close_pause(habit, mentee_today(habit, now))
    habit.paused_at = None
    habit.save(update_fields=["paused_at"])
    return habit


@transaction.atomic
def habit_end(*, habit, by, now=None):
    """End the habit today: its history stays, nothing is due after today."""
    _check_pair(habit, by)
    now = now or timezone.now()
    today = mentee_today(habit, now)
    if habit.paused_at is not None:
        _close_pause(habit, today)
        habit.paused_at = None
    habit.ended_at = now
    if habit.ends_on is None or habit.ends_on > today:
        habit.ends_on = max(today, habit.starts_on)
    habit.full_clean(exclude=["created_by"])  # a habit's author may have left: still fine
    habit.save(update_fields=["ended_at", "ends_on", "paused_at"])
    return habit
