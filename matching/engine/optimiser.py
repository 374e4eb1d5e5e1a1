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
flows are solved). The number matched never goes down; when not everyone can be
matched, who is left out may change (the worst-off is measured among the matched, and
every unmatched person is listed with the reason). Fits are compared as integers in
units of 1e-4 (:data:`FIT_SCALE`).

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
mentee's utility plus the mentor's price. Every such pair is found in one pass over the
quantised fits (kept in memory as int16 when they fit, else scored again; from memory,
two threads share the pass, see :func:`_worker`); the best few per mentee, and pairs
that nearly improve, are added and the flow is solved again.
When a pass finds none, the number matched and the total fit are proven optimal for
the whole cohort, not just for the graph: ``MatchResult.optimal`` is True. On the
benchmark (20 000 x 5 000) this takes three passes. The worst-off protection then runs
on that graph: exact when the graph is complete, otherwise the best lowest fit the
priced graph allows (the pricing targets total fit, not the bottleneck).

:func:`greedy` is the baseline the benchmark compares against; :func:`exact_dense`
solves small instances exactly by an independent method (assignment problems on a
dense matrix) so tests can prove :func:`solve` optimal.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow
from scipy.optimize import linear_sum_assignment

from .scoring import (
    MenteeProfile,
    MentorProfile,
    PairScorer,
    Weights,
    constraint_violation,
)

Priority = Literal["coverage", "fit"]
PRIORITIES: tuple[str, ...] = ("coverage", "fit")
# Fits are in [0, 1]; flows need integers. 1e-4 is finer than any score an admin reads.
FIT_SCALE = 10_000
DEFAULT_FAIRNESS_BUDGET = 0.02
DEFAULT_CANDIDATES_PER_MENTEE = 8
DEFAULT_PRICING_ROUNDS = 8
# Up to this many (free mentee, mentor) pairs the graph keeps every feasible pair: a
# program of 400 mentees and 250 mentors solves exactly in well under a second.
COMPLETE_GRAPH_LIMIT = 100_000
# Quantised fits are kept in memory (2 bytes a pair) up to this many pairs, so pricing
# passes do not score the cohort again: 20 000 x 5 000 takes 200 MB.
FIT_CACHE_LIMIT = 150_000_000
# Pairs added per mentee and pricing pass: the most valuable ones first.
PRICED_PER_MENTEE = 12
# Max-flow passes that add arcs for people left out beside a free place.
MAX_REPAIRS = 3
# Pairs that fall short of improving by less than this (0.03 of fit, in 1e-4 units) are
# added too: prices move after each solve, and they are the likeliest to improve next.
NEAR_GAIN = 300
BLOCK_SIZE = 1024
# Rows per slice of a block in element-wise passes: small enough to stay in the CPU cache.
_SLICE = 64
_INF = np.int64(2**62)


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The outcome of a matching run, the same shape for every method.

    ``assignments`` maps mentee id to mentor id (locked pairs included), ``scores`` the
    matched mentee's fit, ``unmatched`` every other mentee's reason in words.
    ``match_rate`` is matched / mentees (1.0 for an empty cohort: nobody is left out);
    ``mean_fit`` and ``min_fit`` are over matched mentees (0.0 when nobody is).
    ``optimal`` says the number matched and the total fit are proven optimal for the
    whole cohort (see the module docs); ``stats`` holds timings and solver facts.
    """

    assignments: dict[int, int]
    scores: dict[int, float]
    unmatched: dict[int, str]
    match_rate: float
    mean_fit: float
    min_fit: float
    optimal: bool
    priority: str
    method: str
    stats: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------- preparation


@dataclass(slots=True)
class _Problem:
    """A cohort ready to match: the scorer, locked pairs, free rows, remaining capacity."""

    scorer: PairScorer
    locked_rows: dict[int, int]  # mentee row -> mentor column
    residual: np.ndarray  # capacity left per mentor after locked pairs
    free: np.ndarray  # bool per mentee row: not locked

    def fit_block(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Float scores and quantised fits of rows ``start:stop``; -1 / negative = no arc.

        Forbidden pairs, full mentors and locked mentees are all "no arc" here.
        """
        scores = self.score_block(start, stop)
        return scores, _to_int(scores, np.int16)

    def score_block(self, start: int, stop: int) -> np.ndarray:
        """The float scores of :meth:`fit_block` alone."""
        scores = self.scorer.feasible_scores(slice(start, stop))
        closed = np.flatnonzero(self.residual <= 0)
        if closed.size:
            scores[:, closed] = -1.0
        locked_here = np.flatnonzero(~self.free[start:stop])
        if locked_here.size:
            scores[locked_here] = -1.0
        return scores


