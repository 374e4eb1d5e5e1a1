"""The candidate graph's helpers (matching/engine/graph.py) and the optimiser's repairs
(mentees left out beside a free place): fast paths that must give exactly what the plain
numpy computation gives. No database."""

import numpy as np
import pytest

from bench.matching import build_organisation
from matching.engine.flow import _Flow
from matching.engine.graph import _kth_largest, _scan, _where
from matching.engine.optimiser import _arcs_to_room
from matching.engine.problem import _prepare, _to_int
from matching.engine.scoring import Weights


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shape", [(40, 2000), (7, 300), (64, 1030)])
def test_kth_largest_is_the_partition_and_keeps_every_entry_that_reaches_it(seed, shape):
    rng = np.random.default_rng(seed)
    # Few distinct values (many ties), forbidden entries (-1) and plain random ones.
    x = rng.choice(np.linspace(0, 1, 23, dtype=np.float32), size=shape)
    x[rng.random(shape) < 0.3] = -1.0
    if seed % 2:
        x = rng.random(shape, dtype=np.float32)
    for k in (1, 8, 24):
        bar, r, c, v = _kth_largest(x, k)
        m = shape[1]
        np.testing.assert_array_equal(bar, np.partition(x, m - k, axis=1)[:, m - k])
        np.testing.assert_array_equal(v, x[r, c])
        kept = np.zeros(shape, bool)
        kept[r, c] = True
        assert kept[x >= bar[:, None]].all()


def reference_arcs_to_room(problem, flow, chosen, k):
    """The repair as first written: score the left-out mentees against every mentor,
    keep the columns of the mentors with room, partition each row."""
    room = np.bincount(flow.cols[chosen], minlength=problem.scorer.n_mentors) < problem.residual
    matched = np.zeros(problem.scorer.n_mentees, bool)
    matched[flow.rows[chosen]] = True
    left_out = np.flatnonzero(problem.free & ~matched)
    room_cols = np.flatnonzero(room)
    k = min(k, len(room_cols))
    scores = problem.scorer.feasible_scores(left_out)[:, room_cols]
    kth = np.partition(scores, len(room_cols) - k, axis=1)[:, len(room_cols) - k]
    r, c = _where(scores >= np.maximum(kth, 0.0)[:, None])
    return left_out[r], room_cols[c], _to_int(scores[r, c])


@pytest.mark.parametrize("readiness", [0.0, 3.0])
def test_repair_arcs_are_those_of_scoring_every_mentor(readiness):
    mentees, mentors, exclusions = build_organisation(1500, 1200, 2, 5)
    problem = _prepare(
        mentees,
        mentors,
        weights=Weights(),
        readiness_threshold=readiness,
        exclusions=exclusions,
        locked={},
        max_timezone_gap_hours=None,
    )
    graph = _scan(problem, 1, 1, None)  # a thin graph: many are left out beside room
    flow = _Flow(graph, problem.residual, int(problem.free.sum()), "coverage")
    chosen = flow.max_matching()
    got = _arcs_to_room(problem, flow, chosen, 8)
    expected = reference_arcs_to_room(problem, flow, chosen, 8)
    assert got is not None and len(got[0]) > 1000
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", range(3))
def test_unique_inverse_equals_numpy_sorted_or_not(seed):
    from matching.engine.flow import _unique_inverse

    rng = np.random.default_rng(seed)
    for size in (0, 1, 2, 50, 1000):
        values = rng.integers(0, 40, size)
        for v in (values, np.sort(values)):
            expected = np.unique(v, return_inverse=True)
            got = _unique_inverse(v)
            for a, b in zip(got, expected, strict=True):
                np.testing.assert_array_equal(a, b)


def test_one_blas_thread_gives_the_same_products_and_restores_the_setting():
    from matching.engine import graph

    mentees, mentors, exclusions = build_organisation(1500, 1100, 3, 2)
    problem = _prepare(
        mentees,
        mentors,
        weights=Weights(),
        readiness_threshold=0.0,
        exclusions=exclusions,
        locked={},
        max_timezone_gap_hours=None,
    )
    calls = graph._blas_functions()
    before = calls[0]() if calls else None
    shared = problem.score_block(0, 1024)
    with graph._one_blas_thread() as alone:
        if calls:
            assert alone == ((graph.os.cpu_count() or 1) > 1)
            assert calls[0]() == 1
        single = problem.score_block(0, 1024)
    np.testing.assert_array_equal(single, shared)
    if calls:
        assert calls[0]() == before


def test_the_scan_in_pairs_keeps_the_graph_of_the_scan_one_block_at_a_time(monkeypatch):
    from contextlib import contextmanager

    from matching.engine import graph

    mentees, mentors, exclusions = build_organisation(4100, 1100, 3, 3)
    problem = _prepare(
        mentees,
        mentors,
        weights=Weights(),
        readiness_threshold=3.0,
        exclusions=exclusions,
        locked={},
        max_timezone_gap_hours=None,
    )
    paired = graph._scan(problem, 8, 9, None)

    @contextmanager
    def one_by_one():
        yield False

    monkeypatch.setattr(graph, "_one_blas_thread", one_by_one)
    single = graph._scan(problem, 8, 9, None)
    for name in ("rows", "cols", "fit"):
        np.testing.assert_array_equal(getattr(paired, name), getattr(single, name))
    assert paired.coverage_bound == single.coverage_bound
