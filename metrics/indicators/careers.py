"""Lagging indicators from outcome events (hired, promoted, role change, department change,
left): retention, promotion rate, promotion velocity, internal mobility; and the
certification rate. Pure (see base.py).

A person's outcome events become a ``Career`` (``career_from_events``); every indicator
here takes careers and a period, so participants and non-participants go through the same
arithmetic.
"""

from dataclasses import dataclass
from datetime import date

from .base import MONTH_DAYS, Track, censored_median, share

HIRED = "hired"
PROMOTED = "promoted"
ROLE_CHANGE = "role_change"
DEPARTMENT_CHANGE = "department_change"
LEFT = "left"
EVENTS = (HIRED, PROMOTED, ROLE_CHANGE, DEPARTMENT_CHANGE, LEFT)


@dataclass(frozen=True)
class CareerEvent:
    on: date
    event: str  # one of EVENTS
    department: str = ""
    role: str = ""


@dataclass(frozen=True)
class Career:
    """One person: hired on (None: before the records start), left on (None: still here),
    the days of their promotions and of their moves across departments."""

    hired_on: date | None = None
    left_on: date | None = None
    promotions: tuple[date, ...] = ()
    moves: tuple[date, ...] = ()

    def employed_on(self, day):
        return (self.hired_on is None or self.hired_on <= day) and (
            self.left_on is None or self.left_on > day
        )


def career_from_events(events, *, department=""):
    """A Career from one person's events in any order. A department change counts as a move
    when it names a department other than the one they were in (or names none); a role
    change counts as a move when it names another department. ``department``: where they
    were before the first event (their membership's department), when known. The last
    hire and the last departure count (a rehire after leaving starts again)."""
    hired_on = left_on = None
    promotions, moves = [], []
    current = department.strip().lower()
    for event in sorted(events, key=lambda e: (e.on, EVENTS.index(e.event))):
        named = event.department.strip().lower()
        if event.event == HIRED:
            hired_on, left_on = event.on, None
            current = named or current
        elif event.event == LEFT:
            left_on = event.on
        elif event.event == PROMOTED:
            promotions.append(event.on)
            current = named or current
        elif event.event == DEPARTMENT_CHANGE:
            if not named or named != current:
                moves.append(event.on)
            current = named or current
        elif event.event == ROLE_CHANGE:
            if named and named != current:
                moves.append(event.on)
            current = named or current
    return Career(hired_on, left_on, tuple(promotions), tuple(moves))


def _employed_at_start(careers, start):
    return [c for c in careers if c.employed_on(start)]


def retention(careers, *, start, end):
    """Of the people employed on ``start``, the share still employed on ``end`` (SHRM's
    retention: people hired during the period do not count)."""
    group = _employed_at_start(careers, start)
    stayed = sum(1 for c in group if c.employed_on(end))
    return share(
        stayed,
        len(group),
        extra={"left": len(group) - stayed},
        empty="nobody employed at the start",
    )


def promotion_rate(careers, *, start, end):
    """Promotions in [start, end] ÷ the group's average headcount ((at start + at end) ÷ 2)."""
    careers = list(careers)
    at_start = sum(1 for c in careers if c.employed_on(start))
    at_end = sum(1 for c in careers if c.employed_on(end))
    promotions = sum(1 for c in careers for day in c.promotions if start <= day <= end)
    headcount = (at_start + at_end) / 2
    # n: everyone employed at some time in the period (at its start, or hired during it)
    people = sum(
        1
        for c in careers
        if c.employed_on(start) or (c.hired_on is not None and start < c.hired_on <= end)
    )
    return share(promotions, headcount, n=people, empty="nobody employed")


def promotion_tracks(careers, *, start, as_of):
    """One Track per person employed on ``start``: from ``start`` to their next promotion,
    seen until they left or ``as_of``."""
    tracks = []
    for career in _employed_at_start(careers, start):
        nexts = sorted(day for day in career.promotions if day > start)
        seen = min(as_of, career.left_on) if career.left_on else as_of
        tracks.append(Track(start, nexts[0] if nexts else None, seen))
    return tracks


def promotion_velocity(tracks):
    """Median months from the cohort's start to the next promotion, Kaplan–Meier with people
    not yet promoted (or who left unpromoted) censored, not dropped."""
    return censored_median(tracks, scale=MONTH_DAYS)


def internal_mobility(careers, *, start, end):
    """Of the people employed on ``start``, the share who moved to another department
    (a department change, or a role change into another department) by ``end``."""
    group = _employed_at_start(careers, start)
    moved = sum(1 for c in group if any(start < day <= end for day in c.moves))
    return share(moved, len(group), empty="nobody employed at the start")


@dataclass(frozen=True)
class CertificationCase:
    """A mentee whose cohort has ended: the average score of their final assessment (None:
    not assessed) and the program's threshold."""

    final_score: float | None
    threshold: float


def certification_rate(cases):
    """Mentees whose final assessment reaches the threshold ÷ mentees whose cohort ended;
    those not assessed count as not certified (``extra``: not_assessed)."""
    cases = list(cases)
    certified = sum(1 for c in cases if c.final_score is not None and c.final_score >= c.threshold)
    not_assessed = sum(1 for c in cases if c.final_score is None)
    return share(
        certified, len(cases), extra={"not_assessed": not_assessed}, empty="no cohort ended"
    )
