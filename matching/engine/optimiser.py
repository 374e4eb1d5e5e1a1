"""The global matching optimiser (features M3 and M10), its greedy baseline and an exact check.

:func:`solve` assigns mentees to mentors for a whole cohort at once. It is a min-cost
flow, not a greedy pass: source -> mentee (capacity 1) -> mentor (capacity = the
mentor's capacity minus the mentees locked to them) -> sink, with integer costs, solved
by OR-Tools' ``SimpleMinCostFlow``. A greedy pass lets the first mentees take the best
mentors and strands the later ones; the flow weighs everyone together.

The objective
-------------
What "best" means is lexicographic, chosen per program (M10):

``priority="coverage"`` (most people matched first)
    1. match as many mentees as possible;
    2. then maximise total fit.

``priority="fit"`` (best total fit first)
    1. maximise total fit;
    2. then match as many as possible.

    Every fit is >= 0, so adding a feasible match never lowers the total: a mentee is
    left out only when the place they would need is worth more to someone else. For
    example, the one mentor who suits two mentees goes to the one who fits better, even
    though the other could have had a poor second choice that was also wanted; coverage
    mode gives both someone. The modes differ only when capacity is contested; with room
    everywhere both match everyone.

Then, in both modes, **the worst-off mentee is protected**: among solutions that keep
the number matched and lose at most ``fairness_budget`` (a share, default 2 %) of the
optimal total fit, take the one whose lowest fit is highest, and among those the one
with the highest total fit. With ``fairness_budget=0`` this is a pure tie-break among
optimal solutions; with ``1`` it is the classic bottleneck assignment. The budget is
what makes the protection real: two solutions rarely tie exactly, yet one whose
weakest pair is much better usually costs very little total fit. It is found by a
threshold search: drop every arc below a fit ``t`` and ask the flow for exactly the
same number of matches with the most fit; the largest ``t`` that still meets the number
and the budget wins (max-flow checks bound the search first, so only a few min-cost
flows are solved). The number matched never goes down, and it is the most that any
solution within the budget matches: in the fit priority that can be more than the best
total alone places, so protecting the worst-off never leaves out someone who could be
placed beside a free place. When not everyone can be matched, who is left out may
change (the worst-off is measured among the matched, and every unmatched person is
listed with the reason). Fits are compared as integers in units of 1e-4
(:data:`FIT_SCALE`).

Large cohorts: candidates and pricing
-------------------------------------
Up to ``complete_graph_limit`` (free mentees x mentors) every feasible pair is an arc
and the answer is exact. Above it, all pairs are scored once, block by block, and only
a candidate graph is kept: each mentee's ``candidates_per_mentee`` best mentors, UNION
each mentor's ``candidates_per_mentor`` mentees for whom that mentor is nearly as good
as their own best (the smallest regret). The second half matters: without it, popular
mentors appear in everyone's list while places elsewhere have no arcs at all.

The graph is then completed. First, cheap max flows check that nobody is left out
beside a free place (if so, arcs from them to mentors with room are added). Then
**pricing** (column generation): the optimal flow gives each mentor a price and each
mentee a utility (the LP duals, recovered by a shortest-path pass over the mentors),
and a pair outside the graph could improve the answer only if its value exceeds the
mentee's utility plus the mentor's price (a forbidden pair is never such a pair, though
in the coverage priority the bonus of a match would outweigh its negative mark). Every
such pair is found in one pass over the quantised fits (kept in memory as int16 when
they fit, as one coarse byte a pair for larger cohorts, with the few pairs that pass
the screen then scored exactly, else scored again; from memory, two threads share the
pass, see :func:`_worker`); the best few per mentee, and pairs that nearly improve, are added and
the flow is solved again.
When a pass finds none, the number matched and the total fit are proven optimal for
the whole cohort, not just for the graph: ``MatchResult.optimal`` is True. On the
benchmark (20 000 x 5 000) this takes three passes. The worst-off protection then runs
on that graph: exact when the graph is complete, otherwise the best lowest fit the
priced graph allows (the pricing targets total fit, not the bottleneck).

:func:`greedy` is the baseline the benchmark compares against; :func:`exact_dense`
solves small instances exactly by an independent method (assignment problems on a
dense matrix) so tests can prove :func:`solve` optimal.

Where the parts live
--------------------
This module holds :func:`solve` and the public names. The parts it puts together, each a
module of its own: :mod:`.problem` (the prepared cohort, integer fits, the result and the
unmatched reasons), :mod:`.graph` (scoring in blocks and the candidate graph),
:mod:`.flow` (the min-cost and max flows), :mod:`.pricing` (duals and pricing passes),
:mod:`.fairness` (the worst-off protection) and :mod:`.baselines` (:func:`greedy` and
:func:`exact_dense`). Names with a leading underscore are internal to the engine.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from .baselines import exact_dense, greedy
from .fairness import _protect_worst_off
from .flow import _Flow
from .graph import _FitCache, _kth_largest, _scan
from .pricing import _duals, _price
from .problem import (
    BLOCK_SIZE,
    DEFAULT_FAIRNESS_BUDGET,
    FIT_SCALE,
    PRIORITIES,
    MatchResult,
    Priority,
    _check_priority,
    _prepare,
    _Problem,
    _result,
    _to_int,
)
from .scoring import (
    MenteeProfile,
    MentorProfile,
    Weights,
)

__all__ = [
    "FIT_SCALE",
    "PRIORITIES",
    "MatchResult",
    "Priority",
    "exact_dense",
    "greedy",
    "solve",
]

DEFAULT_CANDIDATES_PER_MENTEE = 8
DEFAULT_PRICING_ROUNDS = 8
# Up to this many (free mentee, mentor) pairs the graph keeps every feasible pair: a
# program of 400 mentees and 250 mentors solves exactly in well under a second.
COMPLETE_GRAPH_LIMIT = 100_000
# Quantised fits are kept in memory (2 bytes a pair) up to this many pairs, so pricing
# passes do not score the cohort again: 20 000 x 5 000 takes 200 MB.
FIT_CACHE_LIMIT = 150_000_000
# Above it, one byte a pair (fit // COARSE_UNIT, see graph._FitCache) up to this many
# pairs: 50 000 x 12 500 takes 625 MB, and pricing passes still do not score again.
COARSE_CACHE_LIMIT = 800_000_000
COARSE_UNIT = 80
# Max-flow passes that add arcs for people left out beside a free place.
MAX_REPAIRS = 3


# ---------------------------------------------------------------------------- solve


def solve(
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
    candidates_per_mentee: int = DEFAULT_CANDIDATES_PER_MENTEE,
    candidates_per_mentor: int | None = None,
    pricing_rounds: int = DEFAULT_PRICING_ROUNDS,
    complete_graph_limit: int = COMPLETE_GRAPH_LIMIT,
) -> MatchResult:
    """Match a cohort globally: the admin's "run matching" (M3, M4, M10).

    See the module documentation for the objective and the method. ``locked`` maps
    mentee id to mentor id for pairs an admin locked; they are kept and use up
    capacity. ``exclusions`` are ``(mentee id, mentor id)`` pairs an admin ruled out.
    ``candidates_per_mentor`` defaults to three times the largest capacity (at least 8),
    so each mentor has enough mentees in the graph to fill their places and leave room
    for swaps. ``pricing_rounds`` caps the completion passes; if the cap is reached
    before a pass finds nothing to add, the result is kept but ``optimal`` is False.
    """
    _check_priority(priority)
    if not 0.0 <= fairness_budget <= 1.0:
        raise ValueError("fairness_budget is a share of total fit, between 0 and 1")
    started = time.perf_counter()
    # Pricing will likely keep the fits (unless locked pairs make the graph complete):
    # the worker thread prepares that memory while this one encodes the cohort.
    n, m = len(mentees), len(mentors)
    likely = pricing_rounds > 0 and candidates_per_mentee < m
    unit = _cache_unit(n * m)
    cache = _FitCache(n, m, unit) if likely and unit and complete_graph_limit < n * m else None
    problem = _prepare(
        mentees,
        mentors,
        weights=weights or Weights(),
        readiness_threshold=readiness_threshold,
        exclusions=exclusions,
        locked=locked or {},
        max_timezone_gap_hours=max_timezone_gap_hours,
    )
    n, m = problem.scorer.n_mentees, problem.scorer.n_mentors
    n_free = int(problem.free.sum())
    if n_free * m <= complete_graph_limit:
        k_mentee, k_mentor = m, 0
    else:
        largest = int(problem.residual.max()) if m else 0
        k_mentee = candidates_per_mentee
        k_mentor = (
            candidates_per_mentor if candidates_per_mentor is not None else max(8, 3 * largest)
        )
    keep_cache = not k_mentee >= m and pricing_rounds > 0 and unit is not None
    if not keep_cache:
        cache = None
    elif cache is None:
        cache = _FitCache(n, m, unit)
    graph = _scan(problem, k_mentee, k_mentor, cache)
    scored = time.perf_counter()
    stats: dict[str, Any] = {
        "scoring_s": scored - started,
        "coverage_bound": graph.coverage_bound,
        "candidate_arcs": len(graph.rows),
        "pricing_rounds": 0,
        "priced_arcs": 0,
    }

    certified = graph.complete
    max_flows = cost_flows = 0
    stats["repairs"] = 0
    while not certified and stats["repairs"] < MAX_REPAIRS:
        # A maximum matching (cheap: a max flow) that leaves someone out beside a free
        # place shows the graph missed arcs: add them before the costly solves, so the
        # first duals are already meaningful.
        flow = _Flow(graph, problem.residual, n_free, priority)
        chosen = flow.max_matching()
        max_flows += flow.max_flows
        repair = _arcs_to_room(problem, flow, chosen, candidates_per_mentee)
        if repair is None or not graph.add(*repair, m):
            break
        stats["repairs"] += 1
    while True:
        flow = _Flow(graph, problem.residual, n_free, priority)
        chosen = flow.best()
        cost_flows += flow.cost_flows
        if certified or stats["pricing_rounds"] >= pricing_rounds:
            break
        duals = _duals(flow, chosen, problem.residual, n)
        if duals is None:
            stats["pricing_failed"] = True
            break
        rows, cols, fit, found = _price(problem, graph, flow, duals)
        stats["pricing_rounds"] += 1
        stats["improving_pairs"] = found
        if not found:
            certified = True
            break
        if not graph.add(rows, cols, fit, m):
            break
    stats["pricing_s"] = time.perf_counter() - scored
    stats["primary_matched"] = len(chosen)
    stats["primary_total_fit"] = float(flow.fit[chosen].sum()) / FIT_SCALE
    stats["primary_min_fit"] = float(flow.fit[chosen].min()) / FIT_SCALE if len(chosen) else 0.0
    flow.cost_flows = 0
    fairness_started = time.perf_counter()
    chosen = _protect_worst_off(flow, chosen, fairness_budget, stats)
    stats["fairness_s"] = time.perf_counter() - fairness_started
    stats["max_flows"] = max_flows + flow.max_flows
    stats["cost_flows"] = cost_flows + flow.cost_flows
    stats["flow_solves"] = stats["max_flows"] + stats["cost_flows"]
    stats["arcs"] = len(graph.rows)
    stats["priced_arcs"] = len(graph.rows) - stats["candidate_arcs"]
    stats["candidates_complete"] = graph.complete
    stats["solve_s"] = time.perf_counter() - scored
    stats["coverage_certified"] = len(chosen) >= graph.coverage_bound
    graph.cache = None
    pairs = dict(zip(flow.rows[chosen].tolist(), flow.cols[chosen].tolist(), strict=True))
    return _result(problem, pairs, priority=priority, method="flow", optimal=certified, stats=stats)


def _cache_unit(pairs: int) -> int | None:
    """How the fits of ``pairs`` pairs are kept for pricing: 1 (exact, int16), a coarse
    unit (one byte a pair), or None (not kept: every pricing pass scores again)."""
    if pairs <= FIT_CACHE_LIMIT:
        return 1
    if pairs <= COARSE_CACHE_LIMIT:
        return COARSE_UNIT
    return None


def _arcs_to_room(
    problem: _Problem, flow: _Flow, chosen: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Arcs from each left-out mentee to its ``k`` best compatible mentors with room.

    None when nobody is left out beside a free place.
    """
    m = problem.scorer.n_mentors
    room = np.bincount(flow.cols[chosen], minlength=m) < problem.residual
    matched = np.zeros(problem.scorer.n_mentees, bool)
    matched[flow.rows[chosen]] = True
    left_out = np.flatnonzero(problem.free & ~matched)
    if not room.any() or not len(left_out):
        return None
    room_cols = np.flatnonzero(room)
    k = min(k, len(room_cols))
    out_r, out_c, out_f = [], [], []
    for start in range(0, len(left_out), BLOCK_SIZE):
        rows = left_out[start : start + BLOCK_SIZE]
        scores = problem.scorer.feasible_scores(rows, room_cols)
        kth, r, c, v = _kth_largest(scores, k)
        ok = v >= np.maximum(kth, 0.0)[r]
        r, c = r[ok], c[ok]
        out_r.append(rows[r])
        out_c.append(room_cols[c])
        out_f.append(_to_int(scores[r, c]))
    rows, cols, fit = np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_f)
    return (rows, cols, fit) if len(rows) else None
