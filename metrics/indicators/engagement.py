"""Leading indicators of a pair's engagement: cadence against target, action completion,
habit adherence, pulse score, no-show and late-cancel rates. Pure (see base.py)."""

from dataclasses import dataclass
from datetime import date, timedelta

from sessions import habits as habit_maths

from .base import IndicatorValue, median_of_counts, share

CADENCE_WINDOW_DAYS = 28
HABIT_WINDOW_DAYS = 28
PULSE_MINIMUM = 5


@dataclass(frozen=True)
class PairSessions:
    """An active pair: the day it started and the days of its completed sessions;
    ``target_days``: its program's target gap, when pairs of several programs are judged
    together (None: the ``target_days`` the caller gives)."""

    started_on: date
    completed_on: tuple[date, ...] = ()
    target_days: int | None = None


def cadence_window(target_days):
    """The trailing window a pair is judged on: 28 days, or the target gap when longer."""
    return max(CADENCE_WINDOW_DAYS, target_days)


def cadence_needed(*, started_on, as_of, target_days):
    """Completed sessions a pair needs in its window (0: too early to tell).

    The window is clipped to the pair's life: a pair 20 days old with a 14-day target needs
    one session, one 10 days old needs none yet (too early to tell).
    """
    window = cadence_window(target_days)
    days_active = (as_of - started_on).days + 1
    return max(min(window, days_active), 0) // target_days


def pair_meets_cadence(pair, *, as_of, target_days):
    """True / False, or None when the pair is too young to tell."""
    needed = cadence_needed(started_on=pair.started_on, as_of=as_of, target_days=target_days)
    if needed == 0:
        return None
    first = as_of - timedelta(days=cadence_window(target_days) - 1)
    done = sum(1 for day in pair.completed_on if first <= day <= as_of)
    return done >= needed


def gaps(days):
    days = sorted(set(days))
    return [(b - a).days for a, b in zip(days, days[1:], strict=False)]


def cadence(pairs, *, as_of, target_days=None):
    """Share of active pairs meeting the target cadence (each pair judged on its own
    ``target_days`` when it has one, else on ``target_days``); ``extra``: the median gap in
    days between consecutive completed sessions (of the sessions up to ``as_of``), and how
    many pairs are too early to tell (not counted)."""
    if target_days is not None and target_days < 1:
        raise ValueError("target_days must be at least 1")
    return cadence_of([cadence_part(pair, as_of=as_of, target_days=target_days) for pair in pairs])


def cadence_part(pair, *, as_of, target_days=None):
    """``(verdict, gaps)`` of one active pair: whether it meets its cadence (None: too
    early to tell) and the gaps in days between its completed sessions up to ``as_of``; what
    :func:`cadence_of` computes the figure of any group of pairs from."""
    target = pair.target_days or target_days
    if target is None or target < 1:
        raise ValueError("target_days must be at least 1")
    verdict = pair_meets_cadence(pair, as_of=as_of, target_days=target)
    return verdict, gaps(day for day in pair.completed_on if day <= as_of)


def cadence_of(parts):
    """:func:`cadence` from the pairs' ``(verdict, gaps)``."""
    verdicts, counts = [], {}
    for verdict, pair_gaps in parts:
        verdicts.append(verdict)
        for gap in pair_gaps:
            counts[gap] = counts.get(gap, 0) + 1
    return cadence_of_counts(verdicts, counts)


def cadence_of_counts(verdicts, gap_counts):
    """:func:`cadence` from the pairs' verdicts and ``{gap in days: how many}`` of all their
    gaps."""
    counted = [v for v in verdicts if v is not None]
    return share(
        sum(1 for v in counted if v),
        len(counted),
        extra={
            "median_gap_days": median_of_counts(gap_counts),
            "too_early": len(verdicts) - len(counted),
        },
        empty="no pair old enough to judge yet",
    )


@dataclass(frozen=True)
class Action:
    due_on: date
    done_on: date | None = None
    cancelled: bool = False


def action_completion(actions, *, start, end):
    """Actions due in [start, end] done by their due date ÷ actions due then (cancelled ones
    not counted). ``extra``: overdue = due then and still not done on ``end``; late = done,
    but after the due date."""
    due = [a for a in actions if not a.cancelled and start <= a.due_on <= end]
    on_time = sum(1 for a in due if a.done_on is not None and a.done_on <= a.due_on)
    overdue = sum(1 for a in due if a.done_on is None or a.done_on > end)
    late = sum(1 for a in due if a.done_on is not None and a.due_on < a.done_on <= end)
    return action_completion_counts(due=len(due), on_time=on_time, overdue=overdue, late=late)


