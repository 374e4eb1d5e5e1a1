"""The global optimiser (M3, M10): optimal, within the rules, and explained. No database."""

import itertools
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import optimiser
from matching.engine.matrix import score_matrix
from matching.engine.optimiser import FIT_SCALE, MatchResult, exact_dense, greedy, solve
from matching.engine.scoring import (
    FORMATS,
    MenteeProfile,
    MentorProfile,
    Weights,
    constraint_violation,
    score_pair,
)

# Only competency counts, so a fit is exactly sum(priority weight x level / 5) / weights.
COMPETENCY_ONLY = Weights(
    competency=1, availability=0, timezone=0, format=0, diversity=0, history=0
)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def quantised(mentees, mentors, weights):
    """Every pair's fit in the optimiser's integer units (1e-4), rounded as it rounds."""
    matrix = score_matrix(mentees, mentors, weights)
    return np.rint(matrix * np.float32(FIT_SCALE)).astype(np.int64)


def objective(result, mentees, mentors, fits, locked=()):
    """(number matched, lowest fit, total fit) over the mentees the run placed itself."""
    row = {e.id: i for i, e in enumerate(mentees)}
    col = {r.id: j for j, r in enumerate(mentors)}
    values = [int(fits[row[e], col[r]]) for e, r in result.assignments.items() if e not in locked]
    return len(values), min(values, default=None), sum(values)


def brute_force(mentees, mentors, weights, *, priority, budget, exclusions=(), threshold=0.0):
    """Enumerate every assignment and apply the documented objective literally."""
    fits = quantised(mentees, mentors, weights)
    options = []
    for e in mentees:
        allowed = [
            j
            for j, r in enumerate(mentors)
            if constraint_violation(e, r, readiness_threshold=threshold, exclusions=exclusions)
            is None
        ]
        options.append([None, *allowed])
    solutions = []
    for choice in itertools.product(*options):
        load = [0] * len(mentors)
        for j in choice:
            if j is not None:
                load[j] += 1
        if any(load[j] > r.capacity for j, r in enumerate(mentors)):
            continue
        values = [int(fits[i, j]) for i, j in enumerate(choice) if j is not None]
        solutions.append((len(values), min(values, default=None), sum(values)))
    if priority == "coverage":
        count, total = max((c, t) for c, _, t in solutions)
    else:
        total, count = max((t, c) for c, _, t in solutions)
    floor = total - int(budget * total + 1e-9)
    # The most matched within the budget (more than ``count`` only in the fit priority).
    count = max(c for c, _, t in solutions if t >= floor)
    kept = [s for s in solutions if s[0] == count and s[2] >= floor]
    return max(kept, key=lambda s: (-1 if s[1] is None else s[1], s[2]))


# ------------------------------------------------------------------- strategies


@st.composite
def cohorts(draw, max_mentees=6, max_mentors=4):
    """Small cohorts with every kind of rule in play: managers, self, readiness, exclusions."""
    n = draw(st.integers(0, max_mentees))
    m = draw(st.integers(0, max_mentors))
    mentees = [
        MenteeProfile(
            id=i,
            goals=draw(st.dictionaries(st.integers(1, 5), st.integers(1, 3), max_size=3)),
            availability=draw(st.frozensets(st.integers(0, 11), max_size=5)),
            utc_offset_minutes=draw(st.sampled_from([-300, 0, 60, 330])),
            preferred_format=draw(st.sampled_from(["", *FORMATS])),
            learning_style=draw(st.sampled_from(["", "visual", "hands-on"])),
            department=draw(st.sampled_from(["", "Sales", "Operations"])),
            manager_id=draw(st.sampled_from([None, 1000, 1001])),
            past_mentor_ids=draw(st.frozensets(st.integers(100, 100 + max(m - 1, 0)), max_size=1)),
            user_id=draw(st.sampled_from([None, i])),
        )
        for i in range(n)
    ]
    mentors = [
        MentorProfile(
            id=100 + j,
            offers=draw(st.dictionaries(st.integers(1, 5), st.integers(1, 5), max_size=3)),
            availability=draw(st.frozensets(st.integers(0, 11), max_size=6)),
            utc_offset_minutes=draw(st.sampled_from([0, 60, 480])),
            formats=draw(st.frozensets(st.sampled_from(FORMATS), max_size=2)),
            styles=draw(st.frozensets(st.sampled_from(["visual", "hands-on"]), max_size=1)),
            department=draw(st.sampled_from(["", "Sales", "People"])),
            capacity=draw(st.integers(0, 3)),
            readiness=draw(st.sampled_from([None, 2.0, 4.0])),
            user_id=draw(st.sampled_from([None, 0, 1000, 1001, 2000 + j])),
        )
        for j in range(m)
    ]
    pairs = [(e.id, r.id) for e in mentees for r in mentors]
    exclusions = set(draw(st.lists(st.sampled_from(pairs), max_size=4))) if pairs else set()
    return mentees, mentors, exclusions


