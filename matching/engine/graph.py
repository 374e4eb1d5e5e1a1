"""The candidate graph of a large cohort: every pair scored once, block by block (two
threads), keeping each mentee's best mentors and each mentor's least-regret mentees.
See :mod:`matching.engine.optimiser`, "Large cohorts"."""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from .problem import _SLICE, BLOCK_SIZE, _Problem, _to_int

# ------------------------------------------------------------------ block pipeline

_T = TypeVar("_T")
_R = TypeVar("_R")
_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _forget_pool() -> None:
    """In a forked child (a Celery prefork worker) the parent's thread does not exist."""
    global _pool, _pool_lock, _blas_lock, _blas_users
    _pool, _pool_lock = None, threading.Lock()
    _blas_lock, _blas_users = threading.Lock(), 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _worker() -> ThreadPoolExecutor:
    """The module's one worker thread, started on first use and kept for the process.

    Pricing passes use it to work on two blocks at once (numpy releases the GIL in its
    array operations, so both cores work), it writes the fits cache's fresh pages ahead
    of the scan, and the scan scores every other block in it (with one BLAS thread per
    product, see :func:`_one_blas_thread`). Its tasks never wait on tasks submitted
    after them (a scan block waits only for its cache pages, queued when the cache was
    made), so concurrent solves (threads of a web server or a Celery worker) simply
    share it; a forked child starts its own.
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


_blas_lock = threading.Lock()
_blas_users = 0
_blas_saved = 0
_blas_calls: tuple[Callable[[], int], Callable[[int], None]] | None | bool = False


def _blas_functions() -> tuple[Callable[[], int], Callable[[int], None]] | None:
    """numpy's OpenBLAS thread-count getter and setter, or None if not found.

    Found through the libraries the process has loaded (numpy's wheels bundle OpenBLAS
    under a prefixed name); any other BLAS is left alone.
    """
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for get, set_ in (
            ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
            ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
            ("openblas_get_num_threads", "openblas_set_num_threads"),
        ):
            if hasattr(lib, get) and hasattr(lib, set_):
                getter, setter = getattr(lib, get), getattr(lib, set_)
                getter.restype, setter.argtypes = ctypes.c_int, [ctypes.c_int]
                return getter, setter
    return None


@contextmanager
def _one_blas_thread() -> Iterator[bool]:
    """Keep numpy's matrix products to one thread each while inside; yields whether it
    could (an unknown BLAS is left as it is).

    A two-thread product splits each block between the cores and waits for the slower
    half, and its threads spin between products, so on a busy machine it loses time
    and burns CPU; one product per core, on two blocks at once, does neither. The
    result of each entry is the same either way (a test checks it). Nested and
    concurrent users share one saved setting, restored when the last one leaves.
    """
    global _blas_users, _blas_saved, _blas_calls
    with _blas_lock:
        if _blas_calls is False:
            _blas_calls = _blas_functions()
        calls = _blas_calls
        if calls is not None:
            if not _blas_users:
                _blas_saved = calls[0]()
                calls[1](1)
            _blas_users += 1
    try:
        yield calls is not None and (os.cpu_count() or 1) > 1
    finally:
        if calls is not None:
            with _blas_lock:
                _blas_users -= 1
                if not _blas_users:
                    calls[1](_blas_saved)


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
    cache: np.ndarray | None  # every pair's fit, when small enough to keep (see _FitCache)
    unit: int = 1  # the cache holds fit // unit: 1 is exact (int16), more is coarse (int8)

    def add(self, rows: np.ndarray, cols: np.ndarray, fit: np.ndarray, m: int) -> int:
        """Add arcs (duplicates ignored); return how many were new.

        The arcs stay sorted by mentee row, then mentor column (flows and pricing rely
        on it to skip a sort, and check it).
        """
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

    def block(start: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
        """Score one block and take what depends on it alone (the per-mentor side
        depends on the blocks before: the caller adds it in order)."""
        stop = min(start + BLOCK_SIZE, n)
        scores = problem.score_block(start, stop)
        exact = cache is not None and cache.unit == 1
        fit = cache.rows(start, stop) if exact else np.empty(scores.shape, np.int16)
        coarse = cache.rows(start, stop) if cache is not None and not exact else None
        best = np.full(m, -1.0, np.float32)
        arcs = []
        # Every pass over the block, slice by slice while the slice is in the CPU cache.
        for lo in range(0, stop - start, _SLICE):
            hi = min(lo + _SLICE, stop - start)
            part = scores[lo:hi]
            _to_int(part, np.int16, out=fit[lo:hi])
            if coarse is not None:
                coarse[lo:hi] = fit[lo:hi] // cache.unit  # forbidden stays negative
            row_best = part.max(axis=1, initial=-1.0)
            row_has[start + lo : start + hi] = row_best >= 0
            np.maximum(best, part.max(axis=0, initial=-1.0), out=best)
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
                arcs.append((r + start, c, fit[r, c]))
            if per_mentor.k:
                part -= row_best[:, None]  # regret: the key for the mentors' side
        return start, scores, fit, best, arcs

    hits = np.empty((min(BLOCK_SIZE, n), m), bool) if per_mentor.k else None
    starts = range(0, n, BLOCK_SIZE)
    with _one_blas_thread() as alone:
        # Two blocks at a time (one in the worker thread) when the matrix products can be
        # kept to one thread each; otherwise they use both cores and blocks go one by one.
        for start, regret, fit, best, arcs in (_in_pairs if alone else map)(block, starts):
            np.maximum(col_best, best, out=col_best)
            for r, c, f in arcs:
                row_parts.append(r)
                col_parts.append(c)
                fit_parts.append(f)
            if hits is not None:
                mask = hits[: len(regret)]
                np.greater(regret, per_mentor.bar, out=mask)
                per_mentor.add(regret, fit, start, mask)
    rows_m, cols_m, fits_m = per_mentor.result()
    graph = _Graph(
        rows=np.zeros(0, np.int64),
        cols=np.zeros(0, np.int64),
        fit=np.zeros(0, np.int64),
        coverage_bound=min(int(row_has.sum()), int(problem.residual[col_best >= 0].sum())),
        complete=k_e >= m,
        cache=cache.fits if cache is not None else None,
        unit=cache.unit if cache is not None else 1,
    )
    graph.add(
        np.concatenate([*row_parts, rows_m]).astype(np.int64),
        np.concatenate([*col_parts, cols_m]).astype(np.int64),
        np.concatenate([*fit_parts, fits_m]).astype(np.int64),
        m,
    )
    return graph


class _FitCache:
    """The fits of every pair, whose pages the worker thread writes in advance.

    With ``unit=1`` the exact int16 fits (1e-4 units, negative = no arc). With a larger
    unit, one byte a pair: ``fit // unit`` as int8 (COARSE_UNIT = 80 keeps 0..125, a
    forbidden pair stays negative), half the memory, so that cohorts too large for the
    exact cache are still not scored again by every pricing pass; pricing then screens
    with the upper bound ``(q + 1) x unit - 1`` and computes the few pairs that pass.
    The kernel zeroes fresh memory on its first write (about 0.3 s for 200 MB); done
    block by block in the worker thread while the cohort is encoded, it is off the
    critical path. :meth:`rows` waits until a block's pages are written.
    """

    def __init__(self, n: int, m: int, unit: int = 1) -> None:
        self.unit = unit
        self.fits = np.empty((n, m), np.int16 if unit == 1 else np.int8)
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