def _prepare(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    *,
    weights: Weights,
    readiness_threshold: float,
    exclusions: Collection[tuple[int, int]],
    locked: Mapping[int, int],
    max_timezone_gap_hours: float | None,
) -> _Problem:
    """Encode the cohort and apply locked pairs, refusing locks that break a rule.

    A locked pair is an admin's decision (M4) and is kept as is, but it may not break a
    hard constraint or overfill a mentor: that would be a bug upstream, so it raises.
    """
    scorer = PairScorer(
        mentees,
        mentors,
        weights,
        readiness_threshold=readiness_threshold,
        exclusions=exclusions,
        max_timezone_gap_hours=max_timezone_gap_hours,
    )
    residual = np.array([r.capacity for r in scorer.mentors], np.int64)
    locked_rows: dict[int, int] = {}
    for mentee_id, mentor_id in locked.items():
        if mentee_id not in scorer.mentee_index or mentor_id not in scorer.mentor_index:
            raise ValueError(f"Locked pair {mentee_id} -> {mentor_id} names an unknown person")
        i, j = scorer.mentee_index[mentee_id], scorer.mentor_index[mentor_id]
        reason = constraint_violation(
            scorer.mentees[i],
            scorer.mentors[j],
            readiness_threshold=readiness_threshold,
            exclusions=exclusions,
            max_timezone_gap_hours=max_timezone_gap_hours,
        )
        if reason:
            raise ValueError(f"Locked pair {mentee_id} -> {mentor_id} breaks a rule: {reason}")
        residual[j] -= 1
        if residual[j] < 0:
            raise ValueError(f"Locked pairs exceed the capacity of mentor {mentor_id}")
        locked_rows[i] = j
    free = np.ones(scorer.n_mentees, bool)
    free[list(locked_rows)] = False
    return _Problem(scorer=scorer, locked_rows=locked_rows, residual=residual, free=free)


def _check_priority(priority: str) -> None:
    """Refuse an unknown priority loudly rather than fall back to one silently."""
    if priority not in PRIORITIES:
        raise ValueError(f"priority must be 'coverage' or 'fit', got {priority!r}")


def _to_int(fit: np.ndarray, dtype: type = np.int64, out: np.ndarray | None = None) -> np.ndarray:
    """Fits in units of 1e-4, rounded the same way everywhere (negative = no arc).

    With ``out``, the result is written there (same cast) instead of a new array.
    """
    if out is None:
        scaled = np.asarray(fit, np.float32) * np.float32(FIT_SCALE)
        return np.rint(scaled, out=scaled).astype(dtype)
    for lo in range(0, len(fit), 128):  # in slices, so the float temporary stays in cache
        scaled = np.asarray(fit[lo : lo + 128], np.float32) * np.float32(FIT_SCALE)
        np.copyto(out[lo : lo + 128], np.rint(scaled, out=scaled), casting="unsafe")
    return out


# ------------------------------------------------------------------ unmatched reasons

_RULE_ORDER = ("self", "manager", "excluded", "no_capacity", "readiness", "unreachable")


def _rule_phrase(rule: str, count: int, problem: _Problem) -> str:
    """How many mentors one rule rules out, as a phrase ("3 excluded by an admin")."""
    verb = "is" if count == 1 else "are"
    if rule == "self":
        return f"{count} {verb} the mentee themself"
    if rule == "manager":
        return f"{count} {verb} the mentee's manager"
    if rule == "excluded":
        return f"{count} excluded by an admin"
    if rule == "no_capacity":
        return f"{count} with no capacity"
    if rule == "readiness":
        return f"{count} below the readiness threshold ({problem.scorer.readiness_threshold:g})"
    gap = problem.scorer.max_timezone_gap_hours
    return f"{count} sharing no hour and over {gap:g} hours away"


def _all_ruled_out(rule: str, problem: _Problem) -> str:
    """The reason when a single rule rules out every mentor."""
    if rule == "self":
        return "The only mentor is the mentee themself"
    if rule == "manager":
        return "The only mentor is the mentee's own manager"
    if rule == "excluded":
        return "Excluded from every available mentor"
    if rule == "no_capacity":
        return "No mentor has any capacity"
    if rule == "readiness":
        threshold = problem.scorer.readiness_threshold
        return f"No mentor passes the readiness threshold ({threshold:g})"
    gap = problem.scorer.max_timezone_gap_hours
    return f"No mentor shares availability or a time zone within {gap:g} hours"


def _unmatched_reason(i: int, problem: _Problem, used: np.ndarray, method: str) -> str:
    """Explain, from the data, why mentee row ``i`` has no mentor.

    First the hard rules: if every mentor is ruled out, say by which rules and how many.
    Otherwise every compatible mentor is full, with locked pairs or with mentees placed
    by the run; say how many, and who took the places (in fit mode, better fits; in the
    greedy baseline, mentees earlier in the list).
    """
    scorer = problem.scorer
    if scorer.n_mentors == 0:
        return "There are no mentors in the program"
    violations = scorer.violations(i)
    ruled = np.zeros(scorer.n_mentors, bool)
    counts: dict[str, int] = {}
    for rule in _RULE_ORDER:
        newly = violations[rule] & ~ruled
        if newly.any():
            counts[rule] = int(newly.sum())
        ruled |= newly
    compatible = ~ruled
    if not compatible.any():
        if len(counts) == 1:
            return _all_ruled_out(next(iter(counts)), problem)
        parts = ", ".join(_rule_phrase(rule, n, problem) for rule, n in counts.items())
        return f"Every mentor is ruled out: {parts}"
    n_compatible = int(compatible.sum())
    who = "the only compatible mentor" if n_compatible == 1 else f"all {n_compatible}"
    if not (problem.residual[compatible] > 0).any():
        return f"Every compatible mentor is at capacity with locked pairs ({who})"
    if (compatible & (used < problem.residual)).any():
        # Not reached when pricing completes; kept so that a reason is never missing.
        return "Not placed although a compatible mentor has room: review manually"
    places = int(problem.residual[compatible].sum())
    taken = "1 place taken" if places == 1 else f"{places} places taken"
    text = f"Every compatible mentor is at capacity ({who}, {taken})"
    if method == "fit":
        scores, feasible = scorer.block(i, i + 1)
        best = float(scores[0][feasible[0] & (problem.residual > 0)].max())
        text += f": their places went to better-fitting mentees (best fit here {best:.2f})"
    elif method == "greedy":
        text += " by mentees earlier in the list"
    return text


