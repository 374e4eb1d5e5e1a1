"""Lagging indicators from outcome events, trainer signals, mentor load and recognition.
No database."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from metrics.indicators import careers as c
from metrics.indicators import mentors as m
from metrics.indicators import signals as s

START, END = date(2026, 1, 1), date(2026, 12, 31)


def day(n):
    return START + timedelta(days=n)


def test_career_from_events_in_any_order():
    events = [
        c.CareerEvent(day(200), c.LEFT),
        c.CareerEvent(day(-30), c.HIRED, department="Coaching"),
        c.CareerEvent(day(50), c.PROMOTED),
        c.CareerEvent(day(80), c.ROLE_CHANGE, department="coaching"),  # same department
        c.CareerEvent(day(90), c.ROLE_CHANGE, department="Sales"),  # a move
        c.CareerEvent(day(100), c.DEPARTMENT_CHANGE, department="Sales"),  # already there
    ]
    career = c.career_from_events(events)
    assert career.hired_on == day(-30) and career.left_on == day(200)
    assert career.promotions == (day(50),) and career.moves == (day(90),)


def test_a_rehire_after_leaving_starts_again():
    events = [c.CareerEvent(day(10), c.LEFT), c.CareerEvent(day(20), c.HIRED)]
    career = c.career_from_events(events)
    assert career.hired_on == day(20) and career.left_on is None


def test_retention_counts_only_those_employed_at_the_start():
    careers = [
        c.Career(),  # stays
        c.Career(left_on=day(100)),  # leaves in the period
        c.Career(hired_on=day(10)),  # hired in the period: not counted
        c.Career(left_on=day(-1)),  # gone before
        c.Career(left_on=END + timedelta(1)),  # leaves the day after: retained
    ]
    value = c.retention(careers, start=START, end=END)
    assert (value.numerator, value.denominator) == (2, 3) and value.extra["left"] == 1


def test_retention_of_nobody_is_none():
    assert c.retention([], start=START, end=END).value is None


def test_promotion_rate_over_the_average_headcount():
    careers = [
        c.Career(promotions=(day(10), day(300))),
        c.Career(hired_on=day(100), promotions=(day(-5),)),  # before: not counted
        c.Career(left_on=day(50)),
    ]
    value = c.promotion_rate(careers, start=START, end=END)
    # at start 2, at end 2 -> average 2; promotions in the period: 2
    assert (value.numerator, value.denominator, value.value) == (2, 2, 1.0)
    assert value.n == 3  # everyone employed at some time in the period


def test_internal_mobility_is_the_share_who_moved_department():
    careers = [c.Career(moves=(day(5),)), c.Career(moves=(day(-5),)), c.Career()]
    value = c.internal_mobility(careers, start=START, end=END)
    assert (value.numerator, value.denominator) == (1, 3)


def test_certification_counts_the_unassessed_as_not_certified():
    cases = [
        c.CertificationCase(4.0, 3.5),
        c.CertificationCase(3.5, 3.5),  # at the threshold
        c.CertificationCase(3.0, 3.5),
        c.CertificationCase(None, 3.5),
    ]
    value = c.certification_rate(cases)
    assert (value.numerator, value.denominator) == (2, 4) and value.extra["not_assessed"] == 1
    assert c.certification_rate([]).value is None


career_strategy = st.builds(
    c.Career,
    st.none() | st.integers(-400, 400).map(day),
    st.none() | st.integers(-400, 400).map(day),
    st.lists(st.integers(-400, 400).map(day), max_size=3).map(tuple),
    st.lists(st.integers(-400, 400).map(day), max_size=3).map(tuple),
)


@given(st.lists(career_strategy, max_size=20))
def test_retention_and_mobility_are_shares_of_the_same_group(careers):
    retention = c.retention(careers, start=START, end=END)
    mobility = c.internal_mobility(careers, start=START, end=END)
    assert retention.denominator == mobility.denominator
    for value in (retention, mobility):
        assert value.value is None or 0 <= value.value <= 1


# signals ---------------------------------------------------------------------------------


def test_signal_over_time_takes_each_trainees_latest_and_their_change():
    readings = [
        s.SignalReading("a", day(10), 2),
        s.SignalReading("a", day(40), 4),
        s.SignalReading("b", day(20), 3),
        s.SignalReading("b", END + timedelta(5), 1),  # after the period
    ]
    value = s.technique_consistency(readings, start=START, end=END)
    assert value.value == 3.5 and value.n == 2
    assert value.extra["change"] == 2 and value.extra["with_change"] == 1


def test_no_signal_is_none():
    value = s.problem_solving([], start=START, end=END)
    assert value.value is None and value.extra["change"] is None


def test_client_retention_is_a_share_and_out_of_range_values_are_counted_not_used():
    readings = [
        s.SignalReading("a", day(10), 80),
        s.SignalReading("b", day(10), 60),
        s.SignalReading("c", day(10), 140),
    ]
    value = s.client_retention(readings, start=START, end=END)
    assert abs(value.value - 0.7) < 1e-12 and value.n == 2 and value.extra["out_of_range"] == 1


# mentors ---------------------------------------------------------------------------------


def test_mentor_load_against_stated_hours():
    week = (START, START + timedelta(days=6))
    mentors = [
        m.MentorWork(2, ((week[0], 60), (week[0] + timedelta(2), 60)), 1),  # 2 h of 1 h
        m.MentorWork(1, ((week[0], 30),), 2),  # 0.5 h of 2 h
        m.MentorWork(3, ((week[0], 600),), None),  # no hours stated: not in the share
    ]
    value = m.mentor_load(mentors, start=week[0], end=week[1])
    assert (value.numerator, value.denominator) == (2.5, 3)
    assert value.extra["over_capacity"] == 1 and value.extra["no_availability"] == 1
    assert value.extra["mentees_per_mentor"] == 2


def test_mentor_load_without_stated_hours_is_none():
    value = m.mentor_load([m.MentorWork(1)], start=START, end=END)
    assert value.value is None and value.n == 1


def test_mentor_recognition_sums_sessions_kudos_and_credits():
    value = m.mentor_recognition([m.MentorRecognition(4, 2, 90), m.MentorRecognition(2, 0, 30)])
    assert value.value == 6 and value.extra["kudos"] == 2 and value.extra["credit_hours"] == 2
    assert m.mentor_recognition([]).value is None