def action_completion_counts(*, due, on_time, overdue, late):
    """:func:`action_completion` from the counts the database computes (snapshots)."""
    return share(on_time, due, extra={"overdue": overdue, "late": late}, empty="no action due")


@dataclass(frozen=True)
class HabitRecord:
    """A micro-habit (sessions.habits.Habit: cadence, start, end, pauses) and its check-ins
    ({day: "done" | "skipped"})."""

    habit: habit_maths.Habit
    checkins: dict


def habit_due_done(record, *, today, days=HABIT_WINDOW_DAYS):
    """(due, done) of one habit over the last ``days`` days, by the habit page's own rules
    (sessions.habits: skipped days and pauses are not due, today is due once checked in, an
    N-a-week habit is due N times a week)."""
    habit, checkins = record.habit, record.checkins
    first = today - timedelta(days=days - 1)
    if habit.cadence == habit_maths.PER_WEEK:
        last = habit_maths._last_day(habit, today)
        first = max(first, habit.starts_on)
        due = done = 0
        if last < first:
            return 0, 0
        for week in habit_maths._weeks_between(first, last):
            w_first, w_last = max(week, first), min(week + timedelta(6), last)
            quota = habit_maths._quota_for_range(habit, w_first, w_last)
            got = habit_maths._done_in(habit, checkins, w_first, w_last)
            due += quota
            done += min(got, quota)
        return due, done
    due_days = habit_maths._daily_due(habit, checkins, today, first=first)
    return len(due_days), sum(1 for d in due_days if checkins.get(d) == habit_maths.DONE)


def habit_adherence(records, *, today, days=HABIT_WINDOW_DAYS):
    """Due days done ÷ due days, over every habit, in the last 28 days (today included)."""
    records = list(records)
    due = done = 0
    for record in records:
        d, k = habit_due_done(record, today=today, days=days)
        due += d
        done += k
    return share(done, due, n=len(records), empty="no habit day due")


def pulse_score(scores, *, minimum=PULSE_MINIMUM):
    """Mean of the pulse answers (1 to 5); None with fewer than five answers, so no one
    person's answer can be read from it."""
    scores = [s for s in scores if s is not None]
    return pulse_score_totals(total=sum(scores), count=len(scores), minimum=minimum)


def pulse_score_totals(*, total, count, minimum=PULSE_MINIMUM):
    """:func:`pulse_score` from the sum and the number of answers (computed by the database)."""
    if count < minimum or not count:
        # Below the minimum, not even the sum is shown: it would give the answers away.
        return IndicatorValue(None, None, None, count, note=f"fewer than {minimum} answers")
    return IndicatorValue(total / count, total, count, count)


COMPLETED = "completed"
NO_SHOW = "no_show"
CANCELLED = "cancelled"


@dataclass(frozen=True)
class SessionRecord:
    """A session that was due to take place: completed, no_show or cancelled (with
    ``cancelled_late`` when that happened less than a day before its start)."""

    status: str
    cancelled_late: bool = False


def no_show_rate(sessions):
    """No-shows ÷ sessions that reached their time (completed + no-shows)."""
    held = [s for s in sessions if s.status in (COMPLETED, NO_SHOW)]
    return no_show_counts(held=len(held), no_shows=sum(1 for s in held if s.status == NO_SHOW))


def no_show_counts(*, held, no_shows):
    """:func:`no_show_rate` from the counts the database computes."""
    return share(no_shows, held, empty="no session held")


def late_cancel_rate(sessions):
    """Sessions cancelled less than a day before their start ÷ sessions that were booked and
    either took place, were missed, or were cancelled."""
    booked = [s for s in sessions if s.status in (COMPLETED, NO_SHOW, CANCELLED)]
    late = sum(1 for s in booked if s.status == CANCELLED and s.cancelled_late)
    return late_cancel_counts(booked=len(booked), late=late)


def late_cancel_counts(*, booked, late):
    """:func:`late_cancel_rate` from the counts the database computes."""
    return share(late, booked, empty="no session booked")
