"""Cohort scoring (matching.engine.matrix): the matrix and the feasibility mask equal the
pair scores and the rule checks of matching.engine.scoring, without a database."""

import random

import numpy as np
import pytest

from matching.engine.matrix import PairScorer, score_matrix
from matching.engine.scoring import (
    MenteeProfile,
    Weights,
    constraint_violation,
    score_pair,
)
from tests.matching.test_scoring import random_cohort


@pytest.mark.parametrize("seed", range(6))
def test_matrix_equals_pair_scores(seed):
    mentees, mentors = random_cohort(seed, 40, 15)
    weights = Weights(*random.Random(seed).choices([0.0, 0.5, 1.0, 2.0], k=5), 1.0)
    matrix = score_matrix(mentees, mentors, weights, chunk_size=7)
    expected = np.array([[score_pair(e, r, weights).total for r in mentors] for e in mentees])
    assert matrix.dtype == np.float32
    np.testing.assert_allclose(matrix, expected, atol=1e-5)


def test_matrix_without_availability_weight():
    mentees, mentors = random_cohort(11, 10, 6)
    weights = Weights(availability=0)
    expected = np.array([[score_pair(e, r, weights).total for r in mentors] for e in mentees])
    np.testing.assert_allclose(score_matrix(mentees, mentors, weights), expected, atol=1e-5)


@pytest.mark.parametrize("gap", [None, 6])
def test_feasibility_mask_equals_constraint_violation(gap):
    mentees, mentors = random_cohort(7, 40, 15)
    exclusions = {(i, 100 + j) for i in range(0, 40, 3) for j in range(0, 15, 4)}
    kwargs = {"readiness_threshold": 2.0, "exclusions": exclusions, "max_timezone_gap_hours": gap}
    scorer = PairScorer(mentees, mentors, Weights(), **kwargs)
    scores, feasible = scorer.block(0, len(mentees))
    expected = np.array(
        [[constraint_violation(e, r, **kwargs) is None for r in mentors] for e in mentees]
    )
    assert (feasible == expected).all()
    assert 0 < feasible.mean() < 1
    masked = scorer.feasible_scores(np.arange(5, 30, 2))
    np.testing.assert_array_equal(masked < 0, ~expected[5:30:2])
    np.testing.assert_allclose(masked[~(masked < 0)], scores[5:30:2][expected[5:30:2]], atol=1e-6)


@pytest.mark.parametrize("gap", [None, 6])
def test_feasible_scores_of_some_columns_are_those_of_the_full_rows(gap):
    """The optimiser scores only the mentors with room when it repairs the candidate graph:
    the numbers must be the full rows' own, bit for bit (it ranks them and breaks ties)."""
    mentees, mentors = random_cohort(9, 300, 120)
    exclusions = {(i, 100 + j) for i in range(0, 300, 7) for j in range(0, 120, 5)}
    scorer = PairScorer(
        mentees,
        mentors,
        Weights(),
        readiness_threshold=2.0,
        exclusions=exclusions,
        max_timezone_gap_hours=gap,
    )
    rows = np.arange(3, 290, 4)
    full = scorer.feasible_scores(rows)
    for cols in (np.arange(0, 120, 3), np.array([5]), np.arange(120), np.zeros(0, np.int64)):
        np.testing.assert_array_equal(scorer.feasible_scores(rows, cols), full[:, cols])
    assert (full < 0).any() and (full > 0).any()


def test_pair_scores_equal_the_block():
    mentees, mentors = random_cohort(8, 30, 12)
    scorer = PairScorer(mentees, mentors, Weights())
    scores = scorer.scores(0, 30)
    rows = np.repeat(np.arange(30), 12)
    cols = np.tile(np.arange(12), 30)
    np.testing.assert_allclose(scorer.pair_scores(rows, cols), scores.ravel(), atol=1e-6)


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="must each be unique"):
        PairScorer([MenteeProfile(id=1), MenteeProfile(id=1)], [], Weights())
