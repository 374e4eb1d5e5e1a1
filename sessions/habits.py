"""Micro-habit maths (D2): due days, streak, adherence and habit strength. Pure: no database,
no Django; tested on its own (tests/sessions/test_habits_maths.py, with hypothesis against a
slow reference implementation).

Words, as the habit page says them:

* **Due days.** A daily habit is due every day from its start to its end (or today); a
  weekdays habit Monday to Friday; an "N times a week" habit is due N times in each week
  (Monday to Sunday) — any N days of the week will do. Days while the habit is paused are not
  due. Today is due only once it is checked in: until the day ends, it is still open and
  counts against nothing.
* **Check-ins.** Each day is done, skipped, or nothing. A skipped day is not due: it neither
  breaks nor extends the streak and does not lower adherence or strength.
* **Streak.** The number of consecutive due days done, counting back from the latest due day.
  For "N times a week" the unit is the week: the streak is the number of days done in the
  unbroken run of weeks that met their N (the current week counts while it can still be met).
* **Adherence** over the last 14 and 30 days: due days done ÷ due days in the window (for
  "N times a week", each week of the window is due N times, fewer for a week the window or the
  habit only partly covers, in proportion, rounded up; done counts at most that many).
* **Strength** (after Loop Habit Tracker's habit score): an exponentially smoothed score in
  [0, 1]. It starts at 0; on every due day, ``strength = strength × m + done × (1 − m)`` with
  ``m = 0.5 ** (sqrt(f) / 13)``, where ``f`` is the habit's frequency per day (1 for daily
  and weekdays habits, N/7 for N times a week, evaluated on every day for those). A missed day
  multiplies the strength by m (about 0.95 for a daily habit: it lowers it gently); a run of
  done days raises it towards 1 (about 13 done days in a row take it from 0 to 0.5).
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

DAILY = "daily"
WEEKDAYS = "weekdays"
PER_WEEK = "per_week"
DONE = "done"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Habit:
    cadence: str  # DAILY, WEEKDAYS or PER_WEEK
    starts_on: date
    ends_on: date | None = None
    times_per_week: int | None = None  # for PER_WEEK
    paused: tuple = ()  # ((first_day, last_day or None), ...) inclusive

    def frequency(self):
        """Check-ins a day the habit asks for (Loop's frequency)."""
        if self.cadence == PER_WEEK:
            return (self.times_per_week or 1) / 7
        return 1.0

    def multiplier(self):
        return 0.5 ** (math.sqrt(self.frequency()) / 13)


@dataclass(frozen=True)
class HabitStats:
    streak: int
    adherence_14: float | None  # None when nothing was due in the window
    adherence_30: float | None
    strength: float  # 0..1
    done_total: int


def _is_paused(habit, day):
    return any(start <= day and (end is None or day <= end) for start, end in habit.paused)


def _active(habit, day):
    """Within the habit's life and not paused."""
    if day < habit.starts_on or (habit.ends_on is not None and day > habit.ends_on):
        return False
    return not _is_paused(habit, day)


def _last_day(habit, today):
    return min(today, habit.ends_on) if habit.ends_on else today


def _week_start(day):
    return day - timedelta(days=day.weekday())


def _days(first, last):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def is_due_day(habit, day):
    """Whether ``day`` is a due day for a daily or weekdays habit (not for N a week)."""
    if not _active(habit, day):
        return False
    return habit.cadence == DAILY or day.weekday() < 5


def _daily_due(habit, checkins, today, first=None):
    """The due days (ascending) of a daily/weekdays habit up to today: today only if checked
    in; skipped days are not due."""
    last = _last_day(habit, today)
    start = max(habit.starts_on, first) if first else habit.starts_on
    due = []
    for day in _days(start, last):
        if not is_due_day(habit, day):
            continue
        state = checkins.get(day)
        if state == SKIPPED:
            continue
        if day == today and state != DONE:
            continue
        due.append(day)
    return due


def _habit_week(habit, week):
    """The first and last day of ``week`` (a Monday) within the habit's life."""
    first = max(week, habit.starts_on)
    last = week + timedelta(days=6)
    if habit.ends_on is not None:
        last = min(last, habit.ends_on)
    return first, last


def _done_in(habit, checkins, first, last):
    return sum(1 for d in _days(first, last) if checkins.get(d) == DONE and _active(habit, d))


def streak(habit, checkins, today):
    if habit.cadence == PER_WEEK:
        last = _last_day(habit, today)
        total = 0
        for week in reversed(list(_weeks_between(habit.starts_on, last))):
            first, week_last = _habit_week(habit, week)
            quota = _quota_for_range(habit, first, week_last)
            if quota == 0:
                continue
            done = min(_done_in(habit, checkins, first, min(week_last, today)), quota)
            # the current week counts while it can still be met (an active day is left)
            still_open = any(_active(habit, d) for d in _days(max(first, today), week_last))
            if done >= quota or still_open:
                total += done
            else:
                break
        return total
    total = 0
    for day in reversed(_daily_due(habit, checkins, today)):
        if checkins.get(day) != DONE:
            break
        total += 1
    return total


def adherence(habit, checkins, today, days):
    """Share of due days done in the last ``days`` days (today included), or None."""
    first = today - timedelta(days=days - 1)
    if habit.cadence == PER_WEEK:
        last = _last_day(habit, today)
        first = max(first, habit.starts_on)
        if last < first:
            return None
        due = done = 0
        for week in _weeks_between(first, last):
            w_first, w_last = max(week, first), min(week + timedelta(6), last)
            quota = _quota_for_range(habit, w_first, w_last)
            got = sum(
                1 for d in _days(w_first, w_last) if checkins.get(d) == DONE and _active(habit, d)
            )
            due += quota
            done += min(got, quota)
        return done / due if due else None
    due_days = _daily_due(habit, checkins, today, first=first)
    if not due_days:
        return None
    return sum(1 for d in due_days if checkins.get(d) == DONE) / len(due_days)


def _weeks_between(first, last):
    week = _week_start(first)
    while week <= last:
        yield week
        week += timedelta(days=7)


def _quota_for_range(habit, first, last):
    active = [d for d in _days(first, last) if _active(habit, d)]
    if not active:
        return 0
    n = habit.times_per_week or 1
    return min(len(active), math.ceil(n * len(active) / 7))


def strength(habit, checkins, today):
    m = habit.multiplier()
    score = 0.0
    last = _last_day(habit, today)
    if habit.cadence == PER_WEEK:
        for day in _days(habit.starts_on, last):
            if not _active(habit, day) or checkins.get(day) == SKIPPED:
                continue
            done = checkins.get(day) == DONE
            if day == today and not done:
                continue
            # An N-a-week habit is not missed on a day off: a day without a check-in lowers
            # the score only once the week's quota can no longer be met.
            if not done and _week_still_possible(habit, checkins, day, today):
                continue
            score = score * m + (1.0 if done else 0.0) * (1 - m)
        return score
    for day in _daily_due(habit, checkins, today):
        done = checkins.get(day) == DONE
        score = score * m + (1.0 if done else 0.0) * (1 - m)
    return score


def _week_still_possible(habit, checkins, day, today):
    """For an N-a-week habit: could the week of ``day`` still reach its quota counting the days
    up to its end (or today) from ``day`` on? If yes, a day without a check-in is a day off."""
    week = _week_start(day)
    end = min(week + timedelta(6), habit.ends_on or week + timedelta(6))
    quota = _quota_for_range(habit, max(week, habit.starts_on), end)
    done_before = sum(
        1
        for d in _days(max(week, habit.starts_on), day - timedelta(days=1))
        if checkins.get(d) == DONE and _active(habit, d)
    )
    done_after = sum(
        1 for d in _days(day + timedelta(days=1), min(end, today)) if checkins.get(d) == DONE
    )
    days_left_open = sum(
        1
        for d in _days(max(day + timedelta(days=1), today + timedelta(days=1)), end)
        if _active(habit, d)
    )
    return done_before + done_after + days_left_open >= quota


def habit_stats(habit, checkins, today):
    """Every figure the habit page shows, from the check-ins ({date: DONE|SKIPPED})."""
    return HabitStats(
        streak=streak(habit, checkins, today),
        adherence_14=adherence(habit, checkins, today, 14),
        adherence_30=adherence(habit, checkins, today, 30),
        strength=strength(habit, checkins, today),
        done_total=sum(1 for d, s in checkins.items() if s == DONE and _active(habit, d)),
    )
