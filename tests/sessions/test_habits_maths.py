"""Micro-habit maths (sessions/habits.py): examples in words, and hypothesis against a slow
reference written from the definitions alone. No database."""

import math
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sessions import habits
from sessions.habits import DAILY, DONE, PER_WEEK, SKIPPED, WEEKDAYS, Habit, habit_stats

MONDAY = date(2026, 11, 2)


def days_from(start, states):
    """{date: state} from a string: d = done, s = skipped, . = nothing."""
    code = {"d": DONE, "s": SKIPPED}
    return {start + timedelta(i): code[c] for i, c in enumerate(states) if c in code}


def test_a_daily_streak_counts_the_days_done_back_from_the_latest():
    habit = Habit(DAILY, MONDAY)
    checkins = days_from(MONDAY, "dd.ddd")
    assert habits.streak(habit, checkins, MONDAY + timedelta(5)) == 3


def test_a_skipped_day_neither_breaks_nor_extends_the_streak():
    habit = Habit(DAILY, MONDAY)
    checkins = days_from(MONDAY, "ddsdd")
    assert habits.streak(habit, checkins, MONDAY + timedelta(4)) == 4


def test_today_without_a_check_in_is_still_open():
    habit = Habit(DAILY, MONDAY)
    checkins = days_from(MONDAY, "ddd")
    assert habits.streak(habit, checkins, MONDAY + timedelta(3)) == 3


def test_weekends_are_not_due_for_a_weekdays_habit():
    habit = Habit(WEEKDAYS, MONDAY)
    checkins = days_from(MONDAY, "ddddd..d")  # Mon–Fri, weekend nothing, Monday done
    today = MONDAY + timedelta(7)
    assert habits.streak(habit, checkins, today) == 6
    assert habits.adherence(habit, checkins, today, 14) == 1.0


def test_a_paused_habit_is_not_due():
    habit = Habit(DAILY, MONDAY, paused=((MONDAY + timedelta(2), MONDAY + timedelta(4)),))
    checkins = days_from(MONDAY, "dd...dd")
    assert habits.streak(habit, checkins, MONDAY + timedelta(6)) == 4


def test_n_times_a_week_is_met_by_any_n_days():
    habit = Habit(PER_WEEK, MONDAY, times_per_week=3)
    checkins = days_from(MONDAY, "d.d..d." + "..d.d.d" + "d")
    today = MONDAY + timedelta(14)
    assert habits.streak(habit, checkins, today) == 7
    missed_week = days_from(MONDAY, "d.d...." + "..d.d.d" + "d")
    assert habits.streak(habit, missed_week, today) == 4


def test_adherence_over_14_days():
    habit = Habit(DAILY, MONDAY)
    checkins = days_from(MONDAY, "d.d.d.d.d.d.d.")  # 7 of 14, today (day 14) open
    stats = habit_stats(habit, checkins, MONDAY + timedelta(14))
    assert stats.adherence_14 == 6 / 13  # days 1..13 (+ today open): done on 2,4,..,12
    assert stats.adherence_30 == 7 / 14


def test_strength_rises_with_a_run_and_a_miss_lowers_it_gently():
    habit = Habit(DAILY, MONDAY)
    run = days_from(MONDAY, "d" * 13)
    after_run = habits.strength(habit, run, MONDAY + timedelta(12))
    assert 0.49 < after_run < 0.51  # 13 done days take it from 0 to about 0.5
    missed = habits.strength(habit, run, MONDAY + timedelta(14))  # day 13 missed, 14 open
    assert missed == after_run * habit.multiplier()
    assert 0.94 < habit.multiplier() < 0.95


def test_nothing_due_yet_has_no_adherence():
    habit = Habit(DAILY, MONDAY)
    assert habits.adherence(habit, {}, MONDAY, 14) is None
    assert habits.streak(habit, {}, MONDAY) == 0


# --- the slow reference, from the definitions ---------------------------------------------


def ref_active(habit, day):
    if day < habit.starts_on or (habit.ends_on and day > habit.ends_on):
        return False
    inside = [first <= day and (last is None or day <= last) for first, last in habit.paused]
    return not any(inside)


def ref_due_daily(habit, checkins, today, window_first=None):
    out = []
    day = habit.starts_on
    last = min(today, habit.ends_on) if habit.ends_on else today
    while day <= last:
        ok = ref_active(habit, day) and (habit.cadence == DAILY or day.isoweekday() <= 5)
        if window_first and day < window_first:
            ok = False
        if ok and checkins.get(day) != SKIPPED and not (day == today and checkins.get(day) != DONE):
            out.append(day)
        day += timedelta(days=1)
    return out


