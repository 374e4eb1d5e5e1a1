"""Cohort circles (M8): the pure split, no database."""

import itertools
import random

import pytest

from matching.engine.circles import MAX_CIRCLE_SIZE, split_circles


def _fits(mentees, mentors, seed=1):
    rng = random.Random(seed)
    return {(e, m): rng.random() for e in mentees for m in mentors}


@pytest.mark.parametrize("n_mentees,n_mentors", [(1, 1), (7, 2), (12, 2), (13, 3), (30, 5)])
def test_everyone_placed_in_balanced_circles_of_at_most_six(n_mentees, n_mentors):
    mentees, mentors = list(range(100, 100 + n_mentees)), list(range(n_mentors))
    plan = split_circles(mentees, mentors, _fits(mentees, mentors))
    assert not plan.unplaced
    assert sorted(e for members in plan.circles.values() for e in members) == mentees
    assert max(plan.sizes) <= MAX_CIRCLE_SIZE
    assert max(plan.sizes) - min(plan.sizes) <= 1


def test_more_mentees_than_seats_leaves_the_rest_out_with_a_reason():
    mentees, mentors = list(range(100, 115)), [1, 2]
    plan = split_circles(mentees, mentors, _fits(mentees, mentors))
    assert plan.sizes == [6, 6]
    assert len(plan.unplaced) == 3
    assert all("full" in reason for reason in plan.unplaced.values())


def test_fit_decides_who_goes_where_within_balanced_sizes():
    fit = {(10, 1): 0.9, (10, 2): 0.1, (11, 1): 0.2, (11, 2): 0.8}
    plan = split_circles([10, 11], [1, 2], fit)
    assert plan.circles == {1: [10], 2: [11]}
    assert plan.total_fit == pytest.approx(1.7)


def test_balance_beats_fit():
    # Everyone prefers mentor 1, but circles stay balanced.
    mentees = [10, 11, 12, 13]
    fit = {(e, 1): 0.9 for e in mentees} | {(e, 2): 0.1 for e in mentees}
    plan = split_circles(mentees, [1, 2], fit)
    assert plan.sizes == [2, 2]


def test_split_is_optimal_on_small_instances():
    mentees, mentors = [10, 11, 12, 13], [1, 2]
    fit = _fits(mentees, mentors, seed=7)
    plan = split_circles(mentees, mentors, fit)
    best = max(
        sum(fit[(e, m)] for e, m in zip(mentees, choice, strict=True))
        for choice in itertools.product(mentors, repeat=len(mentees))
        if sorted(choice.count(m) for m in mentors) == [2, 2]
    )
    assert plan.total_fit == pytest.approx(best)


def test_forbidden_pairs_never_share_a_circle():
    mentees = [10, 11, 12]
    forbidden = {(10, 1), (11, 1), (12, 1)}
    plan = split_circles(mentees, [1, 2], _fits(mentees, [1, 2]), forbidden=forbidden)
    assert plan.circles[1] == []
    assert sorted(plan.circles[2]) == mentees


def test_a_mentee_nobody_may_lead_is_explained():
    plan = split_circles([10], [1], {}, forbidden={(10, 1)})
    assert plan.unplaced == {10: "No mentor may lead this mentee (hard constraints)"}


def test_empty_inputs():
    assert split_circles([], [1], {}).circles == {1: []}
    assert "no mentor" in split_circles([10], [], {}).unplaced[10]
