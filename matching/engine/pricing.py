"""Pricing (column generation): from the optimal flow's duals, find the pairs outside the
candidate graph that could still improve the answer, and add the best of them. When a
pass finds none, the answer is proven optimal for the whole cohort. See
:mod:`matching.engine.optimiser`, "Large cohorts"."""

from __future__ import annotations

import numpy as np

from .flow import _Flow
from .graph import _Graph, _in_pairs, _kth_largest
from .problem import _SLICE, BLOCK_SIZE, FIT_SCALE, _Problem, _to_int

# Pairs added per mentee and pricing pass: the most valuable ones first.
PRICED_PER_MENTEE = 12
# Pairs that fall short of improving by less than this (0.03 of fit, in 1e-4 units) are
# added too: prices move after each solve, and they are the likeliest to improve next.
NEAR_GAIN = 300
_INF = np.int64(2**62)


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
    in_graph = graph.rows * max(m, 1) + graph.cols  # kept sorted by _Graph.add
    if len(in_graph) and not (in_graph[1:] >= in_graph[:-1]).all():
        in_graph = np.sort(in_graph)
    # Full mentors keep an infinite price, and mentors no pair may reach (closed by a rule
    # or with no place left) are skipped the same way: nothing is added to them.
    open_ = (price < _INF) & problem.scorer.mentor_ok & (problem.residual > 0)
    centre = int(np.median(price[open_])) if open_.any() else 0
    row_part = (utility - flow.offset + centre) / flow.scale
    col_part = (price - centre) / flow.scale
    spread = np.abs(row_part).max(initial=0) + np.abs(col_part[open_]).max(initial=0)
    margin = 2.0 + 2.0**-20 * spread  # float32 keeps 24 bits: this covers its rounding
    row_part = row_part - margin - NEAR_GAIN
    # A coarse cache holds q = fit // unit: screen with the upper bound q x unit + unit - 1,
    # everything divided by the unit (the slack keeps its sign); below, slack and the
    # near-gain bar are in those units.
    unit = graph.unit if graph.cache is not None else 1
    near_bar = NEAR_GAIN / unit
    row_part = ((row_part - (unit - 1)) / unit).astype(np.float32)
    col_part = np.where(open_, col_part / unit, np.inf).astype(np.float32)

    # In the fit priority a forbidden pair's value is far below zero and never passes the
    # screen; in the coverage priority the bonus per match (the offset) could lift it.
    forbidden_passes = flow.offset > flow.scale * FIT_SCALE
    limit_per_row = PRICED_PER_MENTEE * 4
    # Two scratch sets: the two threads work on an even and an odd block at a time.
    height = min(BLOCK_SIZE, n)
    scratch = [
        (
            np.empty((height, m), np.float32),
            np.empty((_SLICE, m), bool),
            np.empty((_SLICE, m), bool),
        )
        for _ in range(2)
    ]

    any_unchecked: list[bool] = []  # shared by the two threads

    def block(index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool]:
        start = index * BLOCK_SIZE
        stop = min(start + BLOCK_SIZE, n)
        if graph.cache is not None:
            fit = graph.cache[start:stop]
        else:
            fit = problem.fit_block(start, stop)[1]
        buffer, hits, allowed = scratch[index % 2]
        slack = buffer[: stop - start]
        # Hits slice by slice, while the slice is still in the CPU cache. The slack is
        # fit - row part - column part, and (fit - row part) - column part > 0 exactly
        # when fit - row part > column part (a float32 difference is zero only between
        # equal numbers), so the hot loop keeps fit - row part and compares; the
        # slack itself is finished below only for a block with too many hits.
        limit = limit_per_row * (stop - start)
        count, found_at = 0, []
        for lo in range(0, stop - start, _SLICE):
            hi = min(lo + _SLICE, stop - start)
            part, mask = slack[lo:hi], hits[: hi - lo]
            np.subtract(fit[lo:hi], row_part[start + lo : start + hi, None], out=part)
            np.greater(part, col_part[None, :], out=mask)
            if forbidden_passes:
                # A forbidden pair's fit is negative, but in the coverage priority the
                # bonus of a match outweighs it: such pairs are never candidates.
                np.greater_equal(fit[lo:hi], 0, out=allowed[: hi - lo])
                mask &= allowed[: hi - lo]
            count += np.count_nonzero(mask)
            if count and count <= limit:
                found_at.append(np.flatnonzero(mask) + lo * m)
        if not count:
            return empty, empty, empty, 0, False
        unchecked = False
        if count > limit:
            slack -= col_part[None, :]
            if forbidden_passes:
                np.putmask(slack, fit < 0, -np.inf)
            # Early rounds can flag millions of pairs: keep each row's best few by the
            # float32 slack for the exact check. If a pair left unchecked might improve,
            # this round cannot prove anything.
            kth, r, c, v = _kth_largest(slack, min(PRICED_PER_MENTEE * 2, m))
            chosen = (v > 0) & (v >= kth[r])
            r, c = r[chosen], c[chosen]
            # Every pair above NEAR_GAIN is a hit: unchecked unless all of them are chosen.
            # (Once a block has found one, the round proves nothing: others need not look.)
            if not any_unchecked:
                above = np.count_nonzero(slack > near_bar)
                unchecked = above > np.count_nonzero(v[chosen] > near_bar)
                if unchecked:
                    any_unchecked.append(True)
        else:
            r, c = np.divmod(np.concatenate(found_at), m)
        if unit == 1:
            f = fit[r, c].astype(np.int64)
        else:
            # Only the pairs that passed the screen are scored, exactly as reported
            # (they are allowed: a forbidden pair's q is negative and never passes).
            f = _to_int(problem.scorer.pair_scores(r + start, c))
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
