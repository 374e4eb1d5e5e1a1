"""Two other ways to match, for comparison: :func:`greedy` (first come, first served: the
benchmark's baseline) and :func:`exact_dense` (assignment problems on a dense matrix, an
independent exact method that tests use to prove :func:`~matching.engine.optimiser.solve`
optimal on small cohorts)."""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from .problem import (
    BLOCK_SIZE,
    DEFAULT_FAIRNESS_BUDGET,
    FIT_SCALE,
    MatchResult,
    Priority,
    _check_priority,
    _prepare,
    _result,
    _to_int,
)
from .scoring import (
    MenteeProfile,
    MentorProfile,
    Weights,
)

# --------------------------------------------------------------------------- greedy


def greedy(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    *,
    weights: Weights | None = None,
    readiness_threshold: float = 0.0,
    exclusions: Collection[tuple[int, int]] = frozenset(),
    locked: Mapping[int, int] | None = None,
    max_timezone_gap_hours: float | None = None,
) -> MatchResult:
    """The baseline: each mentee, in the given order, takes the best mentor with room.

    This is what a spreadsheet or a first-come-first-served sign-up does. It exists so
    the benchmark can show what the global optimiser gains; do not use it to match.
    """
    started = time.perf_counter()
    problem = _prepare(
        mentees,
        mentors,
        weights=weights or Weights(),
        readiness_threshold=readiness_threshold,
        exclusions=exclusions,
        locked=locked or {},
        max_timezone_gap_hours=max_timezone_gap_hours,
    )
    scorer = problem.scorer
    left = problem.residual.copy()
    closed = np.where(left > 0, np.float32(0), np.float32(-np.inf))
    pairs: dict[int, int] = {}
    for start in range(0, scorer.n_mentees if scorer.n_mentors else 0, BLOCK_SIZE):
        stop = min(start + BLOCK_SIZE, scorer.n_mentees)
        scores, _ = problem.fit_block(start, stop)
        np.putmask(scores, scores < 0, np.float32(-np.inf))
        for r in range(stop - start):
            row = scores[r] + closed
            j = int(np.argmax(row))
            if row[j] == -np.inf:
                continue
            pairs[start + r] = j
            left[j] -= 1
            if left[j] == 0:
                closed[j] = -np.inf
    stats = {"solve_s": time.perf_counter() - started}
    return _result(problem, pairs, priority="coverage", method="greedy", optimal=False, stats=stats)


# ---------------------------------------------------------------------- exact check


def exact_dense(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    *,
    weights: Weights | None = None,
    priority: Priority = "coverage",
    readiness_threshold: float = 0.0,
    exclusions: Collection[tuple[int, int]] = frozenset(),
    locked: Mapping[int, int] | None = None,
    max_timezone_gap_hours: float | None = None,
    fairness_budget: float = DEFAULT_FAIRNESS_BUDGET,
) -> MatchResult:
    """The same objective as :func:`solve`, solved exactly on a dense matrix (tests only).

    Independent of the flow code: every pair is scored, mentors are replicated once
    per free place, and each step is a rectangular assignment problem
    (``scipy.optimize.linear_sum_assignment``). The fairness threshold is found by
    trying every distinct fit from the highest down, not by a search. Memory and time
    grow with mentees x places, so keep it to a few dozen people.
    """
    _check_priority(priority)
    problem = _prepare(
        mentees,
        mentors,
        weights=weights or Weights(),
        readiness_threshold=readiness_threshold,
        exclusions=exclusions,
        locked=locked or {},
        max_timezone_gap_hours=max_timezone_gap_hours,
    )
    scorer = problem.scorer
    n = scorer.n_mentees
    scores, feasible = scorer.block(0, n)
    feasible &= problem.free[:, None]
    fit = _to_int(scores)
    slots = np.repeat(np.arange(scorer.n_mentors), np.maximum(problem.residual, 0))
    f = fit[:, slots]
    ok = feasible[:, slots]
    pairs: dict[int, int] = {}
    if len(slots) and ok.any():
        chosen = _exact_primary(f, ok, priority, int(problem.free.sum()))
        total = sum(int(f[i, s]) for i, s in chosen)
        floor = total - math.floor(fairness_budget * total + 1e-9)
        # The most matches of any solution within the budget (more than the primary's
        # only in the fit priority): the protection never leaves a placeable mentee out.
        while (more := _exact_count(f, ok, len(chosen) + 1)) is not None and sum(
            int(f[i, s]) for i, s in more
        ) >= floor:
            chosen = more
        count = len(chosen)
        for t in sorted({int(v) for v in f[ok]}, reverse=True):
            candidate = _exact_count(f, ok & (f >= t), count)
            if candidate is not None and sum(int(f[i, s]) for i, s in candidate) >= floor:
                chosen = candidate
                break
        pairs = {i: int(slots[s]) for i, s in chosen}
    return _result(problem, pairs, priority=priority, method="exact", optimal=True, stats={})


def _exact_primary(
    f: np.ndarray, ok: np.ndarray, priority: str, n_free: int
) -> list[tuple[int, int]]:
    """Rows x place slots, plus one "unmatched" column per row, maximising the objective."""
    n, s = f.shape
    if priority == "coverage":
        value = FIT_SCALE * (n_free + 1) + f.astype(np.float64)
    else:
        value = f.astype(np.float64) * (n_free + 1) + 1
    cost = np.hstack([np.where(ok, -value, np.inf), np.zeros((n, n))])
    r, c = linear_sum_assignment(cost)
    return [(int(i), int(j)) for i, j in zip(r, c, strict=True) if j < s]


def _exact_count(f: np.ndarray, ok: np.ndarray, count: int) -> list[tuple[int, int]] | None:
    """Exactly ``count`` matches with the most total fit, or None if impossible.

    Square assignment: rows are the mentees plus (slots - count) fillers that may only
    take slots; columns are the slots plus (mentees - count) "unmatched" columns. So
    exactly ``count`` slots remain for real mentees.
    """
    n, s = f.shape
    if count > n or count > s:
        return None
    real = np.hstack([np.where(ok, -f.astype(np.float64), np.inf), np.zeros((n, n - count))])
    fillers = np.hstack([np.zeros((s - count, s)), np.full((s - count, n - count), np.inf)])
    try:
        r, c = linear_sum_assignment(np.vstack([real, fillers]))
    except ValueError:  # no assignment avoids every forbidden entry
        return None
    return [(int(i), int(j)) for i, j in zip(r, c, strict=True) if i < n and j < s]