run_options = st.fixed_dictionaries(
    {
        "priority": st.sampled_from(["coverage", "fit"]),
        "fairness_budget": st.sampled_from([0.0, 0.02, 0.3, 1.0]),
        "readiness_threshold": st.sampled_from([0.0, 3.0]),
        "weights": st.sampled_from([Weights(), COMPETENCY_ONLY, Weights(1, 1, 1, 1, 1, 1)]),
    }
)


def draw_locks(mentees, mentors, exclusions, options, seed):
    """A few locked pairs that an admin could really have made (allowed, within capacity)."""
    rng = random.Random(seed)
    load = {r.id: 0 for r in mentors}
    locked = {}
    for e in mentees:
        r = rng.choice(mentors) if mentors and rng.random() < 0.3 else None
        if r is None or load[r.id] >= r.capacity:
            continue
        rule = constraint_violation(
            e, r, readiness_threshold=options["readiness_threshold"], exclusions=exclusions
        )
        if rule is None:
            locked[e.id] = r.id
            load[r.id] += 1
    return locked


def check_invariants(result, mentees, mentors, exclusions, options, locked):
    """What must hold of every run, whatever the instance."""
    by_id = {r.id: r for r in mentors}
    assert isinstance(result, MatchResult)
    assert set(result.assignments) | set(result.unmatched) == {e.id for e in mentees}
    assert not set(result.assignments) & set(result.unmatched)
    assert all(result.unmatched.values())
    for mentee_id, mentor_id in locked.items():
        assert result.assignments[mentee_id] == mentor_id
    load = {}
    for e in mentees:
        if e.id in result.assignments:
            mentor = by_id[result.assignments[e.id]]
            load[mentor.id] = load.get(mentor.id, 0) + 1
            assert (
                constraint_violation(
                    e,
                    mentor,
                    readiness_threshold=options["readiness_threshold"],
                    exclusions=exclusions,
                )
                is None
            )
            expected = score_pair(e, mentor, options["weights"]).total
            assert result.scores[e.id] == pytest.approx(expected, abs=1e-5)
    assert all(load[j] <= by_id[j].capacity for j in load)
    # Nobody is left out while a compatible mentor still has a free place.
    for e in mentees:
        if e.id in result.unmatched:
            for r in mentors:
                if load.get(r.id, 0) < r.capacity:
                    assert (
                        constraint_violation(
                            e,
                            r,
                            readiness_threshold=options["readiness_threshold"],
                            exclusions=exclusions,
                        )
                        is not None
                    )
    assert result.match_rate == pytest.approx(
        len(result.assignments) / len(mentees) if mentees else 1.0
    )


# ------------------------------------------------------------- property tests


