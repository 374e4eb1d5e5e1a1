"""What every indicator function returns, and the arithmetic they share. Pure: no database,
no Django import (tests/metrics/test_indicators_*.py run without a database).

Choices written down once, for every indicator:

* **Not enough data is None, never 0.** A share with nothing in its denominator, a mean of
  nothing, a pulse score under five answers: ``value`` is None and ``note`` says why.
* **A share is 0..1** (the pages show it as a percentage); days and months are floats.
* **Censored measures** (time to match, time to competence, ramp time, promotion velocity)
  count the people not there yet: they are never dropped. Their median is the
  **Kaplan–Meier median**: the first time at which the estimated share not yet there falls to
  one half or below, or the midpoint of the flat stretch when it sits at exactly one half
  (R's ``survfit`` convention, so that with nobody censored it is the ordinary median). A
  person "not yet" after 40 days still counts in the risk set for every time up to 40 days.
  When half or more are still not there at the last time observed, the median is not reached:
  ``value`` is None with ``not_yet`` and the note "not yet reached by half".
  Why Kaplan–Meier and not the plain median with "not yet" counted as never: people join at
  different times (cohorts start months apart), so "not yet" after ten days is not the same
  fact as "not yet" after a year; the plain median would call every newcomer slow. The plain
  version is kept (``plain_censored_median``) as the upper bound the tests check against.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from statistics import median as _median

MONTH_DAYS = 365.25 / 12


@dataclass(frozen=True)
class IndicatorValue:
    """One computed figure.

    ``value``: the figure (None = not enough data, ``note`` says why); ``numerator`` and
    ``denominator``: what a share or a mean was computed from (for a median, the people who
    reached it and everyone counted); ``n``: the people or rows behind it; ``not_yet``: for
    censored measures, how many have not reached it yet (None for the others); ``extra``:
    the secondary figures shown beside it (the median gap beside cadence, overdue actions
    beside completion, ...).
    """

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    n: int = 0
    not_yet: int | None = None
    extra: Mapping[str, float | int | None] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Track:
    """One subject of a censored measure: it started on ``start``; the event happened on
    ``reached`` (None: not yet); it was last observed on ``seen`` (the day of computing, or
    the day the person left). A ``reached`` later than ``seen`` is not yet."""

    start: date
    reached: date | None
    seen: date


def share(numerator, denominator, *, n=None, extra=None, empty="nothing to count yet"):
    """numerator ÷ denominator, or None when the denominator is 0."""
    extra = dict(extra or {})
    n = denominator if n is None else n
    if not denominator:
        return IndicatorValue(None, numerator, denominator, int(n or 0), extra=extra, note=empty)
    return IndicatorValue(numerator / denominator, numerator, denominator, int(n), extra=extra)


def mean_of(values, *, minimum=1, extra=None, empty="nothing to count yet"):
    values = list(values)
    total = sum(values)
    if len(values) < minimum or not values:
        return IndicatorValue(
            None, total, len(values), len(values), extra=dict(extra or {}), note=empty
        )
    return IndicatorValue(
        total / len(values), total, len(values), len(values), extra=dict(extra or {})
    )


def median_or_none(values):
    values = list(values)
    return float(_median(values)) if values else None


def median_of_counts(counts):
    """The median (as ``median_or_none``) of the values ``{value: how many times}``."""
    total = sum(counts.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]  # the positions of the middle one or two
    found, seen = [], 0
    for value in sorted(counts):
        n = counts[value]
        while middle and middle[0] < seen + n:
            found.append(value)
            middle.pop(0)
        seen += n
        if not middle:
            break
    return float((found[0] + found[1]) / 2)


def durations(tracks: Iterable[Track]):
    """(days, reached) of each track: days until the event, or until last seen when not yet.
    A track seen before it started counts 0 days, not yet."""
    out = []
    for track in tracks:
        if track.reached is not None and track.reached <= track.seen:
            out.append((max((track.reached - track.start).days, 0), True))
        else:
            out.append((max((track.seen - track.start).days, 0), False))
    return out


def km_median(pairs):
    """Kaplan–Meier median of (time, reached) pairs; None when not reached by half.

    At each distinct time t with d events and r at risk (time ≥ t), S ← S × (1 − d/r).
    Censored at t stay at risk at t (events happen first, the usual convention).
    """
    pairs = sorted(pairs)
    if not pairs:
        return None
    at_risk = len(pairs)
    survival = 1.0
    i = 0
    while i < len(pairs):
        t = pairs[i][0]
        events = censored = 0
        while i < len(pairs) and pairs[i][0] == t:
            if pairs[i][1]:
                events += 1
            else:
                censored += 1
            i += 1
        if events:
            survival *= 1 - events / at_risk
            if abs(survival - 0.5) < 1e-12:
                # exactly one half: the midpoint between this time and the next event's
                later = [time for time, reached in pairs[i:] if reached]
                return (t + later[0]) / 2 if later else float(t)
            if survival < 0.5:
                return float(t)
        at_risk -= events + censored
    return None


def plain_censored_median(pairs):
    """The median with everyone not yet there counted as never there (infinitely late):
    None when half or more are not there. An upper bound of the Kaplan–Meier median."""
    times = sorted(time if reached else float("inf") for time, reached in pairs)
    if not times:
        return None
    value = _median(times)
    return None if value == float("inf") else float(value)


def censored_median(tracks: Iterable[Track], *, scale=1.0, unit="days", extra=None):
    """The IndicatorValue of a censored measure: Kaplan–Meier median (in days ÷ ``scale``),
    ``numerator`` = reached, ``denominator`` = n, ``not_yet`` = not reached yet."""
    return censored_median_of(durations(tracks), scale=scale, extra=extra)


def censored_median_of(pairs, *, scale=1.0, extra=None):
    """:func:`censored_median` from the tracks' ``durations`` ((days, reached) pairs: what
    the tracks of several groups add up to)."""
    pairs = list(pairs)
    n = len(pairs)
    reached = sum(1 for _, done in pairs if done)
    extra = dict(extra or {})
    if not n:
        return IndicatorValue(None, 0, 0, 0, not_yet=0, extra=extra, note="nobody to count yet")
    value = km_median(pairs)
    if value is None:
        return IndicatorValue(
            None, reached, n, n, not_yet=n - reached, extra=extra, note="not yet reached by half"
        )
    return IndicatorValue(value / scale, reached, n, n, not_yet=n - reached, extra=extra)


def in_period(day, start, end):
    return day is not None and start <= day <= end