def ref_streak_daily(habit, checkins, today):
    n = 0
    for day in ref_due_daily(habit, checkins, today)[::-1]:
        if checkins.get(day) == DONE:
            n += 1
        else:
            return n
    return n


def ref_adherence_daily(habit, checkins, today, days):
    due = ref_due_daily(habit, checkins, today, today - timedelta(days=days - 1))
    if not due:
        return None
    return len([d for d in due if checkins.get(d) == DONE]) / len(due)


def ref_strength_daily(habit, checkins, today):
    m = math.pow(0.5, 1 / 13)
    s = 0.0
    for day in ref_due_daily(habit, checkins, today):
        s = m * s + (1 - m) * (checkins.get(day) == DONE)
    return s


def ref_week_streak(habit, checkins, today):
    """N a week: walk weeks back from the current one."""
    n = habit.times_per_week
    last = min(today, habit.ends_on) if habit.ends_on else today
    monday = last - timedelta(days=last.weekday())
    total = 0
    while monday + timedelta(days=6) >= habit.starts_on:
        week = [monday + timedelta(i) for i in range(7)]
        active = [d for d in week if ref_active(habit, d)]
        if active:
            quota = min(len(active), math.ceil(n * len(active) / 7))
            done = min(quota, len([d for d in active if d <= today and checkins.get(d) == DONE]))
            current = max(active) >= today
            if done < quota and not current:
                break
            total += done
        monday -= timedelta(days=7)
    return total


histories = st.tuples(
    st.sampled_from([DAILY, WEEKDAYS, PER_WEEK]),
    st.integers(1, 6),  # times a week
    st.integers(0, 6),  # start offset from a Monday
    st.text(alphabet="ds.", min_size=0, max_size=70),
    st.integers(0, 75),  # today, days after the start
    st.one_of(st.none(), st.integers(0, 70)),  # end, days after the start
    st.one_of(st.none(), st.tuples(st.integers(0, 60), st.integers(0, 10))),  # a pause
)


def build(case):
    cadence, per_week, offset, states, today_at, end_at, pause = case
    start = MONDAY + timedelta(offset)
    paused = ()
    if pause:
        paused = ((start + timedelta(pause[0]), start + timedelta(pause[0] + pause[1])),)
    habit = Habit(
        cadence,
        start,
        ends_on=start + timedelta(end_at) if end_at is not None else None,
        times_per_week=per_week if cadence == PER_WEEK else None,
        paused=paused,
    )
    today = start + timedelta(today_at)
    checkins = {d: s for d, s in days_from(start, states).items() if d <= today}
    return habit, checkins, today


@settings(max_examples=400, deadline=None)
@given(histories)
def test_against_the_reference(case):
    habit, checkins, today = build(case)
    stats = habit_stats(habit, checkins, today)
    assert 0.0 <= stats.strength <= 1.0
    for window in (stats.adherence_14, stats.adherence_30):
        assert window is None or 0.0 <= window <= 1.0
    if habit.cadence == PER_WEEK:
        assert stats.streak == ref_week_streak(habit, checkins, today)
        return
    assert stats.streak == ref_streak_daily(habit, checkins, today)
    assert stats.adherence_14 == ref_adherence_daily(habit, checkins, today, 14)
    assert stats.adherence_30 == ref_adherence_daily(habit, checkins, today, 30)
    assert math.isclose(stats.strength, ref_strength_daily(habit, checkins, today))


@settings(max_examples=200, deadline=None)
@given(histories, st.integers(0, 70))
def test_one_more_done_day_never_lowers_strength_or_streak(case, extra):
    habit, checkins, today = build(case)
    day = habit.starts_on + timedelta(extra)
    if day > today or checkins.get(day) == DONE:
        return
    more = dict(checkins)
    more[day] = DONE
    before, after = habit_stats(habit, checkins, today), habit_stats(habit, more, today)
    assert after.strength >= before.strength - 1e-12
    if habit.cadence != PER_WEEK and checkins.get(day) is None:
        assert after.streak >= before.streak


def test_n_times_a_week_adherence_counts_each_week_n_times_at_most():
    habit = Habit(PER_WEEK, MONDAY, times_per_week=3)
    checkins = days_from(MONDAY, "dd....." + "ddddd..")  # 2 of 3, then 5 (counted as 3)
    today = MONDAY + timedelta(13)  # a Sunday: the window of 14 days is the two weeks
    assert habits.adherence(habit, checkins, today, 14) == 5 / 6


def test_an_n_times_a_week_day_off_does_not_lower_strength():
    habit = Habit(PER_WEEK, MONDAY, times_per_week=2)
    done_early = days_from(MONDAY, "dd")
    today = MONDAY + timedelta(6)
    assert habits.strength(habit, done_early, today) == habits.strength(
        habit, done_early, MONDAY + timedelta(2)
    )
