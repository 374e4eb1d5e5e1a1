"""Cohort circles (M8): split a cohort's mentees into mentor circles, balanced by fit and size.

Pure: no database, no Django. The caller scores every (mentee, mentor) pair with the engine
(``matching.engine.scoring``) and passes the fits, plus the pairs the hard constraints forbid.

The split is exact, not greedy: an assignment problem over mentor "seats", solved by
SciPy's Hungarian method. Every mentor leads one circle of at most ``max_size``; a seat costs
more the fuller its circle, so sizes are as balanced as the hard constraints allow (they
differ by at most one when nothing is forbidden), and among the balanced splits the one with
the greatest total fit wins. A mentee is left out only when every
seat is taken (more than ``max_size`` mentees per mentor) or every mentor is forbidden to
them; each left-out mentee comes with the reason.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

MAX_CIRCLE_SIZE = 6

# Costs of the assignment, in units of fit (a fit is in [0, 1]). The k-th seat of a circle
# costs k × _SEAT_STEP: the cost grows with the circle, so filling the smallest circle first
# always wins over any difference of fit, and sizes stay balanced. A forbidden pair
# outweighs everything.
_SEAT_STEP = 10.0
_FORBIDDEN = 1_000_000.0


@dataclass(frozen=True)
class CirclePlan:
    """The circles (mentor id → mentee ids, best fit first) and who was left out, with why."""

    circles: dict[int, list[int]] = field(default_factory=dict)
    unplaced: dict[int, str] = field(default_factory=dict)
    total_fit: float = 0.0

    @property
    def sizes(self) -> list[int]:
        return sorted(len(members) for members in self.circles.values())


def split_circles(
    mentee_ids: Sequence[int],
    mentor_ids: Sequence[int],
    fit: Mapping[tuple[int, int], float],
    *,
    forbidden: Collection[tuple[int, int]] = frozenset(),
    max_size: int = MAX_CIRCLE_SIZE,
) -> CirclePlan:
    """Split ``mentee_ids`` into one circle per mentor of at most ``max_size`` mentees.

    ``fit[(mentee, mentor)]`` is the pair's score in [0, 1] (missing pairs count 0);
    ``forbidden`` holds ``(mentee, mentor)`` pairs that must never share a circle.
    """
    if max_size < 1:
        raise ValueError("A circle holds at least one mentee")
    mentees = list(dict.fromkeys(mentee_ids))
    mentors = list(dict.fromkeys(mentor_ids))
    if not mentees:
        return CirclePlan(circles={m: [] for m in mentors})
    if not mentors:
        return CirclePlan(
            unplaced=dict.fromkeys(mentees, "The cohort has no mentor to lead a circle")
        )

    n, m = len(mentees), len(mentors)
    per_mentor = min(max_size, n)
    seats = [(j, k) for j in range(m) for k in range(per_mentor)]  # (mentor index, seat)

    forbidden = set(forbidden)
    cost = np.empty((n, len(seats)))
    for i, mentee in enumerate(mentees):
        for s, (j, k) in enumerate(seats):
            mentor = mentors[j]
            if (mentee, mentor) in forbidden:
                cost[i, s] = _FORBIDDEN
            else:
                cost[i, s] = k * _SEAT_STEP - float(fit.get((mentee, mentor), 0.0))
    rows, cols = linear_sum_assignment(cost)

    circles: dict[int, list[tuple[float, int]]] = {mentor: [] for mentor in mentors}
    unplaced: dict[int, str] = {}
    total = 0.0
    placed = set()
    for i, s in zip(rows.tolist(), cols.tolist(), strict=True):
        mentee, mentor = mentees[i], mentors[seats[s][0]]
        if (mentee, mentor) in forbidden:
            continue
        value = float(fit.get((mentee, mentor), 0.0))
        circles[mentor].append((value, mentee))
        total += value
        placed.add(mentee)
    for mentee in mentees:
        if mentee in placed:
            continue
        if all((mentee, mentor) in forbidden for mentor in mentors):
            unplaced[mentee] = "No mentor may lead this mentee (hard constraints)"
        else:
            unplaced[mentee] = f"Every circle is full ({max_size} mentees per mentor)"
    ordered = {
        mentor: [e for _v, e in sorted(members, key=lambda p: (-p[0], p[1]))]
        for mentor, members in circles.items()
    }
    return CirclePlan(circles=ordered, unplaced=unplaced, total_fit=total)
