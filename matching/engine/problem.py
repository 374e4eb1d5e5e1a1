"""The optimiser's shared ground: its result (:class:`MatchResult`), a cohort prepared for
matching (locked pairs, free rows, capacity left, the scorer), integer fits, and every
unmatched mentee's reason in words. Part of the pure engine (no Django), see
:mod:`matching.engine.optimiser`."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .matrix import PairScorer
from .scoring import (
    MenteeProfile,
    MentorProfile,
    Weights,
    constraint_violation,
)

Priority = Literal["coverage", "fit"]
PRIORITIES: tuple[str, ...] = ("coverage", "fit")
# Fits are in [0, 1]; flows need integers. 1e-4 is finer than any score an admin reads.
FIT_SCALE = 10_000
DEFAULT_FAIRNESS_BUDGET = 0.02
BLOCK_SIZE = 1024
# Rows per slice of a block in element-wise passes: small enough to stay in the CPU cache.
_SLICE = 64


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