def _result(
    problem: _Problem,
    pairs: Mapping[int, int],
    *,
    priority: str,
    method: str,
    optimal: bool,
    stats: dict[str, Any],
) -> MatchResult:
    """Assemble a :class:`MatchResult` from free-row pairs plus the locked ones.

    Fits are recomputed exactly for the chosen pairs, so they equal :func:`score_pair`
    rather than the 1e-4 integers the flow compared.
    """
    scorer = problem.scorer
    all_pairs = {**pairs, **problem.locked_rows}
    rows = np.fromiter(all_pairs, np.int64, len(all_pairs))
    cols = np.fromiter(all_pairs.values(), np.int64, len(all_pairs))
    fit_values = scorer.pair_scores(rows, cols) if len(rows) else np.zeros(0)
    used = np.bincount(
        np.fromiter(pairs.values(), np.int64, len(pairs)), minlength=scorer.n_mentors
    )
    assignments = {scorer.mentees[i].id: scorer.mentors[j].id for i, j in all_pairs.items()}
    fits = {
        scorer.mentees[i].id: min(max(f, 0.0), 1.0)
        for i, f in zip(rows.tolist(), fit_values.tolist(), strict=True)
    }
    why = "fit" if method == "flow" and priority == "fit" else method
    unmatched = {
        e.id: _unmatched_reason(i, problem, used, why)
        for i, e in enumerate(scorer.mentees)
        if i not in all_pairs
    }
    values = list(fits.values())
    n = scorer.n_mentees
    return MatchResult(
        assignments=assignments,
        scores=fits,
        unmatched=unmatched,
        match_rate=len(assignments) / n if n else 1.0,
        mean_fit=float(np.mean(values)) if values else 0.0,
        min_fit=float(min(values)) if values else 0.0,
        optimal=optimal,
        priority=priority,
        method=method,
        stats=stats,
    )


# ------------------------------------------------------------------ block pipeline

_T = TypeVar("_T")
_R = TypeVar("_R")
_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _forget_pool() -> None:
    """In a forked child (a Celery prefork worker) the parent's thread does not exist."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _worker() -> ThreadPoolExecutor:
    """The module's one worker thread, started on first use and kept for the process.

    Pricing passes use it to work on two blocks at once (numpy releases the GIL in its
    array operations, so both cores work), and it writes the fits cache's fresh pages
    ahead of the scan. The scan itself stays on one thread: its matrix products already
    use both cores, and OpenBLAS keeps its own thread spinning between them. Its tasks
    never wait on other tasks, so concurrent solves (threads of a web server or a
    Celery worker) simply share it; a forked child starts its own.
    """
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="matching-blocks")
        return _pool


def _in_pairs(func: Callable[[_T], _R], items: Iterable[_T]) -> Iterator[_R]:
    """``func(item)`` for each item, in order: every other one runs in the worker thread.

    The caller consumes the results in the same order as a plain loop would, so what
    it accumulates is identical; at most two items are in flight at a time.
    """
    items = list(items)
    pool = _worker() if len(items) > 1 else None
    for k in range(0, len(items), 2):
        later = pool.submit(func, items[k + 1]) if pool and k + 1 < len(items) else None
        yield func(items[k])
        if later is not None:
            yield later.result()


# ------------------------------------------------------------------- candidate graph


def _where(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of the True entries of a 2-D mask.

    ``np.nonzero`` on a 2-D array is an order of magnitude slower than on a flat one.
    """
    return np.divmod(np.flatnonzero(mask), mask.shape[1])


@dataclass(slots=True)
class _Graph:
    """Candidate arcs (mentee row, mentor column, integer fit) and what the scan learnt."""

    rows: np.ndarray
    cols: np.ndarray
    fit: np.ndarray
    coverage_bound: int
    complete: bool
    cache: np.ndarray | None  # int16 fits of every pair, when small enough to keep

    def add(self, rows: np.ndarray, cols: np.ndarray, fit: np.ndarray, m: int) -> int:
        """Add arcs (duplicates ignored); return how many were new."""
        before = len(self.rows)
        keys = np.concatenate([self.rows, rows]) * max(m, 1) + np.concatenate([self.cols, cols])
        _, first = np.unique(keys, return_index=True)
        self.rows = np.concatenate([self.rows, rows])[first]
        self.cols = np.concatenate([self.cols, cols])[first]
        self.fit = np.concatenate([self.fit, fit])[first]
        return len(self.rows) - before


