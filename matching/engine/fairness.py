"""The worst-off protection: the highest lowest fit that keeps the number matched and
loses at most the fairness budget of total fit, by a threshold search bounded by max
flows first. See :mod:`matching.engine.optimiser`, "The objective"."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .flow import _Flow
from .problem import FIT_SCALE

# ------------------------------------------------------------------------- fairness


def _protect_worst_off(
    flow: _Flow, chosen: np.ndarray, budget: float, stats: dict[str, Any]
) -> np.ndarray:
    """Raise the lowest fit as far as the number matched and the fit budget allow.

    ``chosen`` solves the primary objective, with total fit ``best``. First ``count``,
    the most mentees any solution of total >= best - budget x best matches (see
    :func:`_most_matched`: in the coverage priority, or without a budget, it is the
    primary's own count). So the protection never leaves out a mentee who could still be
    placed beside a free place: that would be a solution within the budget with one more
    match. A threshold ``t`` is feasible when some solution using only arcs with fit
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
    if len(chosen) == 0:
        return chosen
    best_total = int(flow.fit[chosen].sum())
    floor = best_total - math.floor(budget * best_total + 1e-9)
    chosen = _most_matched(flow, chosen, floor)
    count = len(chosen)
    stats["fairness_matched"] = count
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


def _most_matched(flow: _Flow, chosen: np.ndarray, floor: int) -> np.ndarray:
    """The most-fit solution with the most matches among those of total fit >= ``floor``.

    ``chosen`` is the primary solution (total >= floor). In the coverage priority it
    already matches the most anyone can; in the fit priority it matches the most among
    the best totals, and a solution within the budget may match more. The best total
    with exactly k matches is concave in k and, past the primary's count, decreasing, so
    the k that stay above ``floor`` are an interval: one max flow bounds it, and a binary
    search of min-cost flows finds its end (none when the bound itself fits, as it does
    whenever placing the rest costs nothing).
    """
    count = len(chosen)
    if flow.priority == "coverage" or floor >= int(flow.fit[chosen].sum()):
        return chosen
    most = flow.max_matches(np.ones(len(flow.fit), bool))
    if most <= count:
        return chosen

    def attempt(k: int) -> np.ndarray | None:
        candidate = flow.best(exact=k)
        if candidate is None or int(flow.fit[candidate].sum()) < floor:
            return None
        return candidate

    best = attempt(most)
    if best is not None:
        return best
    lo, hi, best = count, most - 1, chosen
    while lo < hi:
        mid = (lo + hi + 1) // 2
        candidate = attempt(mid)
        if candidate is None:
            hi = mid - 1
        else:
            best, lo = candidate, mid
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
