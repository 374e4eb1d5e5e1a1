"""Scoring a whole cohort at once (M1, M2): every mentee-mentor pair's score and
feasibility as numpy blocks, for the optimiser and the benchmark.

Pure like :mod:`matching.engine.scoring`, whose :func:`~matching.engine.scoring.score_pair`
and :func:`~matching.engine.scoring.constraint_violation` it must agree with (a test checks
it to 1e-5): the scores here are the same components folded into matrix products, a block
of mentees at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np

from .scoring import (
    AVAILABILITY_TARGET_HOURS,
    FORMATS,
    HOURS_PER_WEEK,
    MAX_LEVEL,
    MINUTES_PER_DAY,
    PRIORITY_WEIGHTS,
    MenteeProfile,
    MentorProfile,
    Weights,
    timezone_value,
)


def _vocabulary(values: Iterable[str]) -> dict[str, int]:
    """Column index per distinct non-empty label, in a stable (sorted) order."""
    return {v: i for i, v in enumerate(sorted({v for v in values if v}))}


class PairScorer:
    """Scores and hard constraints of every mentee-mentor pair of one cohort, in blocks.

    Built once per run, then asked for blocks of mentee rows, so a 20 000 x 5 000
    cohort never holds its 100 million scores in memory at once (the optimiser keeps
    only the best candidates of each block). ``block(start, stop)`` returns the float32
    scores, equal to :func:`score_pair`'s totals to about 1e-6, and the feasibility mask,
    equal to ``constraint_violation(...) is None``.

    How the components become matrix products: competency fit is ``G @ L.T`` with
    ``G[i, c]`` the mentee's normalised priority weight and ``L[j, c]`` the mentor's
    level / 5. Time zone, format, learning style and department depend on one category
    of each side, so each is a one-hot (or multi-hot) feature on both sides whose dot
    product is the component's value (the mentee side carries a row of the time-zone
    table, the department side carries ``0.5 + 0.5 k_e k_m - same``). These and a
    constant for "not paired before" are concatenated, weighted on the mentee side, and
    multiplied once. Availability is a 0/1 product over the 168 weekly hours, clipped at
    the target. Past pairings, manager and self pairs and exclusions are sparse and
    patched in afterwards.
    """

    def __init__(
        self,
        mentees: Sequence[MenteeProfile],
        mentors: Sequence[MentorProfile],
        weights: Weights,
        *,
        readiness_threshold: float = 0.0,
        exclusions: Collection[tuple[int, int]] = frozenset(),
        max_timezone_gap_hours: float | None = None,
    ) -> None:
        w = weights.normalised()
        self.mentees = list(mentees)
        self.mentors = list(mentors)
        self.weights = w
        self.readiness_threshold = readiness_threshold
        self.max_timezone_gap_hours = max_timezone_gap_hours
        n, m = len(self.mentees), len(self.mentors)
        self.mentee_index = {e.id: i for i, e in enumerate(self.mentees)}
        self.mentor_index = {r.id: j for j, r in enumerate(self.mentors)}
        if len(self.mentee_index) != n or len(self.mentor_index) != m:
            raise ValueError("Mentee ids and mentor ids must each be unique")

        left, right = [], []

        # Competency fit.
        comp = _vocabulary_ints(
            [c for e in self.mentees for c in e.goals] + [c for r in self.mentors for c in r.offers]
        )
        # Filled from flat index arrays (one entry per goal or offer), not cell by cell.
        g = np.zeros((n, len(comp)), np.float64)
        rows = _rows_of([len(e.goals) for e in self.mentees])
        cols = np.array([comp[c] for e in self.mentees for c in e.goals], np.int64)
        share = np.array(
            [PRIORITY_WEIGHTS[p] for e in self.mentees for p in e.goals.values()], np.float64
        )
        total = np.bincount(rows, share, minlength=n)  # each row's sum, added in order
        g[rows, cols] = share / total[rows]
        lv = np.zeros((m, len(comp)), np.float64)
        rows = _rows_of([len(r.offers) for r in self.mentors])
        cols = np.array([comp[c] for r in self.mentors for c in r.offers], np.int64)
        levels = np.array([v for r in self.mentors for v in r.offers.values()], np.int64)
        lv[rows, cols] = levels / MAX_LEVEL
        left.append(w.competency * g)
        right.append(lv)

        # Time zone: the mentee side carries its row of the (mentee, mentor offset) table.
        e_off = np.array([e.utc_offset_minutes for e in self.mentees], np.int64)
        m_off = np.array([r.utc_offset_minutes for r in self.mentors], np.int64)
        offsets, m_off_idx = np.unique(m_off, return_inverse=True)
        d = np.abs(e_off[:, None] - offsets[None, :]) % MINUTES_PER_DAY
        gap = np.minimum(d, MINUTES_PER_DAY - d)
        left.append(w.timezone * timezone_value(gap))
        right.append(np.eye(len(offsets))[m_off_idx])

        # Preferred format: mentee one-hot plus a "no preference" column every mentor has.
        fmt = {f: k for k, f in enumerate(FORMATS)}
        f_e = np.zeros((n, len(FORMATS) + 1))
        none = len(FORMATS)
        chosen = [fmt[e.preferred_format] if e.preferred_format else none for e in self.mentees]
        f_e[np.arange(n), np.array(chosen, np.int64)] = 1
        f_m = np.zeros((m, len(FORMATS) + 1))
        f_m[:, len(FORMATS)] = 1
        for j, r in enumerate(self.mentors):
            for f in r.formats:
                f_m[j, fmt[f]] = 1
        left.append(0.5 * w.format * f_e)
        right.append(f_m)

        # Learning style, the same way.
        sty = _vocabulary(
            [e.learning_style for e in self.mentees] + [s for r in self.mentors for s in r.styles]
        )
        s_e = np.zeros((n, len(sty) + 1))
        none = len(sty)
        chosen = [sty[e.learning_style] if e.learning_style else none for e in self.mentees]
        s_e[np.arange(n), np.array(chosen, np.int64)] = 1
        s_m = np.zeros((m, len(sty) + 1))
        s_m[:, len(sty)] = 1
        for j, r in enumerate(self.mentors):
            for s in r.styles:
                s_m[j, sty[s]] = 1
        left.append(0.5 * w.format * s_e)
        right.append(s_m)

        # Department: value = 0.5 + 0.5 * known_e * known_m - same_department.
        dep = _vocabulary(
            [e.department for e in self.mentees] + [r.department for r in self.mentors]
        )
        d_e = np.zeros((n, len(dep) + 2))
        d_e[:, 0] = 1.0
        known = [(i, dep[e.department]) for i, e in enumerate(self.mentees) if e.department]
        at = np.array(known, np.int64).reshape(-1, 2)
        d_e[at[:, 0], 1] = 0.5
        d_e[at[:, 0], 2 + at[:, 1]] = -1.0
        d_m = np.zeros((m, len(dep) + 2))
        d_m[:, 0] = 0.5
        for j, r in enumerate(self.mentors):
            if r.department:
                d_m[j, 1] = 1.0
                d_m[j, 2 + dep[r.department]] = 1.0
        left.append(w.diversity * d_e)
        right.append(d_m)

        # History: every pair starts as "not paired before"; repeats are patched below.
        left.append(np.full((n, 1), w.history))
        right.append(np.ones((m, 1)))

        self._left = np.ascontiguousarray(np.hstack(left), np.float32)
        self._right_t = np.ascontiguousarray(np.hstack(right).T, np.float32)

        # Availability as 0/1 hours of the week; hours nobody on one side has are dropped
        # (they add nothing to any overlap) to keep the product small.
        avail_e = np.zeros((n, HOURS_PER_WEEK), np.float32)
        avail_e[
            _rows_of([len(e.availability) for e in self.mentees]),
            np.array([h for e in self.mentees for h in e.availability], np.int64),
        ] = 1
        avail_m = np.zeros((m, HOURS_PER_WEEK), np.float32)
        avail_m[
            _rows_of([len(r.availability) for r in self.mentors]),
            np.array([h for r in self.mentors for h in r.availability], np.int64),
        ] = 1
        hours = avail_e.any(axis=0) & avail_m.any(axis=0)
        # The mentee side is pre-scaled by weight / target hours, so clipping the product
        # at the weight gives the weighted component in one pass. A zero weight keeps
        # the raw hours, which the reach rule still needs.
        scale = w.availability / AVAILABILITY_TARGET_HOURS if w.availability else 1.0
        self._avail_e = np.ascontiguousarray(avail_e[:, hours] * np.float32(scale))
        self._avail_m_t = np.ascontiguousarray(avail_m[:, hours].T)
        self._avail_cap = np.float32(w.availability)

        repeats = [
            (i, self.mentor_index[mid])
            for i, e in enumerate(self.mentees)
            for mid in e.past_mentor_ids
            if mid in self.mentor_index
        ]
        self._repeat_rows, self._repeat_cols = _sorted_pairs(repeats)
        self._repeat_penalty = np.float32(w.history)

        # Hard constraints that depend on the mentor alone.
        capacity = np.array([r.capacity for r in self.mentors], np.int64)
        readiness = np.array(
            [np.nan if r.readiness is None else r.readiness for r in self.mentors], np.float64
        )
        self.capacity_ok = capacity > 0
        if readiness_threshold > 0:
            with np.errstate(invalid="ignore"):
                self.readiness_ok = readiness >= readiness_threshold
        else:
            self.readiness_ok = np.ones(m, bool)
        self.mentor_ok = self.capacity_ok & self.readiness_ok
        self._closed_cols = np.flatnonzero(~self.mentor_ok)

        # Hard constraints on pairs, all sparse: self, manager, admin exclusion.
        by_user: dict[int, list[int]] = {}
        for j, r in enumerate(self.mentors):
            if r.user_id is not None:
                by_user.setdefault(r.user_id, []).append(j)
        self_pairs = [
            (i, j)
            for i, e in enumerate(self.mentees)
            if e.user_id is not None
            for j in by_user.get(e.user_id, ())
        ]
        manager_pairs = [
            (i, j)
            for i, e in enumerate(self.mentees)
            if e.manager_id is not None
            for j in by_user.get(e.manager_id, ())
        ]
        excluded_pairs = [
            (self.mentee_index[a], self.mentor_index[b])
            for a, b in exclusions
            if a in self.mentee_index and b in self.mentor_index
        ]
        self._pair_rules = {
            "self": _sorted_pairs(self_pairs),
            "manager": _sorted_pairs(manager_pairs),
            "excluded": _sorted_pairs(excluded_pairs),
        }
        self._blocked_rows, self._blocked_cols = _sorted_pairs(
            self_pairs + manager_pairs + excluded_pairs
        )

        # Optional reach rule: no shared hour and too far apart.
        if max_timezone_gap_hours is not None:
            far = gap > max_timezone_gap_hours * 60  # (mentee, distinct mentor offset)
            self._far = far
            self._m_off_idx = m_off_idx
        else:
            self._far = None
            self._m_off_idx = m_off_idx

    @property
    def n_mentees(self) -> int:
        """Number of mentee rows."""
        return len(self.mentees)

    @property
    def n_mentors(self) -> int:
        """Number of mentor columns."""
        return len(self.mentors)

    def _compute(
        self, rows: slice | np.ndarray, cols: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Scores of some mentee rows, and where the optional reach rule forbids a pair.

        With ``cols`` (a sorted array of distinct mentor columns), only those columns:
        the same numbers as the full rows' columns (each entry of a matrix product is
        summed the same way whatever the other rows and columns; a test checks it).
        """
        right_t = self._right_t if cols is None else self._right_t[:, cols]
        scores = self._left[rows] @ right_t
        far = None
        if self._avail_cap or self._far is not None:
            avail_t = self._avail_m_t if cols is None else self._avail_m_t[:, cols]
            overlap = self._avail_e[rows] @ avail_t
            if self._far is not None:
                offsets = self._m_off_idx if cols is None else self._m_off_idx[cols]
                far = (overlap == 0) & self._far[rows][:, offsets]
            if self._avail_cap:
                np.minimum(overlap, self._avail_cap, out=overlap)
                scores += overlap
        at, where = _pairs_in(self._repeat_rows, self._repeat_cols, rows)
        _patch(scores, at, where, cols, -self._repeat_penalty, add=True)
        return scores, far

    def block(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores (float32) and feasibility (bool) of mentees ``start:stop`` x all mentors.

        Memory is ``(stop - start) x n_mentors`` times a few bytes, so callers choose
        the block size to bound it.
        """
        rows = slice(start, stop)
        scores, far = self._compute(rows)
        feasible = np.empty(scores.shape, bool)
        feasible[:] = self.mentor_ok
        if far is not None:
            feasible &= ~far
        at, cols = _pairs_in(self._blocked_rows, self._blocked_cols, rows)
        feasible[at, cols] = False
        return scores, feasible

    def feasible_scores(
        self, rows: slice | np.ndarray, cols: np.ndarray | None = None
    ) -> np.ndarray:
        """Scores of some mentee rows with -1 wherever a hard rule forbids the pair.

        ``rows`` is a slice or a sorted array of distinct row indices; ``cols``, if
        given, a sorted array of distinct mentor columns (else every mentor). One
        float32 matrix instead of scores plus a mask: this is what the optimiser ranks,
        and it saves passes over the block at cohort scale.
        """
        scores, far = self._compute(rows, cols)
        if far is not None:
            np.putmask(scores, far, np.float32(-1.0))
        if self._closed_cols.size:
            closed = ~self.mentor_ok if cols is None else ~self.mentor_ok[cols]
            scores[:, closed] = -1.0
        at, where = _pairs_in(self._blocked_rows, self._blocked_cols, rows)
        _patch(scores, at, where, cols, np.float32(-1.0))
        return scores

    def scores(self, start: int, stop: int) -> np.ndarray:
        """Scores only, for mentees ``start:stop``: see :meth:`block`."""
        return self._compute(slice(start, stop))[0]

    def pair_scores(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Scores of the listed pairs only (``rows[k]`` with ``cols[k]``), as float64.

        For reporting the fits of chosen pairs without scoring whole rows.
        """
        rows = np.asarray(rows, np.int64)
        cols = np.asarray(cols, np.int64)
        out = np.einsum("ij,ji->i", self._left[rows], self._right_t[:, cols]).astype(np.float64)
        if self._avail_cap:
            hours = np.einsum("ij,ji->i", self._avail_e[rows], self._avail_m_t[:, cols])
            out += np.minimum(hours, self._avail_cap)
        if len(self._repeat_rows) and len(rows):
            m = max(self.n_mentors, 1)
            repeats = self._repeat_rows * m + self._repeat_cols  # sorted: rows, then cols
            keys = rows * m + cols
            at = np.minimum(np.searchsorted(repeats, keys), len(repeats) - 1)
            out[repeats[at] == keys] -= self._repeat_penalty
        return out

    def violations(self, i: int) -> dict[str, np.ndarray]:
        """Which mentors each hard rule rules out for mentee row ``i`` (bool per mentor).

        Used to explain in words why someone was left unmatched: the reason is
        counted from the data, not picked from a list.
        """
        m = self.n_mentors
        out = {name: np.zeros(m, bool) for name in self._pair_rules}
        for name, (rows, cols) in self._pair_rules.items():
            lo, hi = np.searchsorted(rows, [i, i + 1])
            out[name][cols[lo:hi]] = True
        out["no_capacity"] = ~self.capacity_ok
        out["readiness"] = ~self.readiness_ok
        if self._far is not None:
            overlap = self._avail_e[i] @ self._avail_m_t
            out["unreachable"] = (overlap == 0) & self._far[i][self._m_off_idx]
        else:
            out["unreachable"] = np.zeros(m, bool)
        return out


def _vocabulary_ints(values: Sequence[int]) -> dict[int, int]:
    """Column index per distinct id, in a stable (sorted) order."""
    return {v: k for k, v in enumerate(sorted(set(values)))}


def _rows_of(counts: Sequence[int]) -> np.ndarray:
    """Row index of each entry when row ``i`` has ``counts[i]`` entries, in order."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), np.asarray(counts, np.int64))


def _sorted_pairs(pairs: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs as (rows, cols) arrays sorted by row then column, for slicing by row.

    Indices are >= 0, so one integer key per pair sorts them (faster than
    ``np.unique(axis=0)``, same result).
    """
    if not pairs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    arr = np.asarray(pairs, np.int64)
    width = int(arr[:, 1].max()) + 1
    keys = np.unique(arr[:, 0] * width + arr[:, 1])
    return keys // width, keys % width


def _patch(
    scores: np.ndarray,
    at: np.ndarray,
    where: np.ndarray,
    cols: np.ndarray | None,
    value: np.float32,
    *,
    add: bool = False,
) -> None:
    """Set (or, with ``add``, add ``value`` to) the entries ``(at, where)`` of ``scores``,
    where ``where`` are mentor columns and ``scores`` holds only ``cols`` (all if None).

    Pairs are distinct, so a fancy-indexed ``+=`` touches each entry once.
    """
    if cols is not None:
        if not len(cols):
            return
        pos = np.minimum(np.searchsorted(cols, where), len(cols) - 1)
        keep = cols[pos] == where
        at, where = at[keep], pos[keep]
    if add:
        scores[at, where] += value
    else:
        scores[at, where] = value


def _pairs_in(
    pair_rows: np.ndarray, pair_cols: np.ndarray, rows: slice | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The sparse pairs that fall in ``rows``, as (position in the block, column)."""
    if isinstance(rows, slice):
        lo, hi = np.searchsorted(pair_rows, [rows.start, rows.stop])
        return pair_rows[lo:hi] - rows.start, pair_cols[lo:hi]
    if not len(rows) or not len(pair_rows):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lo, hi = np.searchsorted(pair_rows, [rows[0], rows[-1] + 1])
    candidates, cols = pair_rows[lo:hi], pair_cols[lo:hi]
    at = np.searchsorted(rows, candidates)
    hit = rows[np.minimum(at, len(rows) - 1)] == candidates
    return at[hit], cols[hit]


def score_matrix(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights,
    *,
    chunk_size: int = 2048,
) -> np.ndarray:
    """Every pair's total score as a float32 ``(mentees, mentors)`` matrix.

    Equal to :func:`score_pair`'s totals (to about 1e-6) but computed with matrix
    products, ``chunk_size`` mentees at a time so the temporaries stay small. The
    result itself is dense: for very large cohorts use :class:`PairScorer` blocks
    directly, as the optimiser does, and keep only what you need of each block.
    """
    scorer = PairScorer(mentees, mentors, weights)
    out = np.empty((scorer.n_mentees, scorer.n_mentors), np.float32)
    for start in range(0, scorer.n_mentees, chunk_size):
        stop = min(start + chunk_size, scorer.n_mentees)
        out[start:stop] = scorer.scores(start, stop)
    return out
