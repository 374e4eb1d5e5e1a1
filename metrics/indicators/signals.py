"""Trainer signals logged in sessions: technique consistency and independent problem-solving
(rubric 1 to 5) over time, and client retention when a trainee leads sessions (a number
signal in percent). Pure (see base.py)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from math import fsum
from typing import NamedTuple

from .base import IndicatorValue, median_or_none

RUBRIC_MIN, RUBRIC_MAX = 1, 5


@dataclass(frozen=True)
class SignalReading:
    """A signal's value for a trainee (``subject``: any key of the person) on a day."""

    subject: object
    on: date
    value: float


def _order(reading):
    # the day, then the value: two readings of one day are in one order whatever the order
    # they were read in (so a trainee's summary merges the same from any number of parts)
    return (reading.on, reading.value)


def _by_subject(readings, start, end):
    grouped = defaultdict(list)
    for reading in readings:
        if start <= reading.on <= end:
            grouped[reading.subject].append(reading)
    for rows in grouped.values():
        rows.sort(key=_order)
    return grouped


class SubjectSignal(NamedTuple):
    """What a trainee's readings of a period come to: their first and latest reading (day
    and value) and how many there were. Summaries of one trainee from several pairs merge
    (:func:`merge_subjects`) into the summary of all their readings. (A tuple: the levels
    above a pair merge tens of thousands.)"""

    first_on: int  # a day's ordinal
    first_value: float
    last_on: int
    last_value: float
    readings: int = 1


def subject_signals(readings, *, start, end):
    """``{subject: SubjectSignal}`` of the readings in [start, end]."""
    out = {}
    for subject, rows in _by_subject(readings, start, end).items():
        first, last = rows[0], rows[-1]
        out[subject] = SubjectSignal(
            first.on.toordinal(), first.value, last.on.toordinal(), last.value, len(rows)
        )
    return out


def merge_subjects(into, more):
    """Merge ``more`` (``{subject: SubjectSignal}``, or the same five values in a list, as a
    stored part has them) into ``into`` (changed in place)."""
    # the usual case, a trainee in one pair (two views: the smaller one is walked)
    if more.keys().isdisjoint(into.keys()):
        into.update(more)
        return into
    for subject, s in more.items():
        had = into.get(subject)
        if had is None:
            into[subject] = s
            continue
        first = min((had[0], had[1]), (s[0], s[1]))
        last = max((had[2], had[3]), (s[2], s[3]))
        into[subject] = SubjectSignal(*first, *last, had[4] + s[4])
    return into


def signal_over_time(readings, *, start, end):
    """Mean over trainees of their latest reading in [start, end]; ``extra``: change = mean
    over trainees with two readings or more of (latest − first), and how many have that.
    Each trainee counts once, however often they were scored."""
    return signal_of_subjects(subject_signals(readings, start=start, end=end))


def signal_of_subjects(subjects):
    """:func:`signal_over_time` from the trainees' summaries (``{subject: SubjectSignal}``,
    or the same five values in a list: read by position)."""
    summaries = subjects.values()
    latest = [s[3] for s in summaries]
    changes = [s[3] - s[1] for s in summaries if s[4] > 1]
    extra = {
        "change": fsum(changes) / len(changes) if changes else None,
        "with_change": len(changes),
        "readings": sum(s[4] for s in summaries),
    }
    if not latest:
        return IndicatorValue(None, 0, 0, 0, extra=extra, note="no signal logged")
    total = fsum(latest)  # exactly rounded: the same in whatever order the trainees come
    return IndicatorValue(total / len(latest), total, len(latest), len(latest), extra=extra)


def technique_consistency(readings, *, start, end):
    return signal_over_time(readings, start=start, end=end)


def problem_solving(readings, *, start, end):
    return signal_over_time(readings, start=start, end=end)


def client_retention(readings, *, start, end):
    """Mean over trainees of their latest "client retention when the trainee leads sessions"
    value in [start, end], as a share (the signal is logged in percent; values outside 0..100
    are left out and counted in ``extra`` as out_of_range)."""
    return client_retention_of(*client_retention_parts(readings, start=start, end=end))


def client_retention_parts(readings, *, start, end):
    """``({subject: SubjectSignal} of the values in range, as shares; out of range)``: what
    :func:`client_retention_of` computes the figure from (parts of several pairs add up:
    the summaries merge, the counts add)."""
    kept = [SignalReading(r.subject, r.on, r.value / 100) for r in readings if 0 <= r.value <= 100]
    out = sum(1 for r in readings if not 0 <= r.value <= 100 and start <= r.on <= end)
    return subject_signals(kept, start=start, end=end), out


def client_retention_of(subjects, out_of_range):
    result = signal_of_subjects(subjects)
    extra = dict(
        result.extra,
        out_of_range=out_of_range,
        median=median_or_none(s[3] for s in subjects.values()),
    )
    return IndicatorValue(
        result.value, result.numerator, result.denominator, result.n, extra=extra, note=result.note
    )
