"""The optimiser against the exact dense solver on hard cohorts (M3, M10): heavy popularity
skew, many ties, capacities 0 to 6, 10-30 % exclusions, readiness thresholds and the reach
rule, both priorities, with and without the fairness budget. Also one cohort of a few
thousand mentees with a readiness threshold, priced from a pruned graph, that must end
certified optimal. No database."""

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from matching.engine import optimiser
from matching.engine.optimiser import FIT_SCALE, exact_dense, solve
from matching.engine.scoring import MenteeProfile, MentorProfile, Weights, constraint_violation
from tests.matching import test_engine_fairness as seen

COMPETENCY_ONLY = Weights(
    competency=1, availability=0, timezone=0, format=0, diversity=0, history=0
)
HARD = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def skewed_cohorts(draw):
    """Up to 14 mentees and 6 mentors; most mentees want the same one or two competencies
    (popularity skew), a few want what nobody offers, levels and priorities come from a
    few values (ties), and people sit in two time zones with few hours, so the reach
    rule bites."""
    n = draw(st.integers(1, 14))
    m = draw(st.integers(1, 6))
    popular = draw(st.sampled_from([(1,), (1, 2)]))
    mentees = []
    for i in range(n):
        kind = draw(st.integers(0, 9))
        if kind < 6:
            wanted = popular
        elif kind < 8:
            wanted = tuple(draw(st.sets(st.integers(1, 6), min_size=1, max_size=2)))
        else:
            wanted = (9,)  # nobody offers it: a fit of 0 wherever the rules allow
        mentees.append(
            MenteeProfile(
                id=i,
                goals={c: draw(st.sampled_from([1, 2])) for c in wanted},
                availability=draw(st.frozensets(st.integers(0, 5), max_size=3)),
                utc_offset_minutes=draw(st.sampled_from([0, 0, 540])),
            )
        )
    mentors = []
    for j in range(m):
        star = j == 0  # one mentor offers everything popular, at the top level
        offers = dict.fromkeys(popular, 5) if star else {}
        offers.update(
            {c: draw(st.sampled_from([3, 5])) for c in draw(st.sets(st.integers(1, 6), max_size=3))}
        )
        mentors.append(
            MentorProfile(
                id=100 + j,
                offers=offers,
                capacity=draw(st.sampled_from([0, 1, 1, 2, 2, 3, 4, 5, 6])),
                availability=draw(st.frozensets(st.integers(0, 5), max_size=3)),
                utc_offset_minutes=draw(st.sampled_from([0, 540])),
                readiness=draw(st.sampled_from([None, 2.0, 3.0, 4.5])),
            )
        )
    share = draw(st.sampled_from([0.1, 0.2, 0.3]))
    pairs = [(e.id, r.id) for e in mentees for r in mentors]
    picks = draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    # About ``share`` of the pairs: every k-th pair the booleans flag.
    step = max(round(1 / share), 1)
    flagged = zip(pairs, picks, strict=True)
    exclusions = {p for k, (p, flag) in enumerate(flagged) if flag and k % step == 0}
    exclusions |= {p for k, p in enumerate(pairs) if k % (2 * step) == 1}
    return mentees, mentors, exclusions


hard_options = st.fixed_dictionaries(
    {
        "priority": st.sampled_from(["coverage", "fit"]),
        "fairness_budget": st.sampled_from([0.0, 0.02, 0.2]),
        "readiness_threshold": st.sampled_from([0.0, 3.0]),
        "max_timezone_gap_hours": st.sampled_from([None, 4.0]),
        "weights": st.sampled_from([COMPETENCY_ONLY, Weights()]),
    }
)


def summary(result):
    """(number matched, lowest fit, total fit) in the optimiser's integer units."""
    fits = [round(f * FIT_SCALE) for f in result.scores.values()]
    return len(fits), min(fits, default=None), sum(fits)


def check_rules(result, mentees, mentors, exclusions, options):
    """Every pair allowed, no mentor over capacity, nobody left out beside a free place."""
    rules = {
        "readiness_threshold": options["readiness_threshold"],
        "exclusions": exclusions,
        "max_timezone_gap_hours": options["max_timezone_gap_hours"],
    }
    by_id = {r.id: r for r in mentors}
    load = {}
    for e in mentees:
        if e.id in result.assignments:
            r = by_id[result.assignments[e.id]]
            assert constraint_violation(e, r, **rules) is None
            load[r.id] = load.get(r.id, 0) + 1
    assert all(load[j] <= by_id[j].capacity for j in load)
    for e in mentees:
        if e.id in result.unmatched:
            assert "has room" not in result.unmatched[e.id]
            for r in mentors:
                if load.get(r.id, 0) < r.capacity:
                    assert constraint_violation(e, r, **rules) is not None


def close(a, b):
    """Two summaries equal up to one unit of rounding per matched pair."""
    assert a[0] == b[0]
    assert (a[1] is None) == (b[1] is None)
    if a[1] is not None:
        assert abs(a[1] - b[1]) <= 1
        assert abs(a[2] - b[2]) <= a[0]


