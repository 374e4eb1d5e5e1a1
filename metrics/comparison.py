"""Participants against non-participants (X7): the arithmetic, pure (no Django import;
tests/metrics/test_comparison_maths.py runs it without a database).

Two groups of careers (see :mod:`metrics.indicators.careers`) over one period, two measures:

* **retention**: of the people employed at the period's start, the share still employed at
  its end (the catalogue's definition, through ``careers.retention`` itself);
* **promotion**: of the people employed at the period's start, the share promoted at least
  once in the period. The catalogue's promotion *rate* divides promotions by the average
  headcount, which can pass 100 % and is not a yes-or-no per person; an interval needs one
  yes-or-no per person, so here a person promoted twice counts once.

For each share, the 95 % **Wilson score interval** (Wilson 1927; it stays inside 0..1 and
behaves at 0/n and n/n, where the textbook p ± 1.96·√(p(1−p)/n) collapses to a point). For
the difference participants − others, **Newcombe's hybrid score interval** (Newcombe 1998,
"Interval estimation for the difference between independent proportions", method 10), built
from the two Wilson intervals.

A measure is shown only when each group has at least ``MINIMUM`` people in its denominator;
otherwise ``shown`` is False and the counts say how many there are.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from math import sqrt

from .indicators import careers

Z95 = 1.959963984540054  # the standard normal's 97.5th percentile
MINIMUM = 10  # people needed in each group before a measure is shown

RETENTION = "retention"
PROMOTION = "promotion"


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson(successes, n, *, z=Z95):
    """The Wilson score interval of ``successes`` out of ``n`` (None when n is 0)."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"{successes} successes out of {n}")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At 0/n and n/n the bound is exactly 0 or 1; rounding must not put it a hair outside.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(low, high)


def newcombe(successes1, n1, successes2, n2, *, z=Z95):
    """(difference, Interval) of p1 − p2 by Newcombe's hybrid score method (his method 10):
    with (l1, u1) and (l2, u2) the Wilson intervals,
    low = d − √((p1 − l1)² + (u2 − p2)²), high = d + √((u1 − p1)² + (p2 − l2)²).
    None when either group is empty."""
    first, second = wilson(successes1, n1, z=z), wilson(successes2, n2, z=z)
    if first is None or second is None:
        return None
    p1, p2 = successes1 / n1, successes2 / n2
    d = p1 - p2
    low = d - sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2)
    high = d + sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2)
    return d, Interval(max(-1.0, low), min(1.0, high))


@dataclass(frozen=True)
class GroupShare:
    """One group's share: ``successes`` of ``n``; ``value`` and ``interval`` only when the
    measure is shown (both groups have at least MINIMUM people)."""

    successes: int
    n: int
    value: float | None
    interval: Interval | None


@dataclass(frozen=True)
class MeasureComparison:
    key: str  # RETENTION or PROMOTION
    participants: GroupShare
    others: GroupShare
    difference: float | None  # participants − others
    difference_interval: Interval | None
    minimum: int = MINIMUM

    @property
    def shown(self):
        return self.difference is not None

    @property
    def short_groups(self):
        """The groups below the minimum, as ("participants" | "others", n)."""
        return [
            (name, group.n)
            for name, group in (("participants", self.participants), ("others", self.others))
            if group.n < self.minimum
        ]


def compare(key, participants, others, *, minimum=MINIMUM):
    """A MeasureComparison of two (successes, n) counts."""
    (s1, n1), (s2, n2) = participants, others
    if n1 < minimum or n2 < minimum:
        return MeasureComparison(
            key, GroupShare(s1, n1, None, None), GroupShare(s2, n2, None, None), None, None, minimum
        )
    difference, interval = newcombe(s1, n1, s2, n2)
    return MeasureComparison(
        key,
        GroupShare(s1, n1, s1 / n1, wilson(s1, n1)),
        GroupShare(s2, n2, s2 / n2, wilson(s2, n2)),
        difference,
        interval,
        minimum,
    )


@dataclass(frozen=True)
class Person:
    """What the comparison needs of one person's records up to the period's end: their
    career (hire and departure, as ``careers.career_from_events`` reads them) and how many
    times they were promoted within the period."""

    career: careers.Career
    promotions_in_period: int = 0


def retained(people: Iterable[Person], *, start, end):
    """(stayed, employed at start): the catalogue's retention, by its own function."""
    value = careers.retention([person.career for person in people], start=start, end=end)
    return int(value.numerator or 0), int(value.denominator or 0)


def promoted(people: Iterable[Person], *, start):
    """(promoted at least once in the period, employed at start)."""
    group = [person for person in people if person.career.employed_on(start)]
    return sum(1 for person in group if person.promotions_in_period > 0), len(group)


def compare_groups(participants, others, *, start, end, minimum=MINIMUM):
    """[retention, promotion] comparisons of two lists of Person over [start, end]."""
    participants, others = list(participants), list(others)
    return [
        compare(
            RETENTION,
            retained(participants, start=start, end=end),
            retained(others, start=start, end=end),
            minimum=minimum,
        ),
        compare(
            PROMOTION,
            promoted(participants, start=start),
            promoted(others, start=start),
            minimum=minimum,
        ),
    ]
