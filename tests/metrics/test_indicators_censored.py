"""The censored median (metrics/indicators/base.py) and the censored indicators: examples in
words, and hypothesis against a slow reference Kaplan–Meier written from the definition.
No database."""

from datetime import date, timedelta
from statistics import median

from hypothesis import given
from hypothesis import strategies as st

from metrics.indicators import careers, development
from metrics.indicators.base import (
    MONTH_DAYS,
    Track,
    censored_median,
    km_median,
    plain_censored_median,
)

D0 = date(2026, 1, 1)


def track(days, reached=True, seen=None):
    """A track of ``days`` days: reached on day ``days`` or, not reached, seen then."""
    if reached:
        return Track(D0, D0 + timedelta(days), seen or D0 + timedelta(days + 100))
    return Track(D0, None, D0 + timedelta(days))


def test_nobody_gives_no_value_and_says_so():
    value = censored_median([])
    assert value.value is None and value.n == 0 and value.not_yet == 0
    assert value.note == "nobody to count yet"


def test_one_person_who_reached_it_is_the_median():
    value = censored_median([track(12)])
    assert value.value == 12 and value.n == 1 and value.not_yet == 0


def test_one_person_not_yet_there_is_not_reached_and_still_counted():
    value = censored_median([track(30, reached=False)])
    assert value.value is None and value.n == 1 and value.not_yet == 1
    assert value.note == "not yet reached by half"


def test_everyone_censored_is_not_reached_and_nobody_is_dropped():
    value = censored_median([track(d, reached=False) for d in (5, 50, 500)])
    assert value.value is None and value.n == 3 and value.not_yet == 3 and value.numerator == 0


def test_without_censoring_it_is_the_ordinary_median_odd_and_even():
    assert censored_median([track(d) for d in (10, 20, 40)]).value == 20
    assert censored_median([track(d) for d in (10, 20, 40, 60)]).value == 30  # midpoint


def test_ties_count_together():
    # three reach it on day 10, one on 20: S(10) = 1/4 < 1/2
    assert censored_median([track(10), track(10), track(10), track(20)]).value == 10


def test_an_early_not_yet_leaves_the_risk_set_and_moves_the_median_down_from_the_plain_one():
    # 10, 20 reached; two seen only 5 days in (joined late): plain counts them as never.
    tracks = [track(10), track(20), track(5, reached=False), track(5, reached=False)]
    pairs = [(10, True), (20, True), (5, False), (5, False)]
    assert plain_censored_median(pairs) is None  # half never there
    value = censored_median(tracks)
    # after day 5 two at risk: S(10) = 1/2 exactly -> midpoint of 10 and 20
    assert value.value == 15 and value.not_yet == 2 and value.numerator == 2


def test_a_reached_date_after_the_day_seen_is_not_yet():
    value = censored_median([Track(D0, D0 + timedelta(40), D0 + timedelta(30))])
    assert value.value is None and value.not_yet == 1


def test_promotion_velocity_is_in_months_and_counts_those_who_left_unpromoted():
    start = D0
    people = [
        careers.Career(promotions=(start + timedelta(days=round(6 * MONTH_DAYS)),)),
        careers.Career(promotions=(start + timedelta(days=round(12 * MONTH_DAYS)),)),
        careers.Career(left_on=start + timedelta(days=round(3 * MONTH_DAYS))),
        careers.Career(hired_on=start + timedelta(days=10)),  # not employed at the start
    ]
    tracks = careers.promotion_tracks(people, start=start, as_of=start + timedelta(days=800))
    assert len(tracks) == 3  # the newcomer is not in the group, the leaver is
    value = careers.promotion_velocity(tracks)
    # leaver censored at 3 months; then 6 months: S = 1/2 ... exactly half at 6 -> mid(6, 12)
    assert value.not_yet == 1 and value.n == 3
    assert abs(value.value - 9) < 0.05


def test_a_promotion_before_the_start_does_not_count_as_the_next_one():
    people = [careers.Career(promotions=(D0 - timedelta(days=5),))]
    tracks = careers.promotion_tracks(people, start=D0, as_of=D0 + timedelta(days=30))
    assert tracks[0].reached is None


def test_time_to_competence_first_reading_at_target_after_the_start():
    readings = [
        development.LevelReading(D0 - timedelta(days=3), 5),  # before the pairing: ignored
        development.LevelReading(D0 + timedelta(days=20), 2),
        development.LevelReading(D0 + timedelta(days=40), 3),
        development.LevelReading(D0 + timedelta(days=60), 4),
    ]
    assert development.first_reached(readings, target_level=3, since=D0) == D0 + timedelta(40)
    assert development.first_reached(readings, target_level=5, since=D0) is None


def test_ramp_is_reached_when_the_last_objective_is():
    assert development.ramp_reached([D0, D0 + timedelta(9)]) == D0 + timedelta(9)
    assert development.ramp_reached([D0, None]) is None
    assert development.ramp_reached([]) is None


def test_time_to_match_counts_the_people_still_waiting():
    value = development.time_to_match([track(3), track(7), track(2, reached=False)])
    # the one waiting (2 days) leaves the risk set; S(3) = 1/2 exactly -> midpoint of 3 and 7
    assert value.value == 5 and value.not_yet == 1 and value.n == 3


# --- hypothesis: against a slow reference -----------------------------------------------


def reference_survival(pairs, t):
    """S(t) by the product-limit definition, one distinct event time at a time."""
    s = 1.0
    for u in sorted({time for time, reached in pairs if reached and time <= t}):
        at_risk = sum(1 for time, _ in pairs if time >= u)
        events = sum(1 for time, reached in pairs if reached and time == u)
        s *= 1 - events / at_risk
    return s


def reference_median(pairs):
    times = sorted({time for time, reached in pairs if reached})
    for i, t in enumerate(times):
        s = reference_survival(pairs, t)
        if abs(s - 0.5) < 1e-9:
            return (t + times[i + 1]) / 2 if i + 1 < len(times) else float(t)
        if s < 0.5:
            return float(t)
    return None


pairs_strategy = st.lists(st.tuples(st.integers(0, 60), st.booleans()), max_size=25)


@given(pairs_strategy)
def test_km_median_matches_the_reference(pairs):
    assert km_median(pairs) == reference_median(pairs)


@given(st.lists(st.integers(0, 60), min_size=1, max_size=25))
def test_without_censoring_km_is_the_ordinary_median(times):
    assert km_median([(t, True) for t in times]) == float(median(times))


@given(pairs_strategy)
def test_km_median_is_never_above_the_plain_median_counting_not_yet_as_never(pairs):
    plain = plain_censored_median(pairs)
    km = km_median(pairs)
    if plain is not None:
        assert km is not None and km <= plain


@given(pairs_strategy)
def test_nobody_is_dropped(pairs):
    tracks = [track(t, reached) for t, reached in pairs]
    value = censored_median(tracks)
    assert value.n == len(pairs)
    assert value.numerator + value.not_yet == len(pairs)
