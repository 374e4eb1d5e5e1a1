"""The min-cost and max flows over the candidate graph (OR-Tools), with integer costs:
source -> mentee -> mentor -> sink. See :mod:`matching.engine.optimiser`."""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from .graph import _Graph
from .problem import FIT_SCALE

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
        self.mentee_rows, local = _unique_inverse(self.rows)
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


def _unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)``, without the sort when ``values`` is
    already sorted (a graph's arcs are kept sorted by mentee, then mentor)."""
    if len(values) and not (values[1:] >= values[:-1]).all():
        return np.unique(values, return_inverse=True)
    starts = np.r_[True, values[1:] != values[:-1]] if len(values) else np.zeros(0, bool)
    return values[starts], np.cumsum(starts) - 1