@PROPERTY
@given(cohort=cohorts(max_mentees=5, max_mentors=3), options=run_options)
def test_solve_and_exact_equal_the_brute_force_optimum(cohort, options):
    mentees, mentors, exclusions = cohort
    fits = quantised(mentees, mentors, options["weights"]) if mentees and mentors else None
    expected = brute_force(
        mentees,
        mentors,
        options["weights"],
        priority=options["priority"],
        budget=options["fairness_budget"],
        exclusions=exclusions,
        threshold=options["readiness_threshold"],
    )
    for run in (solve, exact_dense):
        result = run(mentees, mentors, exclusions=exclusions, **options)
        got = objective(result, mentees, mentors, fits) if fits is not None else (0, None, 0)
        assert got == expected, run.__name__
        assert result.optimal


@PROPERTY
@given(cohort=cohorts(max_mentees=10, max_mentors=5), options=run_options, seed=st.integers())
def test_solve_equals_exact_and_keeps_every_rule(cohort, options, seed):
    mentees, mentors, exclusions = cohort
    locked = draw_locks(mentees, mentors, exclusions, options, seed)
    result = solve(mentees, mentors, exclusions=exclusions, locked=locked, **options)
    check_invariants(result, mentees, mentors, exclusions, options, locked)
    exact = exact_dense(mentees, mentors, exclusions=exclusions, locked=locked, **options)
    if mentees and mentors:
        fits = quantised(mentees, mentors, options["weights"])
        assert objective(result, mentees, mentors, fits, locked) == objective(
            exact, mentees, mentors, fits, locked
        )


@PROPERTY
@given(cohort=cohorts(max_mentees=10, max_mentors=5), options=run_options, seed=st.integers())
def test_pruned_graph_is_priced_back_to_the_optimum(cohort, options, seed):
    """With one candidate per side, pricing must still find the best count and total."""
    mentees, mentors, exclusions = cohort
    locked = draw_locks(mentees, mentors, exclusions, options, seed)
    pruned = solve(
        mentees,
        mentors,
        exclusions=exclusions,
        locked=locked,
        complete_graph_limit=0,
        candidates_per_mentee=1,
        candidates_per_mentor=1,
        **options,
    )
    check_invariants(pruned, mentees, mentors, exclusions, options, locked)
    assert pruned.optimal
    best = exact_dense(
        mentees, mentors, exclusions=exclusions, locked=locked, **{**options, "fairness_budget": 0}
    )
    if mentees and mentors:
        fits = quantised(mentees, mentors, options["weights"])
        count, _, total = objective(best, mentees, mentors, fits, locked)
        assert pruned.stats.get("primary_matched", 0) == count
        assert round(pruned.stats.get("primary_total_fit", 0) * FIT_SCALE) == total


@PROPERTY
@given(cohort=cohorts(max_mentees=10, max_mentors=5), options=run_options, seed=st.integers())
def test_greedy_keeps_every_rule(cohort, options, seed):
    mentees, mentors, exclusions = cohort
    locked = draw_locks(mentees, mentors, exclusions, options, seed)
    options = {k: v for k, v in options.items() if k not in ("priority", "fairness_budget")}
    result = greedy(mentees, mentors, exclusions=exclusions, locked=locked, **options)
    check_invariants(result, mentees, mentors, exclusions, options, locked)
    assert not result.optimal


# ----------------------------------------------------------------- crafted cases


def mentor(ident, offers, capacity=1, **kwargs):
    return MentorProfile(id=ident, offers=offers, capacity=capacity, **kwargs)


def mentee(ident, goals, **kwargs):
    return MenteeProfile(id=ident, goals=goals, **kwargs)


