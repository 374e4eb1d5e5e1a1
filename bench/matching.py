"""Benchmark of the matching engine on a large, realistic, random organisation.

Run ``python -m bench.matching --mentees 20000 --mentors 5000 --capacity 4`` from the
project folder. It builds the organisation in memory (no database), scores and solves
it with :func:`matching.engine.optimiser.solve`, runs the greedy baseline on the same data,
and prints one figure per line as ``name: value`` so a script can read them.

The organisation is built to be hard in the ways real ones are: about 60 competencies
in 8 areas with a few in high demand (Zipf-like), a handful of "star" mentors offering
many competencies at high levels, time zones clustered around a few offices, ~12
departments, managers who are also mentors, admin exclusions and past pairings.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import mentorship.blas  # noqa: F401  (before numpy loads: the kernels the site uses)

# isort: split
import numpy as np

from matching.engine.optimiser import MatchResult, greedy, solve
from matching.engine.scoring import FORMATS, MenteeProfile, MentorProfile, Weights

AREAS: dict[str, list[str]] = {
    "Client work": [
        "Client Communication",
        "Needs Discovery",
        "Objection Handling",
        "Account Planning",
        "Negotiation",
        "Client Retention",
        "Presenting",
        "Storytelling",
    ],
    "Coaching": [
        "Giving Feedback",
        "Active Listening",
        "Session Design",
        "Demonstration Technique",
        "Technique Correction",
        "Video Review",
        "Motivating Learners",
    ],
    "Leadership": [
        "Delegation",
        "Decision Making",
        "Conflict Resolution",
        "Building Trust",
        "Leading Change",
        "Hiring",
        "Performance Reviews",
        "Strategic Thinking",
    ],
    "Operations": [
        "Process Improvement",
        "Scheduling",
        "Quality Assurance",
        "Vendor Management",
        "Risk Management",
        "Budgeting",
        "Forecasting",
    ],
    "Technical": [
        "Data Analysis",
        "Spreadsheet Modelling",
        "SQL",
        "Automation",
        "Dashboards",
        "Systems Thinking",
        "Documentation",
        "Troubleshooting",
    ],
    "Product": [
        "User Research",
        "Roadmapping",
        "Prioritisation",
        "Experiment Design",
        "Writing Specs",
        "Product Metrics",
        "Pricing",
    ],
    "Personal effectiveness": [
        "Time Management",
        "Resilience",
        "Career Planning",
        "Networking",
        "Self-Advocacy",
        "Learning to Learn",
        "Public Speaking",
        "Written Communication",
    ],
    "Compliance": [
        "Data Privacy",
        "Health and Safety",
        "Ethics",
        "Contract Basics",
        "Intellectual Property",
        "Accessibility",
        "Security Awareness",
    ],
}
DEPARTMENTS = [
    "Sales",
    "Operations",
    "Finance",
    "Engineering",
    "Product",
    "Marketing",
    "People",
    "Legal",
    "Support",
    "Training",
    "Data",
    "Design",
]
# Offices: (UTC offset in minutes, share of staff).
OFFICES = [(-300, 0.22), (-480, 0.08), (0, 0.15), (60, 0.25), (330, 0.15), (480, 0.10), (600, 0.05)]
STYLES = ["visual", "hands-on", "reflective", "conversational", "structured"]


def competency_names() -> dict[int, str]:
    """Competency ids (1..N, area by area) and their names."""
    names = [name for area in AREAS.values() for name in area]
    return {i + 1: name for i, name in enumerate(names)}


def _gumbel_top(rng: np.random.Generator, p: np.ndarray, sizes: np.ndarray) -> list[np.ndarray]:
    """For each row, ``sizes[row]`` distinct indices drawn with probabilities ``p``.

    The Gumbel-top-k trick: sampling without replacement, vectorised for all rows.
    """
    keys = np.log(p)[None, :] - np.log(-np.log(rng.random((len(sizes), len(p)))))
    order = np.argsort(-keys, axis=1)
    return [order[r, : sizes[r]] for r in range(len(sizes))]


def _weekly_hours(
    rng: np.random.Generator, offsets: np.ndarray, low: int, high: int
) -> list[frozenset[int]]:
    """For each person, a few 2-3 hour blocks in local weekday working hours, in UTC."""
    n = len(offsets)
    blocks = rng.integers(low, high, size=n)
    days = rng.integers(0, 5, size=(n, high))
    starts = rng.integers(8, 16, size=(n, high))
    lengths = rng.integers(2, 4, size=(n, high))
    shifts = np.rint(offsets / 60).astype(int)
    out = []
    for i in range(n):
        slots: set[int] = set()
        for b in range(blocks[i]):
            base = days[i, b] * 24 - shifts[i]
            end = min(starts[i, b] + lengths[i, b], 19)
            slots.update(int((base + h) % 168) for h in range(starts[i, b], end))
        out.append(frozenset(slots))
    return out


def build_organisation(
    n_mentees: int, n_mentors: int, capacity: int, seed: int
) -> tuple[list[MenteeProfile], list[MentorProfile], set[tuple[int, int]]]:
    """A random organisation: mentees, mentors (ids 1..n) and admin exclusions.

    Mentor user ids start at 1 000 000; half the mentees report to a mentor of their
    own department (so the manager rule bites), the others to someone outside.
    """
    rng = np.random.default_rng(seed)
    n_comp = len(competency_names())
    # Demand is skewed: a few competencies everyone wants (Zipf-like over a shuffle).
    demand = 1.0 / np.arange(1, n_comp + 1) ** 1.1
    demand = demand[rng.permutation(n_comp)]
    demand /= demand.sum()
    # Supply is flatter and not aligned with demand, so the popular ones are scarce.
    supply = 1.0 / np.arange(1, n_comp + 1) ** 0.4
    supply = supply[rng.permutation(n_comp)]
    supply /= supply.sum()
    office_offsets = np.array([o for o, _ in OFFICES])
    office_p = np.array([p for _, p in OFFICES])
    office_p /= office_p.sum()
    formats = np.array(FORMATS)
    styles = np.array(STYLES)

    # Mentors: 2 % are "stars" offering 18-27 competencies at level 4-5.
    star = rng.random(n_mentors) < 0.02
    sizes = np.where(star, rng.integers(18, 28, n_mentors), rng.integers(3, 9, n_mentors))
    offered = _gumbel_top(rng, supply, sizes)
    offsets = rng.choice(office_offsets, size=n_mentors, p=office_p)
    hours = _weekly_hours(rng, offsets, 3, 8)
    departments = rng.integers(0, len(DEPARTMENTS), n_mentors)
    n_formats = rng.integers(1, 4, n_mentors)
    n_styles = rng.integers(1, 3, n_mentors)
    format_order = np.argsort(rng.random((n_mentors, len(FORMATS))), axis=1)
    style_order = np.argsort(rng.random((n_mentors, len(STYLES))), axis=1)
    readiness = np.round(rng.uniform(2.5, 5.0, n_mentors), 2)
    mentors = []
    for j in range(n_mentors):
        low = 4 if star[j] else 2
        levels = rng.integers(low, 6, size=len(offered[j]))
        mentors.append(
            MentorProfile(
                id=j + 1,
                offers={int(c) + 1: int(lv) for c, lv in zip(offered[j], levels, strict=True)},
                availability=hours[j],
                utc_offset_minutes=int(offsets[j]),
                formats=frozenset(formats[format_order[j, : n_formats[j]]].tolist()),
                styles=frozenset(styles[style_order[j, : n_styles[j]]].tolist()),
                department=DEPARTMENTS[departments[j]],
                capacity=capacity,
                readiness=float(readiness[j]),
                user_id=1_000_000 + j,
            )
        )

    by_department: dict[int, np.ndarray] = {
        d: 1_000_000 + np.flatnonzero(departments == d) for d in range(len(DEPARTMENTS))
    }
    sizes = rng.integers(2, 6, n_mentees)
    wanted = _gumbel_top(rng, demand, sizes)
    priorities = rng.integers(1, 4, size=(n_mentees, 5))
    priorities[:, 0] = 1
    offsets = rng.choice(office_offsets, size=n_mentees, p=office_p)
    hours = _weekly_hours(rng, offsets, 2, 6)
    departments = rng.integers(0, len(DEPARTMENTS), n_mentees)
    reports_to_mentor = rng.random(n_mentees) < 0.5
    picks = rng.random(n_mentees)
    outside = 2_000_000 + rng.integers(0, 5000, n_mentees)
    fmt_pref = rng.integers(0, len(FORMATS) + 1, n_mentees)
    style_pref = rng.integers(0, len(STYLES) + 1, n_mentees)
    has_past = rng.random(n_mentees) < 0.1
    past_mentor = rng.integers(1, max(n_mentors, 1) + 1, n_mentees)
    mentees = []
    for i in range(n_mentees):
        bosses = by_department[departments[i]]
        if reports_to_mentor[i] and len(bosses):
            manager = int(bosses[int(picks[i] * len(bosses))])
        else:
            manager = int(outside[i])
        mentees.append(
            MenteeProfile(
                id=i + 1,
                goals={int(c) + 1: int(p) for c, p in zip(wanted[i], priorities[i], strict=False)},
                availability=hours[i],
                utc_offset_minutes=int(offsets[i]),
                preferred_format=FORMATS[fmt_pref[i] - 1] if fmt_pref[i] else "",
                learning_style=STYLES[style_pref[i] - 1] if style_pref[i] else "",
                department=DEPARTMENTS[departments[i]],
                manager_id=manager,
                past_mentor_ids=(
                    frozenset({int(past_mentor[i])}) if has_past[i] and n_mentors else frozenset()
                ),
                user_id=i + 1,
            )
        )
    n_excluded = n_mentees // 50
    exclusions = (
        set(
            zip(
                rng.integers(1, n_mentees + 1, n_excluded).tolist(),
                rng.integers(1, n_mentors + 1, n_excluded).tolist(),
                strict=True,
            )
        )
        if n_mentees and n_mentors
        else set()
    )
    return mentees, mentors, exclusions


def _peak_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _figures(prefix: str, result: MatchResult) -> dict[str, float]:
    """The headline figures of one result, named with ``prefix``."""
    return {
        f"{prefix}match_rate": round(result.match_rate, 4),
        f"{prefix}mean_fit": round(result.mean_fit, 4),
        f"{prefix}min_fit": round(result.min_fit, 4),
    }


def main(argv: list[str] | None = None) -> int:
    """Build, score and solve one organisation and print its figures, one per line.

    ``total_s`` is the wall time from nothing to the optimiser's answer: building the
    organisation, scoring and solving; ``engine_s`` is the engine's part of it (scoring
    and solving, without building the organisation). The greedy baseline runs afterwards,
    timed apart (``greedy_s``). ``cpu_s`` is the process CPU time of the optimiser alone; it exceeds
    its wall time when the matrix products use both cores, and shows how much of a slow
    wall time was other load on the machine.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=20000)
    parser.add_argument("--mentors", type=int, default=5000)
    parser.add_argument("--capacity", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--priority", choices=["coverage", "fit"], default="coverage")
    parser.add_argument(
        "--readiness",
        type=float,
        default=0.0,
        help="readiness threshold (mentor readiness is 2.5 to 5; 3.0 rules out a fifth)",
    )
    parser.add_argument("--skip-greedy", action="store_true", help="time the optimiser only")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    mentees, mentors, exclusions = build_organisation(
        args.mentees, args.mentors, args.capacity, args.seed
    )
    built = time.perf_counter()
    cpu = time.process_time()
    result = solve(
        mentees,
        mentors,
        weights=Weights(),
        priority=args.priority,
        exclusions=exclusions,
        readiness_threshold=args.readiness,
    )
    cpu_s = time.process_time() - cpu
    total_s = time.perf_counter() - started
    stats = result.stats
    figures: dict[str, object] = {
        "mentees": len(mentees),
        "mentors": len(mentors),
        "capacity_total": sum(r.capacity for r in mentors),
        "seed": args.seed,
        "priority": args.priority,
        "readiness": args.readiness,
        "build_s": round(built - started, 3),
        "scoring_s": round(stats["scoring_s"], 3),
        "solve_s": round(stats["solve_s"], 3),
        "pricing_s": round(stats["pricing_s"], 3),
        "fairness_s": round(stats["fairness_s"], 3),
        "engine_s": round(stats["scoring_s"] + stats["solve_s"], 3),
        "total_s": round(total_s, 3),
        "cpu_s": round(cpu_s, 3),
        "arcs": stats["arcs"],
        "pricing_rounds": stats["pricing_rounds"],
        "flow_solves": stats["flow_solves"],
        "optimal": result.optimal,
        **_figures("", result),
        "fit_given_up": round(stats.get("fit_given_up", 0.0), 4),
    }
    if not args.skip_greedy:
        greedy_started = time.perf_counter()
        baseline = greedy(
            mentees,
            mentors,
            weights=Weights(),
            exclusions=exclusions,
            readiness_threshold=args.readiness,
        )
        figures["greedy_s"] = round(time.perf_counter() - greedy_started, 3)
        figures.update(_figures("greedy_", baseline))
    figures["peak_mb"] = round(_peak_mb(), 1)
    for name, value in figures.items():
        print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