def _scan(problem: _Problem, k_mentee: int, k_mentor: int, cache: _FitCache | None) -> _Graph:
    """Score the cohort block by block and keep the candidate arcs.

    For each mentee: its ``k_mentee`` best feasible mentors. For each mentor: the
    ``k_mentor`` mentees with the smallest regret (their best fit minus this one), i.e.
    for whom this mentor is nearly as good as anyone: they are the mentees an
    unpopular mentor can actually win. Also bounds how many could be matched at all
    (no more than the mentees with a feasible mentor, nor the places of mentors with a
    feasible mentee), and keeps the quantised fits for pricing in ``cache`` if given.
    """
    scorer = problem.scorer
    n, m = scorer.n_mentees, scorer.n_mentors
    k_e = min(k_mentee, m)
    per_mentor = _TopPerColumn(min(k_mentor, n), m)
    row_parts, col_parts, fit_parts = [], [], []
    row_has = np.zeros(n, bool)
    col_best = np.full(m, -1.0, np.float32)

    hits = np.empty((min(BLOCK_SIZE, n), m), bool) if per_mentor.k else None
    for start in range(0, n, BLOCK_SIZE):
        stop = min(start + BLOCK_SIZE, n)
        scores = problem.score_block(start, stop)
        fit = cache.rows(start, stop) if cache is not None else np.empty(scores.shape, np.int16)
        # Every pass over the block, slice by slice while the slice is in the CPU cache.
        for lo in range(0, stop - start, _SLICE):
            hi = min(lo + _SLICE, stop - start)
            part = scores[lo:hi]
            _to_int(part, np.int16, out=fit[lo:hi])
            row_best = part.max(axis=1, initial=-1.0)
            row_has[start + lo : start + hi] = row_best >= 0
            np.maximum(col_best, part.max(axis=0, initial=-1.0), out=col_best)
            if k_e:
                # Each row's k-th best value, then every entry at least that good; ties
                # may add an arc or two, which does no harm.
                if k_e < m:
                    bar, r, c, v = _kth_largest(part, k_e)
                    ok = v >= np.maximum(bar, 0.0)[r]
                    r, c = r[ok] + lo, c[ok]
                else:
                    r, c = _where(part >= 0.0)
                    r += lo
                row_parts.append(r + start)
                col_parts.append(c)
                fit_parts.append(fit[r, c])
            if hits is not None:
                part -= row_best[:, None]  # regret: the key for the mentors' side
                np.greater(part, per_mentor.bar, out=hits[lo:hi])
        if hits is not None:
            per_mentor.add(scores, fit, start, hits[: stop - start])
    rows_m, cols_m, fits_m = per_mentor.result()
    graph = _Graph(
        rows=np.zeros(0, np.int64),
        cols=np.zeros(0, np.int64),
        fit=np.zeros(0, np.int64),
        coverage_bound=min(int(row_has.sum()), int(problem.residual[col_best >= 0].sum())),
        complete=k_e >= m,
        cache=cache.fits if cache is not None else None,
    )
    graph.add(
        np.concatenate([*row_parts, rows_m]).astype(np.int64),
        np.concatenate([*col_parts, cols_m]).astype(np.int64),
        np.concatenate([*fit_parts, fits_m]).astype(np.int64),
        m,
    )
    return graph