def test_coverage_and_fit_priorities_differ_when_a_place_is_contested():
    # X suits Ann perfectly (1.0) and Ben a little (0.25); Y suits Ann poorly (0.1) and is
    # Ben's manager. Coverage gives both someone (0.1 + 0.25); fit gives Ann X (1.0).
    ann = mentee(1, {1: 1, 2: 1})
    ben = mentee(2, {3: 1, 1: 3}, manager_id=77)
    x = mentor(10, {1: 5, 2: 5})
    y = mentor(20, {2: 1}, user_id=77)
    coverage = solve([ann, ben], [x, y], weights=COMPETENCY_ONLY, priority="coverage")
    assert coverage.assignments == {1: 20, 2: 10}
    assert coverage.match_rate == 1.0
    fit = solve([ann, ben], [x, y], weights=COMPETENCY_ONLY, priority="fit")
    assert fit.assignments == {1: 10}
    assert fit.scores[1] == pytest.approx(1.0)
    assert fit.unmatched[2] == (
        "Every compatible mentor is at capacity (the only compatible mentor, 1 place taken): "
        "their places went to better-fitting mentees (best fit here 0.25)"
    )
    assert fit.mean_fit > coverage.mean_fit
    assert fit.match_rate == 0.5


def test_fit_priority_still_matches_everyone_when_nothing_is_contested():
    people = [mentee(i, {1: 1}) for i in range(3)]
    mentors = [mentor(10, {1: 5}, capacity=2), mentor(20, {1: 1}, capacity=2)]
    for priority in ("coverage", "fit"):
        assert solve(people, mentors, weights=COMPETENCY_ONLY, priority=priority).match_rate == 1


def test_worst_off_mentee_is_protected_within_the_budget():
    # Fits: Ann-X 1.0, Ann-Y 0.4, Ben-X 0.6, Ben-Y 0.2. Best total: Ann-X + Ben-Y = 1.2 with
    # Ben at 0.2. Ann-Y + Ben-X = 1.0 lifts the worst-off to 0.4 for 1/6 of the total.
    ann, ben = mentee(1, {1: 1}), mentee(2, {2: 1})
    x, y = mentor(10, {1: 5, 2: 3}), mentor(20, {1: 2, 2: 1})
    kwargs = {"weights": COMPETENCY_ONLY}
    strict = solve([ann, ben], [x, y], fairness_budget=0.1, **kwargs)
    assert strict.assignments == {1: 10, 2: 20}
    assert strict.min_fit == pytest.approx(0.2)
    protected = solve([ann, ben], [x, y], fairness_budget=0.2, **kwargs)
    assert protected.assignments == {1: 20, 2: 10}
    assert protected.min_fit == pytest.approx(0.4)
    assert protected.stats["fit_given_up"] == pytest.approx(0.2)
    for budget in (0.1, 0.2):
        exact = exact_dense([ann, ben], [x, y], fairness_budget=budget, **kwargs)
        chosen = strict if budget == 0.1 else protected
        assert exact.assignments == chosen.assignments


def test_ties_in_total_fit_go_to_the_fairer_solution_even_without_budget():
    # Ann-X + Ben-Y = 1.0 + 0.2 and Ann-Y + Ben-X = 0.6 + 0.6: same total, fairer second.
    ann, ben = mentee(1, {1: 1}), mentee(2, {2: 1})
    x, y = mentor(10, {1: 5, 2: 3}), mentor(20, {1: 3, 2: 1})
    result = solve([ann, ben], [x, y], weights=COMPETENCY_ONLY, fairness_budget=0)
    assert result.assignments == {1: 20, 2: 10}
    assert result.min_fit == pytest.approx(0.6)


def test_global_optimum_beats_first_come_first_served():
    # Ann comes first and takes X, her best; Ben then only has Y. Globally, Ann-Y + Ben-X.
    ann, ben = mentee(1, {1: 1, 2: 1}), mentee(2, {1: 1})
    x, y = mentor(10, {1: 5, 2: 4}), mentor(20, {1: 1, 2: 5})
    first_come = greedy([ann, ben], [x, y], weights=COMPETENCY_ONLY)
    assert first_come.assignments == {1: 10, 2: 20}
    assert first_come.unmatched == {}
    best = solve([ann, ben], [x, y], weights=COMPETENCY_ONLY)
    assert best.assignments == {1: 20, 2: 10}
    assert best.mean_fit > first_come.mean_fit
    assert best.min_fit > first_come.min_fit


