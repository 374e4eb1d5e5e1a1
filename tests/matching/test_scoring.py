"""Compatibility scores and hard constraints (M1, M2), without a database."""

import random

import pytest

from matching.engine.matrix import score_matrix
from matching.engine.scoring import (
    ALL_WEIGHTS_ZERO,
    FORMATS,
    MenteeProfile,
    MentorProfile,
    Weights,
    constraint_violation,
    score_pair,
    timezone_gap_minutes,
    weighed_rows,
)

NAMES = {1: "Client Communication", 2: "Negotiation", 3: "Budgeting", 4: "Coaching"}
FIELDS = tuple(Weights.__dataclass_fields__)
ONLY = {name: Weights(**{k: float(k == name) for k in FIELDS}) for name in FIELDS}


def component(mentee, mentor, name, names=NAMES):
    return score_pair(mentee, mentor, Weights(), names).component(name)


def random_cohort(seed, n, m):
    """Small random cohorts that exercise every branch of the scoring and the rules."""
    rng = random.Random(seed)
    mentees = [
        MenteeProfile(
            id=i,
            goals={c: rng.randint(1, 3) for c in rng.sample(range(8), rng.randint(0, 4))},
            availability=frozenset(rng.sample(range(168), rng.randint(0, 12))),
            utc_offset_minutes=rng.choice([-480, -300, 0, 60, 330, 780]),
            preferred_format=rng.choice(["", *FORMATS]),
            learning_style=rng.choice(["", "visual", "hands-on"]),
            department=rng.choice(["", "Sales", "Operations"]),
            manager_id=rng.choice([None, 1, 2, 3]),
            past_mentor_ids=frozenset(rng.sample(range(100, 100 + m), min(m, 2))),
            user_id=rng.choice([None, 10 + i]),
        )
        for i in range(n)
    ]
    mentors = [
        MentorProfile(
            id=100 + j,
            offers={c: rng.randint(1, 5) for c in rng.sample(range(10), rng.randint(0, 5))},
            availability=frozenset(rng.sample(range(168), rng.randint(0, 40))),
            utc_offset_minutes=rng.choice([-300, 0, 60, 330, 840]),
            formats=frozenset(rng.sample(FORMATS, rng.randint(0, 3))),
            styles=frozenset(rng.sample(["visual", "hands-on", "reflective"], rng.randint(0, 2))),
            department=rng.choice(["", "Sales", "Operations", "People"]),
            capacity=rng.randint(0, 3),
            readiness=rng.choice([None, 1.5, 3.0, 4.5]),
            user_id=rng.choice([None, 1, 2, 3, 10, 11, 500 + j]),
        )
        for j in range(m)
    ]
    return mentees, mentors


# ------------------------------------------------------------------------ weights


def test_default_weights_are_the_documented_ones():
    w = Weights()
    assert (w.competency, w.availability, w.timezone) == (0.40, 0.20, 0.10)
    assert (w.format, w.diversity, w.history) == (0.10, 0.10, 0.10)


def test_weights_are_relative():
    w = Weights(4, 2, 1, 1, 1, 1).normalised()
    assert w.competency == pytest.approx(0.4)
    assert w.history == pytest.approx(0.1)
    assert sum(getattr(w, k) for k in FIELDS) == pytest.approx(1.0)


def test_all_zero_weights_are_refused_clearly():
    zero = Weights(0, 0, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="All matching weights are zero"):
        zero.normalised()
    with pytest.raises(ValueError, match=ALL_WEIGHTS_ZERO):
        score_pair(MenteeProfile(id=1), MentorProfile(id=2), zero)
    with pytest.raises(ValueError, match=ALL_WEIGHTS_ZERO):
        score_matrix([MenteeProfile(id=1)], [MentorProfile(id=2)], zero)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_negative_or_odd_weights_are_refused(bad):
    with pytest.raises(ValueError, match="must be a number of 0 or more"):
        Weights(competency=bad)