class _FitCache:
    """The int16 fits of every pair, whose pages the worker thread writes in advance.

    The kernel zeroes fresh memory on its first write (about 0.3 s for 200 MB); done
    block by block in the worker thread while the cohort is encoded, it is off the
    critical path. :meth:`rows` waits until a block's pages are written.
    """

    def __init__(self, n: int, m: int) -> None:
        self.fits = np.empty((n, m), np.int16)
        pool = _worker()
        self.ready = [
            pool.submit(_touch, self.fits[start : start + BLOCK_SIZE])
            for start in range(0, n, BLOCK_SIZE)
        ]

    def rows(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start:stop`` (a block), once their pages are written."""
        self.ready[start // BLOCK_SIZE].result()
        return self.fits[start:stop]


def _touch(block: np.ndarray) -> None:
    """Write every page of a fresh array once (the values are overwritten later)."""
    flat = block.reshape(-1)
    flat[:: max(4096 // flat.itemsize, 1)] = 0


def _kth_largest(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row's k-th largest value, as ``np.partition(x, m - k, axis=1)[:, m - k]``.

    Also returns some entries (rows, columns, values, in row-major order) that include
    every entry at least that large, so the caller need not scan ``x`` again. Faster
    than partitioning every row: the maxima of 256 disjoint column chunks are distinct
    entries, so the k-th largest of them is a lower bound, and only the few entries
    that reach it are ranked. Falls back to the partition when too many reach it (many
    equal values) or the rows are short. ``x`` is a float matrix without NaN.
    """
    b, m = x.shape
    chunks = 256  # strided: chunk j holds columns j, j + 256, ...
    if b and 4 * k <= chunks <= m // 4:
        width = m // chunks
        maxima = x[:, : chunks * width].reshape(b, width, chunks).max(axis=1)
        low = np.partition(maxima, chunks - k, axis=1)[:, chunks - k]
        above = x >= low[:, None]
        if np.count_nonzero(above) <= 4 * k * b:
            r, c = _where(above)
            v = x[r, c]
            # Rank each row's few entries in a small padded matrix.
            first = np.searchsorted(r, np.arange(b))
            widest = int(np.diff(np.r_[first, len(r)]).max())
            padded = np.full((b, widest), -np.inf, x.dtype)
            padded[r, np.arange(len(r)) - first[r]] = v
            return np.partition(padded, widest - k, axis=1)[:, widest - k], r, c, v
    bar = np.partition(x, m - k, axis=1)[:, m - k]
    r, c = _where(x >= bar[:, None])
    return bar, r, c, x[r, c]


class _TopPerColumn:
    """For every column, the rows with the ``k`` highest keys, over blocks of rows.

    A column-wise argpartition of every block is slow (it walks the block across its
    memory layout), so only the first block is partitioned that way; after it, each
    column has a bar (its k-th best key so far) and a block only contributes the few
    entries that beat their column's bar. The pool is pruned back to k per column when
    it grows. If a block beats the bars too often (rows sorted by quality, say) it is
    partitioned too, so the cost stays bounded either way. Each kept entry carries its
    fit, and entries with a negative fit (no arc) are dropped at the end.
    """

    def __init__(self, k: int, m: int) -> None:
        """Keep ``k`` rows for each of ``m`` columns."""
        self.k, self.m = k, m
        self.bar = np.full(m, -np.inf, np.float32)
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.size = 0

    def add(self, keys: np.ndarray, fits: np.ndarray, start: int, hits: np.ndarray) -> None:
        """Offer a block of rows: ``keys`` ranks them, ``fits`` is what is kept.

        ``hits`` is ``keys > bar`` (the caller computes it along with the keys).
        """
        b = keys.shape[0]
        partitioned = b > self.k and np.count_nonzero(hits) > 2 * self.k * self.m
        if partitioned:
            # Each column's slice is copied and partitioned on its own either way: one
            # transposed copy first makes those copies cheap (same result).
            by_col = np.ascontiguousarray(keys.T)
            rows = np.argpartition(by_col, b - self.k, axis=1)[:, b - self.k :].T.ravel()
            cols = np.tile(np.arange(self.m), self.k)
            keep = keys[rows, cols] > self.bar[cols]
            rows, cols = rows[keep], cols[keep]
        else:
            rows, cols = _where(hits)
        self.parts.append((rows + start, cols, keys[rows, cols], fits[rows, cols]))
        self.size += len(rows)
        if partitioned or self.size > 3 * self.k * self.m:
            self._prune()  # also raises the bars, so the next blocks pass few entries

    def _prune(self) -> None:
        rows, cols, keys, fits = (np.concatenate(x) for x in zip(*self.parts, strict=True))
        # np.lexsort((-keys, cols)) as two stable sorts, faster: by key, then by column
        # (as int16 when it fits, which numpy sorts by radix).
        order = np.argsort(-keys, kind="stable")
        by_col = cols[order].astype(np.int16) if self.m <= 2**15 else cols[order]
        order = order[np.argsort(by_col, kind="stable")]
        rows, cols, keys, fits = rows[order], cols[order], keys[order], fits[order]
        rank = np.arange(len(cols)) - np.searchsorted(cols, cols)
        keep = rank < self.k
        rows, cols, keys, fits, rank = rows[keep], cols[keep], keys[keep], fits[keep], rank[keep]
        last = rank == self.k - 1
        self.bar[cols[last]] = keys[last]
        self.parts = [(rows, cols, keys, fits)]
        self.size = len(rows)

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rows, cols, fits) of the kept entries that are arcs."""
        if not self.parts:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        self._prune()
        rows, cols, _, fits = self.parts[0]
        ok = fits >= 0
        return rows[ok], cols[ok], fits[ok]


# ------------------------------------------------------------------------ the flows


class _Flow:
    """The bipartite flow network on the candidate arcs, solved under different rules.

    Node 0 is the source, 1 the sink, then one node per mentee row that has arcs and
    one per mentor column. Each solve builds a fresh OR-Tools solver from numpy arrays:
    that is fast, and it keeps every solve independent.

    ``value`` is what a match is worth under the primary objective, as an integer:
    coverage ``big + fit`` with ``big`` above any total fit, so one more match beats
    any gain in fit; fit mode ``fit x (n + 1) + 1``, so fit decides and one more match
    only breaks ties. Both modes let every mentee take an "unmatched" bypass worth 0.
    """

    def __init__(self, graph: _Graph, residual: np.ndarray, n_free: int, priority: str):
        """Index the graph's nodes and price its arcs for ``priority``."""
        self.rows, self.cols, self.fit = graph.rows, graph.cols, graph.fit
        self.mentee_rows, local = np.unique(self.rows, return_inverse=True)
        self.n = len(self.mentee_rows)
        self.m = len(residual)
        self.tails = (2 + local).astype(np.int32)
        self.heads = (2 + self.n + self.cols).astype(np.int32)
        mentee_nodes = 2 + np.arange(self.n, dtype=np.int32)
        mentor_nodes = 2 + self.n + np.arange(self.m, dtype=np.int32)
        self.frame = (
            np.concatenate([np.zeros(self.n, np.int32), mentor_nodes]),
            np.concatenate([mentee_nodes, np.ones(self.m, np.int32)]),
            np.concatenate([np.ones(self.n, np.int64), residual.astype(np.int64)]),
        )
        self.priority = priority
        if priority == "coverage":
            self.scale, self.offset = 1, FIT_SCALE * (n_free + 1)
        else:
            self.scale, self.offset = n_free + 1, 1
        self.value = self.fit * self.scale + self.offset
        self.max_flows = 0
        self.cost_flows = 0

    def max_matches(self, mask: np.ndarray) -> int:
        """How many mentees can be matched at most using only the arcs in ``mask``."""
        return len(self.max_matching(mask))

    def max_matching(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Indices of the arcs of some maximum matching on the ``mask`` arcs (fit ignored)."""
        idx = np.arange(len(self.fit)) if mask is None else np.flatnonzero(mask)
        solver = max_flow.SimpleMaxFlow()
        solver.add_arcs_with_capacity(*self.frame)
        arcs = solver.add_arcs_with_capacity(
            self.tails[idx], self.heads[idx], np.ones(len(idx), np.int64)
        )
        status = solver.solve(0, 1)
        self.max_flows += 1
        if status != solver.OPTIMAL:
            raise RuntimeError(f"Max flow failed with status {status}")
        if not len(idx):
            return idx
        return idx[np.asarray(solver.flows(np.asarray(arcs, np.int32))) > 0]

    def best(
        self, mask: np.ndarray | None = None, *, exact: int | None = None
    ) -> np.ndarray | None:
        """Indices of the arcs chosen by the best solution on the ``mask`` arcs.

        Without ``exact``: the primary objective (most total ``value``, bypass allowed).
        With ``exact=k``: exactly k matches with the most total fit, or None when k
        matches are impossible on these arcs (the fairness phase).
        """
        idx = np.arange(len(self.fit)) if mask is None else np.flatnonzero(mask)
        solver = min_cost_flow.SimpleMinCostFlow()
        f_tails, f_heads, f_caps = self.frame
        solver.add_arcs_with_capacity_and_unit_cost(
            f_tails, f_heads, f_caps, np.zeros(len(f_tails), np.int64)
        )
        bypass = exact is None and self.priority == "fit"
        if bypass:
            top = int(self.value.max(initial=0))
            costs = top - self.value[idx]
            solver.add_arcs_with_capacity_and_unit_cost(
                2 + np.arange(self.n, dtype=np.int32),
                np.ones(self.n, np.int32),
                np.ones(self.n, np.int64),
                np.full(self.n, top, np.int64),
            )
        else:
            # Coverage (and the fairness phase) keep costs small: FIT_SCALE - fit. The
            # coverage primary is a maximum flow of least cost, which is the same as the
            # value big + fit per match; exact=k fixes the flow at k.
            costs = FIT_SCALE - self.fit[idx]
        arcs = solver.add_arcs_with_capacity_and_unit_cost(
            self.tails[idx], self.heads[idx], np.ones(len(idx), np.int64), costs
        )
        supply = self.n if exact is None else exact
        solver.set_node_supply(0, supply)
        solver.set_node_supply(1, -supply)
        if exact is None and not bypass:
            status = solver.solve_max_flow_with_min_cost()
        else:
            status = solver.solve()
        self.cost_flows += 1
        if exact is not None and status == solver.INFEASIBLE:
            return None
        if status != solver.OPTIMAL:
            raise RuntimeError(f"Min cost flow failed with status {status}")
        if not len(idx):
            return idx
        return idx[np.asarray(solver.flows(np.asarray(arcs, np.int32))) > 0]


# -------------------------------------------------------------------------- pricing


def _shortest(dist: np.ndarray, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> bool:
    """Bellman-Ford in place: lower ``dist[dst]`` to ``dist[src] + weight`` until stable.

    Vectorised over the edges (grouped by head for ``reduceat``). Each round updates
    the heads in 8 groups, each group seeing what the earlier ones lowered, so a change
    travels further per round (half the rounds of one group). The result is the same:
    the shortest distances do not depend on the order of the updates. Returns False if
    it has not settled after one round per node (a negative cycle).
    """
    if not len(dst):
        return True
    order = np.argsort(dst, kind="stable")
    src, dst, weight = src[order], dst[order], weight[order]
    starts = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]])
    cuts = np.linspace(0, len(starts), 9).astype(np.int64)
    groups = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        if a < b:
            lo, hi = starts[a], starts[b] if b < len(starts) else len(dst)
            groups.append((src[lo:hi], weight[lo:hi], starts[a:b] - lo, dst[starts[a:b]]))
    for _ in range(len(dist) + 1):
        settled = True
        for tails, cost, first, heads in groups:
            lowest = np.minimum.reduceat(dist[tails] + cost, first)
            better = lowest < dist[heads]
            if better.any():
                settled = False
                dist[heads[better]] = lowest[better]
        if settled:
            return True
    return False


def _duals(
    flow: _Flow, chosen: np.ndarray, residual: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """LP duals of an optimal flow: a utility per mentee row and a price per mentor.

    Feasible duals satisfy ``utility[i] + price[j] >= value(i, j)`` on every candidate
    arc, with equality on chosen ones, ``price = 0`` where a mentor has room and
    ``utility = 0`` for unmatched mentees. Substituting the chosen pairs leaves
    constraints between mentors only: if mentee i sits with mentor j and could go to k,
    ``price[j] <= price[k] + value(i, j) - value(i, k)``; and ``price[j] <= value(i, j)``
    (utility >= 0). The highest prices meeting them are shortest-path distances over
    the mentors (Bellman-Ford, ~150 rounds at benchmark scale). Returns None if it does
    not settle or the result is not dual feasible (prices >= 0, and an unmatched
    mentee's every arc priced out), which would mean the flow was not optimal; the
    caller then stops pricing rather than certify anything.
    """
    m = flow.m
    value = flow.value
    assign = np.full(n, -1, np.int64)
    assign[flow.rows[chosen]] = flow.cols[chosen]
    own = np.zeros(n, np.int64)
    own[flow.rows[chosen]] = value[chosen]
    used = np.bincount(flow.cols[chosen], minlength=m)
    sits = assign[flow.rows]
    moves = (sits >= 0) & (sits != flow.cols)
    price = np.full(m, _INF, np.int64)
    price[(used < residual) & (residual > 0)] = 0
    np.minimum.at(price, flow.cols[chosen], value[chosen])
    weight = own[flow.rows[moves]] - value[moves]  # value(i, j) - value(i, k)
    if not _shortest(price, flow.cols[moves], sits[moves], weight):
        return None
    utility = np.where(assign >= 0, own - price[np.maximum(assign, 0)], 0)
    slack = utility[flow.rows] + price[flow.cols] - value
    if (price < 0).any() or (utility < 0).any() or (slack < 0).any():
        return None
    return utility, price


def _price(
    problem: _Problem, graph: _Graph, flow: _Flow, duals: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Pairs whose value beats utility + price, the best few per mentee.

    Returns the arcs to add and how many improving pairs were found (at least one if
    some pair was not checked exactly); zero proves the current flow optimal for the
    whole cohort. A pair improves when
    ``fit x scale + offset > utility + price``. Each block is first screened in
    float32 against ``(utility + price - offset) / scale`` less a margin that covers
    float32 rounding (prices are centred first so the numbers stay small); the few
    pairs that pass are then checked exactly in integers. Graph arcs never pass the
    exact check (the duals are feasible on them). Blocks are independent, so with the
    fits cached two threads share them; the results are taken in block order.
    """
    utility, price = duals
    n, m = problem.scorer.n_mentees, problem.scorer.n_mentors
    near = NEAR_GAIN * flow.scale
    in_graph = np.sort(graph.rows * max(m, 1) + graph.cols)
    open_ = price < _INF  # full mentors keep an infinite price: nothing is added to them
    centre = int(np.median(price[open_])) if open_.any() else 0
    row_part = (utility - flow.offset + centre) / flow.scale
    col_part = (price - centre) / flow.scale
    spread = np.abs(row_part).max(initial=0) + np.abs(col_part[open_]).max(initial=0)
    margin = 2.0 + 2.0**-20 * spread  # float32 keeps 24 bits: this covers its rounding
    row_part = (row_part - margin - NEAR_GAIN).astype(np.float32)
    col_part = np.where(open_, col_part, np.inf).astype(np.float32)

    limit_per_row = PRICED_PER_MENTEE * 4
    # Two scratch sets: the two threads work on an even and an odd block at a time.
    height = min(BLOCK_SIZE, n)
    scratch = [(np.empty((height, m), np.float32), np.empty((_SLICE, m), bool)) for _ in range(2)]

    any_unchecked: list[bool] = []  # shared by the two threads

    def block(index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool]:
        start = index * BLOCK_SIZE
        stop = min(start + BLOCK_SIZE, n)
        if graph.cache is not None:
            fit = graph.cache[start:stop]
        else:
            fit = problem.fit_block(start, stop)[1]
        buffer, hits = scratch[index % 2]
        slack = buffer[: stop - start]
        # Slack and hits slice by slice, while the slice is still in the CPU cache.
        limit = limit_per_row * (stop - start)
        count, found_at = 0, []
        for lo in range(0, stop - start, _SLICE):
            hi = min(lo + _SLICE, stop - start)
            part, mask = slack[lo:hi], hits[: hi - lo]
            np.subtract(fit[lo:hi], row_part[start + lo : start + hi, None], out=part)
            part -= col_part[None, :]
            np.greater(part, 0, out=mask)
            count += np.count_nonzero(mask)
            if count and count <= limit:
                found_at.append(np.flatnonzero(mask) + lo * m)
        if not count:
            return empty, empty, empty, 0, False
        unchecked = False
        if count > limit:
            # Early rounds can flag millions of pairs: keep each row's best few by the
            # float32 slack for the exact check. If a pair left unchecked might improve,
            # this round cannot prove anything.
            kth, r, c, v = _kth_largest(slack, min(PRICED_PER_MENTEE * 2, m))
            chosen = (v > 0) & (v >= kth[r])
            r, c = r[chosen], c[chosen]
            # Every pair above NEAR_GAIN is a hit: unchecked unless all of them are chosen.
            # (Once a block has found one, the round proves nothing: others need not look.)
            if not any_unchecked:
                above = np.count_nonzero(slack > NEAR_GAIN)
                unchecked = above > np.count_nonzero(v[chosen] > NEAR_GAIN)
                if unchecked:
                    any_unchecked.append(True)
        else:
            r, c = np.divmod(np.concatenate(found_at), m)
        f = fit[r, c].astype(np.int64)
        gain = f * flow.scale + flow.offset - utility[r + start] - price[c]
        keys = (r + start) * max(m, 1) + c
        at = np.minimum(np.searchsorted(in_graph, keys), max(len(in_graph) - 1, 0))
        new = in_graph[at] != keys if len(in_graph) else np.ones(len(keys), bool)
        ok = (gain > -near) & (f >= 0) & new
        r, c, f, gain = r[ok], c[ok], f[ok], gain[ok]
        order = np.lexsort((-gain, r))
        r, c, f = r[order], c[order], f[order]
        keep = np.arange(len(r)) - np.searchsorted(r, r) < PRICED_PER_MENTEE
        return r[keep] + start, c[keep], f[keep], int(np.count_nonzero(gain > 0)), unchecked

    empty = np.zeros(0, np.int64)
    # Blocks are independent: with the fits cached, the two threads share them (scoring
    # again would call the matrix products, which stay on this thread).
    indices = range((n + BLOCK_SIZE - 1) // BLOCK_SIZE)
    results = _in_pairs(block, indices) if graph.cache is not None else map(block, indices)
    out_r, out_c, out_f = [], [], []
    found, unchecked = 0, False
    for r, c, f, improving, missed in results:
        found += improving
        unchecked = unchecked or missed
        if len(r):
            out_r.append(r)
            out_c.append(c)
            out_f.append(f)
    found += unchecked  # an unchecked pair that might improve counts as one
    if not out_r:
        return empty, empty, empty, found
    return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_f), found


# ------------------------------------------------------------------------- fairness


def _protect_worst_off(
    flow: _Flow, chosen: np.ndarray, budget: float, stats: dict[str, Any]
) -> np.ndarray:
    """Raise the lowest fit as far as the number matched and the fit budget allow.

    ``chosen`` solves the primary objective, with ``count`` matches and total fit
    ``best``. A threshold ``t`` is feasible when some solution using only arcs with fit
    >= t has exactly ``count`` matches and total >= best - budget x best. Raising ``t``
    only removes arcs, so feasibility is monotone and the largest feasible threshold is
    found by binary search over the distinct fits: first with max flows (the number
    matched only, cheap) for an upper bound, then with min-cost flows below it, trying
    the bound itself first because a generous budget usually allows it. A counting
    bound (:func:`_count_bound`) starts the search and is usually the answer: it is
    tried with a min-cost flow straight away, and if that succeeds no max flow is
    needed. The answer is the most-fit solution at that threshold; its lowest fit
    is the threshold itself, else a higher one would have been feasible.
    """
    count = len(chosen)
    if count == 0:
        return chosen
    best_total = int(flow.fit[chosen].sum())
    floor = best_total - math.floor(budget * best_total + 1e-9)
    values = np.unique(flow.fit[flow.fit >= flow.fit[chosen].min()])  # values[0] is feasible

    bound = max(int(np.searchsorted(values, _count_bound(flow, count), side="right")) - 1, 0)

    def attempt(k: int) -> np.ndarray | None:
        candidate = flow.best(flow.fit >= values[k], exact=count)
        if candidate is None or int(flow.fit[candidate].sum()) < floor:
            return None
        return candidate

    # The counting bound is usually reachable, and within the budget: try it first. If
    # it is, it is also the max-flow bound (no higher threshold keeps the count).
    best = attempt(bound) if bound > 0 else None
    if best is not None:
        top = lo = bound
    else:
        lo, hi = 0, bound
        if hi > 0 and flow.max_matches(flow.fit >= values[hi]) >= count:
            lo = hi
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if flow.max_matches(flow.fit >= values[mid]) >= count:
                lo = mid
            else:
                hi = mid - 1
        top = lo

        best, lo = chosen, 0
        if top > 0:
            candidate = attempt(top) if top < bound else None  # else: it just failed
            if candidate is not None:
                best, lo = candidate, top
            else:
                hi = top - 1
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    candidate = attempt(mid)
                    if candidate is None:
                        hi = mid - 1
                    else:
                        best, lo = candidate, mid
    stats["threshold_bound"] = float(values[top]) / FIT_SCALE
    stats["threshold"] = float(values[lo]) / FIT_SCALE
    stats["fit_given_up"] = (best_total - int(flow.fit[best].sum())) / FIT_SCALE
    return best


def _count_bound(flow: _Flow, count: int) -> int:
    """The highest threshold that counting alone does not rule out for ``count`` matches.

    With only arcs of fit >= t, at most as many mentees are matched as have such an
    arc, and at most ``sum_j min(places_j, arcs of mentor j)``: so t is at most the
    ``count``-th best of the mentees' best fits, and at most the ``count``-th best of
    the fits in each mentor's top ``places_j`` arcs. An upper bound only (the max flows
    decide), but usually the exact answer, which saves the binary search its probes.
    """
    if not len(flow.fit):
        return -1
    # Pack (node, fit) into one integer so that a plain sort groups and ranks them.
    low = int(flow.fit.min())
    span = int(flow.fit.max()) - low + 1
    fit = flow.fit - low
    by_row = np.sort((flow.tails - 2).astype(np.int64) * span + fit)
    row = by_row // span
    best_each = (by_row % span)[np.r_[row[1:] != row[:-1], True]] + low
    by_col = np.sort(flow.cols * span + (span - 1 - fit))
    cols = by_col // span
    rank = np.arange(len(cols)) - np.searchsorted(cols, cols)
    top = (span - 1 + low - by_col % span)[rank < flow.frame[2][flow.n :][cols]]
    if len(best_each) < count or len(top) < count:
        return -1
    by_mentee = np.partition(best_each, len(best_each) - count)[len(best_each) - count]
    by_mentor = np.partition(top, len(top) - count)[len(top) - count]
    return int(min(by_mentee, by_mentor))


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
    cache = _FitCache(n, m) if likely and complete_graph_limit < n * m <= FIT_CACHE_LIMIT else None
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
    keep_cache = not k_mentee >= m and pricing_rounds > 0 and n * m <= FIT_CACHE_LIMIT
    if not keep_cache:
        cache = None
    elif cache is None:
        cache = _FitCache(n, m)
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
        scores = problem.scorer.feasible_scores(rows)[:, room_cols]
        kth = np.partition(scores, len(room_cols) - k, axis=1)[:, len(room_cols) - k]
        r, c = _where(scores >= np.maximum(kth, 0.0)[:, None])
        out_r.append(rows[r])
        out_c.append(room_cols[c])
        out_f.append(_to_int(scores[r, c]))
    rows, cols, fit = np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_f)
    return (rows, cols, fit) if len(rows) else None


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
        count = len(chosen)
        total = sum(int(f[i, s]) for i, s in chosen)
        floor = total - math.floor(fairness_budget * total + 1e-9)
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