def test_locked_pairs_are_kept_and_use_up_capacity():
    ann, ben = mentee(1, {1: 1}), mentee(2, {1: 1})
    x, y = mentor(10, {1: 5}), mentor(20, {1: 1})
    result = solve([ann, ben], [x, y], weights=COMPETENCY_ONLY, locked={2: 10})
    assert result.assignments == {2: 10, 1: 20}
    assert result.scores[2] == pytest.approx(1.0)
    full = solve([ann, ben], [x], weights=COMPETENCY_ONLY, locked={2: 10})
    assert full.unmatched[1] == (
        "Every compatible mentor is at capacity with locked pairs (the only compatible mentor)"
    )


def test_locks_that_break_a_rule_or_overfill_are_refused():
    ann = mentee(1, {1: 1}, manager_id=5)
    boss = mentor(10, {1: 5}, user_id=5)
    with pytest.raises(ValueError, match="breaks a rule: The mentor is the mentee's manager"):
        solve([ann], [boss], locked={1: 10})
    ben = mentee(2, {1: 1})
    x = mentor(20, {1: 5})
    with pytest.raises(ValueError, match="exceed the capacity of mentor 20"):
        solve([ann, ben], [x], locked={1: 20, 2: 20})
    with pytest.raises(ValueError, match="unknown person"):
        solve([ann], [x], locked={1: 99})


def test_hard_rules_are_never_broken_even_for_a_perfect_fit():
    ann = mentee(1, {1: 1}, manager_id=5, user_id=6)
    boss = mentor(10, {1: 5}, user_id=5)
    herself = mentor(11, {1: 5}, user_id=6)
    excluded = mentor(12, {1: 5})
    unready = mentor(13, {1: 5}, readiness=2.0)
    full = mentor(14, {1: 5}, capacity=0)
    weak = mentor(15, {1: 1}, readiness=4.0)
    result = solve(
        [ann],
        [boss, herself, excluded, unready, full, weak],
        weights=COMPETENCY_ONLY,
        readiness_threshold=3.0,
        exclusions={(1, 12)},
    )
    assert result.assignments == {1: 15}
    assert result.scores[1] == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("mentors", "kwargs", "reason"),
    [
        (
            [mentor(10, {1: 5}, readiness=2.0), mentor(11, {1: 4})],
            {"readiness_threshold": 3.0},
            "No mentor passes the readiness threshold (3)",
        ),
        (
            [mentor(10, {1: 5}), mentor(11, {1: 4})],
            {"exclusions": {(1, 10), (1, 11)}},
            "Excluded from every available mentor",
        ),
        (
            [mentor(10, {1: 5}, user_id=5)],
            {},
            "The only mentor is the mentee's own manager",
        ),
        (
            [mentor(10, {1: 5}, availability={50}, utc_offset_minutes=480)],
            {"max_timezone_gap_hours": 6},
            "No mentor shares availability or a time zone within 6 hours",
        ),
        (
            [mentor(10, {1: 5}, user_id=5), mentor(11, {1: 4}), mentor(12, {1: 4}, readiness=1)],
            {"exclusions": {(1, 11)}, "readiness_threshold": 2},
            "Every mentor is ruled out: 1 is the mentee's manager, 1 excluded by an admin, "
            "1 below the readiness threshold (2)",
        ),
        ([mentor(10, {1: 5}, capacity=0)], {}, "No mentor has any capacity"),
        ([], {}, "There are no mentors in the program"),
    ],
)
def test_unmatched_people_get_the_reason_from_the_data(mentors, kwargs, reason):
    ann = mentee(1, {1: 1}, manager_id=5, availability={10}, utc_offset_minutes=-300)
    for run in (solve, greedy, exact_dense):
        result = run([ann], mentors, **kwargs)
        assert result.unmatched == {1: reason}, run.__name__
        assert result.match_rate == 0
        assert (result.mean_fit, result.min_fit) == (0.0, 0.0)


