"""Mentor load and mentor recognition (X5): senior time stays sustainable, and the people who
give it are seen. Pure (see base.py)."""

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .base import MONTH_DAYS, IndicatorValue, share

# Why mentor load has no figure: what the intake asks for is not hours.
MISSING_HOURS = "no mentor states hours a week yet (the intake asks for time slots, not hours)"


@dataclass(frozen=True)
class MentorWork:
    """A mentor over a period: their active mentees, the (day, minutes) of the sessions they
    delivered, and the hours a week they said they can give (None: not stated)."""

    mentees: int
    sessions: tuple[tuple[date, int], ...] = ()
    available_hours_per_week: float | None = None


def mentor_load(mentors, *, start, end):
    """Hours of sessions delivered in [start, end] ÷ the hours the mentors said they can
    give in that time (their weekly hours × the period's weeks), over the mentors who stated
    them. ``extra``: mentees per mentor, sessions a month per mentor (both over every mentor),
    over_capacity = mentors above their stated hours, no_availability = mentors who stated
    none."""
    totals = []
    for m in mentors:
        minutes = [minutes for day, minutes in m.sessions if start <= day <= end]
        stated = m.available_hours_per_week
        totals.append(MentorTotals(m.mentees, len(minutes), sum(minutes), stated))
    return mentor_load_of(totals, days=(end - start).days + 1)


class MentorTotals(NamedTuple):
    """A mentor over a period, counted: active mentees, sessions delivered in the period and
    their minutes, stated hours a week (None: not stated). What :func:`mentor_load_of`
    computes from (a mentor's totals from several pairs add up)."""

    mentees: int
    sessions: int
    minutes: int
    available_hours_per_week: float | None = None


def mentor_load_of(mentors, *, days):
    """:func:`mentor_load` from the mentors' ``MentorTotals`` of a period of ``days`` days."""
    mentors = list(mentors)
    weeks, months = days / 7, days / MONTH_DAYS
    stated = [m for m in mentors if m.available_hours_per_week]
    used = sum(m.minutes / 60 for m in stated)
    available = sum(m.available_hours_per_week * weeks for m in stated)
    sessions = sum(m.sessions for m in mentors)
    extra = {
        "mentees_per_mentor": (sum(m.mentees for m in mentors) / len(mentors)) if mentors else None,
        "sessions_per_month": (sessions / len(mentors) / months) if mentors and months else None,
        "over_capacity": sum(
            1 for m in stated if m.minutes / 60 > m.available_hours_per_week * weeks
        ),
        "no_availability": len(mentors) - len(stated),
    }
    result = share(
        used, available, n=len(mentors), extra=extra, empty="no mentor stated their hours"
    )
    return result


@dataclass(frozen=True)
class MentorRecognition:
    """A mentor's sessions delivered, kudos received and time-bank credits (minutes) in a
    period."""

    sessions_delivered: int = 0
    kudos: int = 0
    credit_minutes: int = 0


def mentor_recognition(mentors):
    """Sessions delivered (the figure), with kudos and credit hours beside it, summed over
    the mentors; ``extra`` also gives sessions per mentor."""
    mentors = list(mentors)
    sessions = sum(m.sessions_delivered for m in mentors)
    extra = {
        "kudos": sum(m.kudos for m in mentors),
        "credit_hours": sum(m.credit_minutes for m in mentors) / 60,
        "sessions_per_mentor": sessions / len(mentors) if mentors else None,
    }
    if not mentors:
        return IndicatorValue(None, 0, 0, 0, extra=extra, note="no mentor")
    return IndicatorValue(float(sessions), sessions, len(mentors), len(mentors), extra=extra)
