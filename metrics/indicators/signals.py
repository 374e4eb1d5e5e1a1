"""Trainer signals logged in sessions: technique consistency and independent problem-solving
(rubric 1 to 5) over time, and client retention when a trainee leads sessions (a number
signal in percent). Pure (see base.py)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from .base import IndicatorValue, median_or_none

RUBRIC_MIN, RUBRIC_MAX = 1, 5


@dataclass(frozen=True)
class SignalReading:
    """A signal's value for a trainee (``subject``: any key of the person) on a day."""

    subject: object
    on: date
    value: float


def _by_subject(readings, start, end):
    grouped = defaultdict(list)
    for reading in readings:
        if start <= reading.on <= end:
            grouped[reading.subject].append(reading)
    for rows in grouped.values():
        rows.sort(key=lambda r: r.on)
    return grouped


def signal_over_time(readings, *, start, end):
    """Mean over trainees of their latest reading in [start, end]; ``extra``: change = mean
    over trainees with two readings or more of (latest − first), and how many have that.
    Each trainee counts once, however often they were scored."""
    grouped = _by_subject(readings, start, end)
    latest = [rows[-1].value for rows in grouped.values()]
    changes = [rows[-1].value - rows[0].value for rows in grouped.values() if len(rows) > 1]
    extra = {
        "change": sum(changes) / len(changes) if changes else None,
        "with_change": len(changes),
        "readings": sum(len(rows) for rows in grouped.values()),
    }
    if not latest:
        return IndicatorValue(None, 0, 0, 0, extra=extra, note="no signal logged")
    total = sum(latest)
    return IndicatorValue(total / len(latest), total, len(latest), len(latest), extra=extra)


def technique_consistency(readings, *, start, end):
    return signal_over_time(readings, start=start, end=end)


def problem_solving(readings, *, start, end):
    return signal_over_time(readings, start=start, end=end)


def client_retention(readings, *, start, end):
    """Mean over trainees of their latest "client retention when the trainee leads sessions"
    value in [start, end], as a share (the signal is logged in percent; values outside 0..100
    are left out and counted in ``extra`` as out_of_range)."""
    kept = [r for r in readings if 0 <= r.value <= 100]
    result = signal_over_time(
        [SignalReading(r.subject, r.on, r.value / 100) for r in kept], start=start, end=end
    )
    out = sum(1 for r in readings if not 0 <= r.value <= 100 and start <= r.on <= end)
    extra = dict(
        result.extra,
        out_of_range=out,
        median=median_or_none(
            rows[-1].value / 100 for rows in _by_subject(kept, start, end).values()
        ),
    )
    return IndicatorValue(
        result.value, result.numerator, result.denominator, result.n, extra=extra, note=result.note
    )
