"""Censored leading indicators: time to match, time to competence, ramp time. Pure (see
base.py for the Kaplan–Meier median and why)."""

from dataclasses import dataclass
from datetime import date

from .base import Track, censored_median


@dataclass(frozen=True)
class LevelReading:
    """A competency's level for a mentee on a day: an assessment or a signal."""

    on: date
    level: float


def first_reached(readings, *, target_level, since):
    """The first day on or after ``since`` a reading reaches ``target_level``, or None."""
    days = sorted(r.on for r in readings if r.on >= since and r.level >= target_level)
    return days[0] if days else None


def time_to_match(tracks):
    """Median days from accepting the invitation to an accepted pairing; people still
    waiting are counted as not yet (Track.start = accepted invitation, reached = pairing
    accepted, seen = today or the day they left)."""
    return censored_median(tracks)


def time_to_competence(tracks):
    """Median days from the pairing's start until a competency's assessed or signalled level
    first reaches the objective's target level: one track per mentee and objective."""
    return censored_median(tracks)


def ramp_time(tracks):
    """Median days from a person's start (the pairing's start) until every objective of
    their plan has reached its target level: one track per mentee."""
    return censored_median(tracks)


def ramp_reached(objective_days):
    """The day the last objective was reached, or None while any is not (no objective: None)."""
    objective_days = list(objective_days)
    if not objective_days or any(day is None for day in objective_days):
        return None
    return max(objective_days)


__all__ = [
    "LevelReading",
    "Track",
    "first_reached",
    "ramp_reached",
    "ramp_time",
    "time_to_competence",
    "time_to_match",
]