# The cohort where the worst-off step once left a placeable mentee out (issue 8): random
# draws reach that shape rarely (about 1 in 1 000), so it is always among the examples.
SEEN_COHORT = (*seen.cohort(), seen.EXCLUSIONS)
SEEN_OPTIONS = {
    "priority": "fit",
    "fairness_budget": 0.02,
    "readiness_threshold": 0.0,
    "max_timezone_gap_hours": None,
    "weights": COMPETENCY_ONLY,
}


@HARD
@given(cohort=skewed_cohorts(), options=hard_options)
@example(cohort=SEEN_COHORT, options=SEEN_OPTIONS)
def test_complete_graph_equals_the_exact_dense_solver(cohort, options):
    mentees, mentors, exclusions = cohort
    result = solve(mentees, mentors, exclusions=exclusions, **options)
    exact = exact_dense(mentees, mentors, exclusions=exclusions, **options)
    assert result.optimal
    check_rules(result, mentees, mentors, exclusions, options)
    check_rules(exact, mentees, mentors, exclusions, options)
    close(summary(result), summary(exact))


CACHES = {"exact": (10**9, 10**9), "coarse": (0, 10**9), "none": (0, 0)}


@HARD
@given(
    cohort=skewed_cohorts(),
    options=hard_options,
    k=st.integers(1, 2),
    cache=st.sampled_from(sorted(CACHES)),
)
@example(cohort=SEEN_COHORT, options=SEEN_OPTIONS, k=1, cache="exact")
def test_pruned_graph_ends_certified_at_the_exact_optimum(cohort, options, k, cache):
    """From one or two candidates a side, pricing must reach the exact primary optimum and
    say so, whichever way the fits are kept; the protection then keeps every rule and
    leaves nobody out beside room."""
    mentees, mentors, exclusions = cohort
    kept = optimiser.FIT_CACHE_LIMIT, optimiser.COARSE_CACHE_LIMIT
    optimiser.FIT_CACHE_LIMIT, optimiser.COARSE_CACHE_LIMIT = CACHES[cache]
    try:
        pruned = solve(
            mentees,
            mentors,
            exclusions=exclusions,
            complete_graph_limit=0,
            candidates_per_mentee=k,
            candidates_per_mentor=k,
            **options,
        )
    finally:
        optimiser.FIT_CACHE_LIMIT, optimiser.COARSE_CACHE_LIMIT = kept
    assert pruned.optimal
    check_rules(pruned, mentees, mentors, exclusions, options)
    primary = exact_dense(
        mentees, mentors, exclusions=exclusions, **{**options, "fairness_budget": 0}
    )
    count, _, total = summary(primary)
    assert pruned.stats.get("primary_matched", 0) == count
    assert abs(round(pruned.stats.get("primary_total_fit", 0) * FIT_SCALE) - total) <= count
    exact = exact_dense(mentees, mentors, exclusions=exclusions, **options)
    assert len(pruned.assignments) == len(exact.assignments)


def test_a_few_thousand_mentees_with_a_readiness_threshold_end_certified(monkeypatch):
    """3 000 mentees, 800 mentors, a third below the readiness threshold, some exclusions:
    a pruned graph priced to a certificate, equal to the complete graph's optimum."""
    rng = np.random.default_rng(8)
    n, m = 3000, 800
    popular = rng.permutation(30)[:4] + 1
    mentees = []
    for i in range(n):
        k = int(rng.integers(1, 4))
        pool = popular if rng.random() < 0.6 else rng.integers(1, 31, 6)
        goals = {int(c): int(rng.integers(1, 4)) for c in rng.choice(pool, k)}
        mentees.append(
            MenteeProfile(id=i, goals=goals, utc_offset_minutes=int(rng.choice([0, 60, 330])))
        )
    mentors = [
        MentorProfile(
            id=10_000 + j,
            offers={
                int(c): int(rng.integers(2, 6)) for c in rng.choice(30, rng.integers(2, 7)) + 1
            },
            capacity=int(rng.integers(0, 7)),
            utc_offset_minutes=int(rng.choice([0, 60, 330])),
            readiness=float(rng.choice([2.0, 4.0, 4.5])),
        )
        for j in range(m)
    ]
    exclusions = {(int(rng.integers(n)), 10_000 + int(rng.integers(m))) for _ in range(3000)}
    options = {"weights": COMPETENCY_ONLY, "readiness_threshold": 3.0, "exclusions": exclusions}
    for priority, cache in (("coverage", "exact"), ("fit", "exact"), ("coverage", "coarse")):
        monkeypatch.setattr(optimiser, "FIT_CACHE_LIMIT", CACHES[cache][0])
        pruned = solve(mentees, mentors, priority=priority, complete_graph_limit=0, **options)
        monkeypatch.undo()
        assert pruned.optimal, priority
        assert pruned.stats["pricing_rounds"] >= 1
        assert pruned.stats["improving_pairs"] == 0
        assert not pruned.stats["candidates_complete"]
        complete = solve(mentees, mentors, priority=priority, complete_graph_limit=10**9, **options)
        assert complete.stats["candidates_complete"]
        assert pruned.stats["primary_matched"] == complete.stats["primary_matched"]
        assert pruned.stats["primary_total_fit"] == pytest.approx(
            complete.stats["primary_total_fit"], abs=1e-3
        )