# ----------------------------------------------------------------------- profiles


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"goals": {1: 4}}, "priorities must be 1, 2 or 3"),
        ({"availability": {168}}, "slots must be 0..167"),
        ({"preferred_format": "webinar"}, "unknown format"),
        ({"utc_offset_minutes": 15 * 60}, "out of range"),
    ],
)
def test_mentee_profile_refuses_bad_intake(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MenteeProfile(id=1, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"offers": {1: 6}}, "levels must be 1..5"),
        ({"formats": {"webinar"}}, "unknown formats"),
        ({"capacity": -1}, "capacity cannot be negative"),
        ({"readiness": 5.5}, "readiness must be between 0 and 5"),
    ],
)
def test_mentor_profile_refuses_bad_intake(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MentorProfile(id=1, **kwargs)


def test_profiles_freeze_their_sets_and_copy_their_maps():
    goals = {1: 1}
    mentee = MenteeProfile(id=1, goals=goals, availability=[3, 4], past_mentor_ids={7})
    goals[2] = 2
    assert mentee.goals == {1: 1}
    assert mentee.availability == frozenset({3, 4})
    assert isinstance(mentee.past_mentor_ids, frozenset)


# --------------------------------------------------------------------- components


def test_competency_fit_weighs_priorities_and_levels():
    mentee = MenteeProfile(id=1, goals={1: 1, 2: 3})  # weights 3 and 1
    mentor = MentorProfile(id=2, offers={1: 4, 4: 5})
    c = component(mentee, mentor, "competency")
    assert c.value == pytest.approx(3 * 4 / 5 / 4)
    assert c.explanation == (
        "Strong fit on Client Communication (mentor level 4, mentee priority 1). "
        "Not offered: Negotiation (priority 3)"
    )


def test_competency_fit_prefers_the_top_priority():
    mentee = MenteeProfile(id=1, goals={1: 1, 2: 3})
    covers_top = MentorProfile(id=2, offers={1: 3})
    covers_minor = MentorProfile(id=3, offers={2: 5})
    top = component(mentee, covers_top, "competency")
    minor = component(mentee, covers_minor, "competency")
    assert top.value > minor.value
    assert top.explanation.startswith("Good fit on Client Communication (mentor level 3")


def test_competency_fit_when_nothing_matches_or_no_goals():
    mentee = MenteeProfile(id=1, goals={1: 1, 3: 2})
    c = component(mentee, MentorProfile(id=2, offers={4: 5}), "competency")
    assert c.value == 0
    assert c.explanation == (
        "Offers none of the mentee's goals: "
        "Client Communication (priority 1), Budgeting (priority 2)"
    )
    c = component(MenteeProfile(id=1), MentorProfile(id=2, offers={1: 5}), "competency")
    assert (c.value, c.explanation) == (0, "The mentee has not named any competency goals")


def test_competency_names_fall_back_to_ids():
    c = component(
        MenteeProfile(id=1, goals={9: 2}), MentorProfile(id=2, offers={9: 1}), "competency"
    )
    assert c.explanation == "Some fit on competency 9 (mentor level 1, mentee priority 2)"


def test_availability_counts_shared_hours_and_saturates():
    mentee = MenteeProfile(id=1, availability=set(range(10, 16)))
    c = component(mentee, MentorProfile(id=2, availability=set(range(8, 20))), "availability")
    assert (c.value, c.explanation) == (1.0, "6 hours a week in common")
    c = component(mentee, MentorProfile(id=2, availability={15, 40}), "availability")
    assert (c.value, c.explanation) == (0.25, "1 hour a week in common")
    c = component(mentee, MentorProfile(id=2, availability={40}), "availability")
    assert (c.value, c.explanation) == (0.0, "No hours in common in the week")
    c = component(mentee, MentorProfile(id=2), "availability")
    assert c.explanation == "The mentor has not given availability"


def test_timezone_closeness_wraps_round_the_clock():
    assert timezone_gap_minutes(-11 * 60, 13 * 60) == 0
    assert timezone_gap_minutes(-300, 60) == 360
    mentee = MenteeProfile(id=1, utc_offset_minutes=60)
    c = component(mentee, MentorProfile(id=2, utc_offset_minutes=180), "timezone")
    assert (c.value, c.explanation) == (pytest.approx(0.75), "2 hours apart")
    c = component(mentee, MentorProfile(id=2, utc_offset_minutes=330), "timezone")
    assert c.explanation == "4 h 30 min apart"
    c = component(mentee, MentorProfile(id=2, utc_offset_minutes=60), "timezone")
    assert (c.value, c.explanation) == (1.0, "Same time zone")
    c = component(mentee, MentorProfile(id=2, utc_offset_minutes=-480), "timezone")
    assert c.value == 0
    assert c.explanation == "9 hours apart: hardly any shared working day"


def test_format_and_learning_style():
    mentee = MenteeProfile(id=1, preferred_format="micro", learning_style="visual")
    both = MentorProfile(id=2, formats={"micro"}, styles={"visual"})
    c = component(mentee, both, "format")
    assert c.value == 1.0
    assert c.explanation == (
        "Offers the preferred micro-mentoring format; coaching style suits a visual learner"
    )
    c = component(mentee, MentorProfile(id=2, formats={"cohort"}, styles={"visual"}), "format")
    assert c.value == 0.5
    assert c.explanation.startswith("Does not offer the preferred micro-mentoring format")
    c = component(MenteeProfile(id=1), MentorProfile(id=2), "format")
    assert (c.value, c.explanation) == (1.0, "No format preference; no learning style preference")


def test_learning_styles_are_said_in_words():
    mentee = MenteeProfile(id=1, learning_style="hands_on")
    c = component(mentee, MentorProfile(id=2, styles={"hands_on"}), "format")
    assert c.explanation.endswith("coaching style suits a hands-on learner")
    c = component(mentee, MentorProfile(id=2, styles={"read"}), "format")
    assert c.explanation.endswith("no coaching style for a hands-on learner")


def test_stored_breakdown_and_the_factors_that_weigh_in():
    weights = Weights(**{k: float(k in {"competency", "timezone"}) for k in FIELDS})
    score = score_pair(MenteeProfile(id=1), MentorProfile(id=2), weights, NAMES)
    rows = score.stored()
    assert [row[0] for row in rows] == [c.name for c in score.components]
    assert all(len(row) == 5 and isinstance(row[4], str) for row in rows)
    assert [row[0] for row in weighed_rows(rows)] == ["competency", "timezone"]
    assert weighed_rows(None) == [] and weighed_rows([["x", "X", 1, 0, "no weight"]]) == []


def test_diversity_rewards_crossing_departments():
    sales = MenteeProfile(id=1, department="Sales")
    c = component(sales, MentorProfile(id=2, department="Operations"), "diversity")
    assert c.value == 1.0
    assert c.explanation == "Different department (Sales → Operations): broadens perspective"
    c = component(sales, MentorProfile(id=2, department="Sales"), "diversity")
    assert (c.value, c.explanation) == (0.0, "Same department (Sales)")
    c = component(sales, MentorProfile(id=2), "diversity")
    assert (c.value, c.explanation) == (0.5, "Department not given for mentor: neutral")


def test_history_marks_repeats():
    mentee = MenteeProfile(id=1, past_mentor_ids={2})
    c = component(mentee, MentorProfile(id=2), "history")
    assert (c.value, c.explanation) == (0.0, "Paired before: a repeat")
    c = component(mentee, MentorProfile(id=3), "history")
    assert c.value == 1.0


def test_total_is_the_weighted_mean_of_the_components():
    mentees, mentors = random_cohort(3, 5, 5)
    for mentee in mentees:
        for mentor in mentors:
            score = score_pair(mentee, mentor, Weights(3, 1, 1, 2, 0, 1), NAMES)
            assert [c.name for c in score.components] == [
                "competency",
                "availability",
                "timezone",
                "format",
                "diversity",
                "history",
            ]
            assert sum(c.weight for c in score.components) == pytest.approx(1.0)
            assert score.total == pytest.approx(sum(c.contribution for c in score.components))
            assert 0.0 <= score.total <= 1.0
            assert all(c.label and c.explanation for c in score.components)


@pytest.mark.parametrize("name", FIELDS)
def test_a_single_weight_makes_the_total_that_component(name):
    mentees, mentors = random_cohort(5, 4, 4)
    for mentee in mentees:
        for mentor in mentors:
            score = score_pair(mentee, mentor, ONLY[name])
            assert score.total == pytest.approx(score.component(name).value)


# ------------------------------------------------------------------- constraints


def test_constraints_say_why_in_words():
    mentee = MenteeProfile(id=1, manager_id=50, user_id=7)
    assert constraint_violation(mentee, MentorProfile(id=9, user_id=7)) == (
        "Mentor and mentee are the same person"
    )
    assert constraint_violation(mentee, MentorProfile(id=9, user_id=50)) == (
        "The mentor is the mentee's manager"
    )
    assert constraint_violation(mentee, MentorProfile(id=9), exclusions={(1, 9)}) == (
        "An admin excluded this pair"
    )
    assert constraint_violation(mentee, MentorProfile(id=9, capacity=0)) == (
        "The mentor has no capacity"
    )
    low = MentorProfile(id=9, readiness=2.5)
    assert constraint_violation(mentee, low, readiness_threshold=3) == (
        "The mentor's readiness (2.5) is below the threshold (3)"
    )
    assert constraint_violation(mentee, MentorProfile(id=9), readiness_threshold=3) == (
        "The mentor's readiness has not been scored (threshold 3)"
    )
    assert constraint_violation(mentee, MentorProfile(id=9)) is None
    assert constraint_violation(mentee, low, readiness_threshold=2.5) is None


def test_reach_rule_needs_a_shared_hour_or_a_near_time_zone():
    mentee = MenteeProfile(id=1, availability={10}, utc_offset_minutes=-300)
    far = MentorProfile(id=2, availability={30}, utc_offset_minutes=480)
    assert constraint_violation(mentee, far) is None
    assert constraint_violation(mentee, far, max_timezone_gap_hours=6) == (
        "No shared available hour and 11 hours apart (limit 6 hours)"
    )
    shares = MentorProfile(id=2, availability={10}, utc_offset_minutes=480)
    assert constraint_violation(mentee, shares, max_timezone_gap_hours=6) is None