def test_capacity_shortage_is_explained():
    people = [mentee(i, {1: 1}) for i in range(3)]
    result = solve(people, [mentor(10, {1: 5}), mentor(11, {1: 3}, capacity=1)])
    assert len(result.assignments) == 2
    (reason,) = result.unmatched.values()
    assert reason == "Every compatible mentor is at capacity (all 2, 2 places taken)"
    baseline = greedy(people, [mentor(10, {1: 5}), mentor(11, {1: 3}, capacity=1)])
    assert baseline.unmatched == {
        2: "Every compatible mentor is at capacity (all 2, 2 places taken) "
        "by mentees earlier in the list"
    }


def test_empty_cohort():
    result = solve([], [mentor(10, {1: 5})])
    assert (result.assignments, result.unmatched, result.match_rate) == ({}, {}, 1.0)
    assert result.optimal


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="priority must be 'coverage' or 'fit'"):
        solve([], [], priority="speed")
    with pytest.raises(ValueError, match="fairness_budget"):
        solve([], [], fairness_budget=1.5)


@pytest.mark.parametrize("cache_limit,coarse_limit", [(10**9, 10**9), (0, 10**9), (0, 0)])
def test_larger_cohort_priced_from_a_pruned_graph_is_proven_optimal(
    monkeypatch, cache_limit, coarse_limit
):
    """A few hundred people, forced through pricing, against the complete graph.

    With ``cache_limit=0`` the fits are kept as one coarse byte a pair; with both limits
    0 they are not kept in memory and pricing scores again.
    """
    monkeypatch.setattr(optimiser, "FIT_CACHE_LIMIT", cache_limit)
    monkeypatch.setattr(optimiser, "COARSE_CACHE_LIMIT", coarse_limit)
    rng = random.Random(4)
    mentees = [
        mentee(
            i,
            {c: rng.randint(1, 3) for c in rng.sample(range(1, 25), rng.randint(1, 4))},
            availability=frozenset(rng.sample(range(40), 6)),
            utc_offset_minutes=rng.choice([-300, 0, 60, 330]),
            department=rng.choice(["Sales", "Operations", "People"]),
            manager_id=rng.choice([None, 1000, 1001]),
        )
        for i in range(240)
    ]
    mentors = [
        mentor(
            1000 + j,
            {c: rng.randint(1, 5) for c in rng.sample(range(1, 25), rng.randint(2, 7))},
            capacity=rng.randint(1, 4),
            availability=frozenset(rng.sample(range(40), 12)),
            utc_offset_minutes=rng.choice([-300, 0, 60, 330]),
            department=rng.choice(["Sales", "Operations", "People"]),
            user_id=1000 + j,
        )
        for j in range(90)
    ]
    exclusions = {(rng.randrange(240), 1000 + rng.randrange(90)) for _ in range(40)}
    complete = solve(mentees, mentors, exclusions=exclusions)
    assert complete.stats["candidates_complete"]
    for priority in ("coverage", "fit"):
        pruned = solve(
            mentees,
            mentors,
            priority=priority,
            exclusions=exclusions,
            complete_graph_limit=0,
            candidates_per_mentee=3,
            candidates_per_mentor=3,
        )
        reference = solve(mentees, mentors, priority=priority, exclusions=exclusions)
        assert pruned.optimal
        assert not pruned.stats["candidates_complete"]
        assert pruned.stats["pricing_rounds"] >= 1
        assert pruned.stats["primary_matched"] == reference.stats["primary_matched"]
        assert pruned.stats["primary_total_fit"] == pytest.approx(
            reference.stats["primary_total_fit"]
        )
    assert complete.mean_fit > greedy(mentees, mentors, exclusions=exclusions).mean_fit
