"""Leading indicators of engagement (metrics/indicators/engagement.py): examples in words and
hypothesis against the habit page's own maths. No database."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.indicators import engagement as e
from sessions import habits

AS_OF = date(2026, 11, 30)


def ago(days):
    return AS_OF - timedelta(days=days)


# cadence ---------------------------------------------------------------------------------


def test_cadence_without_pairs_is_none():
    value = e.cadence([], as_of=AS_OF, target_days=14)
    assert value.value is None and value.n == 0 and value.extra["median_gap_days"] is None


def test_a_fortnightly_pair_needs_two_sessions_in_28_days():
    meets = e.PairSessions(ago(100), (ago(20), ago(5)))
    short = e.PairSessions(ago(100), (ago(40), ago(5)))  # one of them outside the window
    value = e.cadence([meets, short], as_of=AS_OF, target_days=14)
    assert value.value == 0.5 and value.numerator == 1 and value.denominator == 2


def test_a_pair_younger_than_the_target_gap_is_too_early_and_not_counted():
    young = e.PairSessions(ago(9), ())
    old = e.PairSessions(ago(60), (ago(3),))
    value = e.cadence([young, old], as_of=AS_OF, target_days=14)
    assert value.denominator == 1 and value.extra["too_early"] == 1 and value.value == 0


def test_a_pair_twenty_days_old_needs_one_session():
    assert e.cadence_needed(started_on=ago(19), as_of=AS_OF, target_days=14) == 1
    assert e.cadence_needed(started_on=ago(27), as_of=AS_OF, target_days=14) == 2


def test_a_monthly_target_is_judged_on_its_own_gap_not_28_days():
    pair = e.PairSessions(ago(200), (ago(29),))
    assert e.cadence([pair], as_of=AS_OF, target_days=30).value == 1.0
    assert e.cadence_window(30) == 30 and e.cadence_window(7) == 28


def test_median_gap_between_completed_sessions_and_sessions_after_as_of_ignored():
    pair = e.PairSessions(ago(100), (ago(30), ago(20), ago(6), AS_OF + timedelta(3)))
    value = e.cadence([pair], as_of=AS_OF, target_days=14)
    assert value.extra["median_gap_days"] == 12  # gaps 10 and 14


def test_a_target_below_one_day_is_refused():
    with pytest.raises(ValueError):
        e.cadence([], as_of=AS_OF, target_days=0)


# actions ---------------------------------------------------------------------------------


def test_action_completion_counts_done_by_the_due_date():
    actions = [
        e.Action(ago(10), ago(12)),  # early
        e.Action(ago(10), ago(10)),  # on the day
        e.Action(ago(10), ago(2)),  # late
        e.Action(ago(10)),  # not done
        e.Action(ago(10), cancelled=True),  # not counted
        e.Action(ago(60), ago(60)),  # before the period
    ]
    value = e.action_completion(actions, start=ago(28), end=AS_OF)
    assert (value.numerator, value.denominator) == (2, 4)
    assert value.extra == {"overdue": 1, "late": 1}


def test_no_action_due_is_none_not_zero():
    value = e.action_completion([e.Action(ago(60))], start=ago(28), end=AS_OF)
    assert value.value is None and value.note == "no action due"


# habits ----------------------------------------------------------------------------------


def test_habit_adherence_pools_the_due_days_of_every_habit():
    daily = habits.Habit(habits.DAILY, ago(3))  # due ago(3), ago(2), ago(1); today open
    checkins = {ago(3): habits.DONE, ago(1): habits.DONE}
    other = habits.Habit(habits.DAILY, ago(1))
    value = e.habit_adherence(
        [e.HabitRecord(daily, checkins), e.HabitRecord(other, {})], today=AS_OF
    )
    assert (value.numerator, value.denominator, value.n) == (2, 4, 2)


def test_no_habit_is_none():
    assert e.habit_adherence([], today=AS_OF).value is None


habit_strategy = st.builds(
    lambda cadence, start, length, times, states: (
        habits.Habit(
            cadence,
            AS_OF - timedelta(start),
            (AS_OF - timedelta(start) + timedelta(length)) if length is not None else None,
            times if cadence == habits.PER_WEEK else None,
        ),
        {
            AS_OF - timedelta(i): {"d": habits.DONE, "s": habits.SKIPPED}[c]
            for i, c in enumerate(states)
            if c in "ds"
        },
    ),
    st.sampled_from([habits.DAILY, habits.WEEKDAYS, habits.PER_WEEK]),
    st.integers(0, 60),
    st.none() | st.integers(0, 60),
    st.integers(1, 7),
    st.text(alphabet="ds.", max_size=60),
)


@given(habit_strategy)
def test_one_habits_adherence_is_the_habit_pages_own(case):
    habit, checkins = case
    due, done = e.habit_due_done(e.HabitRecord(habit, checkins), today=AS_OF, days=28)
    page = habits.adherence(habit, checkins, AS_OF, 28)
    if due == 0:
        assert page is None
    else:
        assert abs(done / due - page) < 1e-12


# pulse -----------------------------------------------------------------------------------


def test_pulse_needs_five_answers_and_shows_nothing_below():
    value = e.pulse_score([5, 4, 4, 3])
    assert value.value is None and value.numerator is None and value.n == 4
    assert value.note == "fewer than 5 answers"


def test_pulse_is_the_mean_of_five_answers_or_more_unanswered_left_out():
    value = e.pulse_score([5, 4, 4, 3, 4, None])
    assert value.value == 4 and value.n == 5


# sessions --------------------------------------------------------------------------------


def test_no_show_and_late_cancel_rates():
    sessions = [
        e.SessionRecord(e.COMPLETED),
        e.SessionRecord(e.COMPLETED),
        e.SessionRecord(e.NO_SHOW),
        e.SessionRecord(e.CANCELLED, cancelled_late=True),
        e.SessionRecord(e.CANCELLED),
        e.SessionRecord("proposed"),  # not due yet: neither
    ]
    no_show = e.no_show_rate(sessions)
    late = e.late_cancel_rate(sessions)
    assert (no_show.numerator, no_show.denominator) == (1, 3)
    assert (late.numerator, late.denominator) == (1, 5)


def test_rates_without_sessions_are_none():
    assert e.no_show_rate([]).value is None and e.late_cancel_rate([]).value is None


@given(st.lists(st.sampled_from([e.COMPLETED, e.NO_SHOW, e.CANCELLED]), max_size=30))
def test_rates_are_shares(statuses):
    sessions = [e.SessionRecord(s, cancelled_late=i % 2 == 0) for i, s in enumerate(statuses)]
    for value in (e.no_show_rate(sessions), e.late_cancel_rate(sessions)):
        assert value.value is None or 0 <= value.value <= 1


def reference_meets(pair, as_of, target_days):
    """Day by day from the definition: the window is the last max(28, target) days, clipped
    to the pair's life; it needs one session per whole target gap in it."""
    window_days = [as_of - timedelta(days=i) for i in range(max(28, target_days))]
    alive = [d for d in window_days if d >= pair.started_on]
    needed = len(alive) // target_days
    if needed == 0:
        return None
    return sum(1 for d in pair.completed_on if d in window_days) >= needed


pair_strategy = st.builds(
    lambda age, offsets: e.PairSessions(ago(age), tuple(ago(o) for o in offsets if o <= age)),
    st.integers(0, 120),
    st.lists(st.integers(-5, 120), max_size=12),
)


@given(st.lists(pair_strategy, max_size=8), st.integers(1, 90))
def test_cadence_matches_a_day_by_day_reference(pairs, target_days):
    value = e.cadence(pairs, as_of=AS_OF, target_days=target_days)
    verdicts = [reference_meets(p, AS_OF, target_days) for p in pairs]
    counted = [v for v in verdicts if v is not None]
    assert value.denominator == len(counted)
    assert value.numerator == sum(counted)
    assert value.extra["too_early"] == len(verdicts) - len(counted)
