"""Compatibility scoring and hard constraints of one pair, for mentor matching (M1, M2).

This module is pure: no database, no Django. The Django layer reads intake forms
(P6) into :class:`MenteeProfile` and :class:`MentorProfile`, and the program's weights
into :class:`Weights`; everything here works on those plain values, so it can be
unit-tested in milliseconds and reused by the optimiser, the admin's proposal page and
the benchmark.

Two views of the same score are offered, and they must agree (a test checks it to 1e-5):

* :func:`score_pair` scores one pair and explains every component in words, for the
  admin who reviews a proposal ("Strong fit on Client Communication (mentor level 4,
  mentee priority 1)").
* :class:`~matching.engine.matrix.PairScorer` (and :func:`~matching.engine.matrix.score_matrix`
  on top of it), in :mod:`matching.engine.matrix`, scores a whole cohort at
  once with numpy, a block of mentees at a time, for the optimiser. Most components are
  linear in one-hot features of each side, so they fold into a single matrix product;
  only the availability overlap needs a second product and a saturation.

Conventions the Django layer must follow when building profiles:

* ``availability`` holds *UTC* hours of the week: slot ``0`` is Monday 00:00-01:00
  UTC, slot ``167`` is Sunday 23:00-24:00 UTC. Intake collects local hours; the
  builder shifts them by the person's UTC offset, so two people's slots can be
  intersected directly. Coarser blocks (e.g. morning/afternoon) are expressed by
  listing every hour of the block.
* Mentor ids (``MentorProfile.id``) are the ids used everywhere else: in
  ``past_mentor_ids``, in admin exclusions and in locked pairs. Past pairings from an
  earlier program must be mapped onto the current mentor profiles by the builder.
* ``manager_id`` and ``user_id`` are user ids, so "never the mentee's own manager" is
  checked against the mentor's *user*, not their profile.
* "Same organisation" (M2) is guaranteed by the caller, who only ever passes the
  profiles of one organisation's program.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields

import numpy as np

FORMATS: tuple[str, ...] = ("one_to_one", "micro", "cohort", "network")
FORMAT_LABELS: Mapping[str, str] = {
    "one_to_one": "one-to-one",
    "micro": "micro-mentoring",
    "cohort": "cohort",
    "network": "network",
}
# The learning styles of programs' intake (programs.models.intake.LEARNING_STYLES), as words.
STYLE_LABELS: Mapping[str, str] = {
    "hands_on": "hands-on",
    "observe": "observe-first",
    "discuss": "talk-it-through",
    "read": "read-and-reflect",
}
HOURS_PER_WEEK = 168
# A weekly session needs some slack to be scheduled and moved: four shared hours a week
# count as full availability; fewer scale down linearly.
AVAILABILITY_TARGET_HOURS = 4
# Time zones this many hours apart (or more) share no normal working day: score 0.
TIMEZONE_ZERO_HOURS = 8
# Mentee priority 1 (most important) counts three times as much as priority 3.
PRIORITY_WEIGHTS: Mapping[int, float] = {1: 3.0, 2: 2.0, 3: 1.0}
MAX_LEVEL = 5
MAX_READINESS = 5.0
MAX_UTC_OFFSET_MINUTES = 14 * 60
MINUTES_PER_DAY = 24 * 60

ALL_WEIGHTS_ZERO = "All matching weights are zero: raise at least one weight"


# --------------------------------------------------------------------------- inputs


def _as_frozenset(owner: object, name: str) -> None:
    """Store a set-like field as a frozenset, so profiles are safe to share."""
    object.__setattr__(owner, name, frozenset(getattr(owner, name)))


def _check_slots(kind: str, ident: int, slots: frozenset[int]) -> None:
    """Refuse hours outside the week: a bad slot would silently never overlap."""
    bad = [s for s in slots if not 0 <= s < HOURS_PER_WEEK]
    if bad:
        raise ValueError(f"{kind} {ident}: availability slots must be 0..167, got {sorted(bad)}")


def _check_offset(kind: str, ident: int, minutes: int) -> None:
    """Refuse UTC offsets no place on Earth has (a unit mix-up, hours for minutes)."""
    if abs(minutes) > MAX_UTC_OFFSET_MINUTES:
        raise ValueError(f"{kind} {ident}: UTC offset {minutes} minutes is out of range")


@dataclass(frozen=True, slots=True)
class MenteeProfile:
    """What matching needs to know about one mentee, read from the intake form.

    ``goals`` maps competency id to priority: 1 is the most important, 3 the least.
    ``availability`` is a set of UTC hours of the week (see the module docs).
    ``preferred_format`` is one of :data:`FORMATS` or ``""`` for no preference; an empty
    ``learning_style`` means no preference either. ``past_mentor_ids`` are mentor ids
    this mentee was paired with before. ``user_id`` lets the constraints refuse to
    pair a person with themself.
    """

    id: int
    goals: Mapping[int, int] = field(default_factory=dict)
    availability: frozenset[int] = frozenset()
    utc_offset_minutes: int = 0
    preferred_format: str = ""
    learning_style: str = ""
    department: str = ""
    manager_id: int | None = None
    past_mentor_ids: frozenset[int] = frozenset()
    user_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "goals", dict(self.goals))
        _as_frozenset(self, "availability")
        _as_frozenset(self, "past_mentor_ids")
        bad = {c: p for c, p in self.goals.items() if p not in PRIORITY_WEIGHTS}
        if bad:
            raise ValueError(f"Mentee {self.id}: goal priorities must be 1, 2 or 3, got {bad}")
        if self.preferred_format and self.preferred_format not in FORMATS:
            raise ValueError(f"Mentee {self.id}: unknown format {self.preferred_format!r}")
        _check_slots("Mentee", self.id, self.availability)
        _check_offset("Mentee", self.id, self.utc_offset_minutes)


@dataclass(frozen=True, slots=True)
class MentorProfile:
    """What matching needs to know about one mentor, read from the intake form.

    ``offers`` maps competency id to the mentor's level, 1 (basic) to 5 (expert).
    ``formats`` are the program formats the mentor takes part in, ``styles`` the
    coaching styles they use (compared with mentees' learning styles). ``capacity`` is
    how many mentees they take in this program. ``readiness`` is the mean of the
    readiness rubric (coaching aptitude, time availability, domain credibility) on a
    0-5 scale, or ``None`` when nobody has scored it yet. ``user_id`` is compared with
    the mentee's ``manager_id`` and ``user_id``.
    """

    id: int
    offers: Mapping[int, int] = field(default_factory=dict)
    availability: frozenset[int] = frozenset()
    utc_offset_minutes: int = 0
    formats: frozenset[str] = frozenset()
    styles: frozenset[str] = frozenset()
    department: str = ""
    capacity: int = 1
    readiness: float | None = None
    user_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "offers", dict(self.offers))
        _as_frozenset(self, "availability")
        _as_frozenset(self, "formats")
        _as_frozenset(self, "styles")
        bad = {c: lv for c, lv in self.offers.items() if not 1 <= lv <= MAX_LEVEL}
        if bad:
            raise ValueError(f"Mentor {self.id}: competency levels must be 1..5, got {bad}")
        unknown = self.formats - set(FORMATS)
        if unknown:
            raise ValueError(f"Mentor {self.id}: unknown formats {sorted(unknown)}")
        if self.capacity < 0:
            raise ValueError(f"Mentor {self.id}: capacity cannot be negative")
        if self.readiness is not None and not 0.0 <= self.readiness <= MAX_READINESS:
            raise ValueError(f"Mentor {self.id}: readiness must be between 0 and 5")
        _check_slots("Mentor", self.id, self.availability)
        _check_offset("Mentor", self.id, self.utc_offset_minutes)


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each score component counts, set per program by its admin (M1, X8).

    Weights are relative: only their proportions matter, so an admin can type
    "4, 2, 1, 1, 1, 1" and get the same as the defaults. :meth:`normalised` turns them
    into shares of 1, which keeps every total score in [0, 1] whatever was typed.
    """

    competency: float = 0.40
    availability: float = 0.20
    timezone: float = 0.10
    format: float = 0.10
    diversity: float = 0.10
    history: float = 0.10

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"Matching weight {f.name!r} must be a number of 0 or more")

    def normalised(self) -> Weights:
        """Return the same proportions scaled to sum to 1.

        Raises ``ValueError`` when every weight is zero: there would be nothing to
        rank mentors by, and silently scoring everyone 0 would hide the mistake.
        """
        total = sum(getattr(self, f.name) for f in fields(self))
        if total <= 0:
            raise ValueError(ALL_WEIGHTS_ZERO)
        return Weights(**{f.name: getattr(self, f.name) / total for f in fields(self)})


# -------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Component:
    """One part of a compatibility score: its value in [0, 1], its share and why."""

    name: str
    label: str
    value: float
    weight: float
    explanation: str

    @property
    def contribution(self) -> float:
        """What this component adds to the total score."""
        return self.value * self.weight


@dataclass(frozen=True, slots=True)
class Score:
    """A pair's total compatibility in [0, 1] with the components it is made of."""

    total: float
    components: tuple[Component, ...]

    def component(self, name: str) -> Component:
        """Return the component called ``name`` (e.g. ``"competency"``)."""
        for c in self.components:
            if c.name == name:
                return c
        raise KeyError(name)

    def stored(self) -> list[list]:
        """The breakdown as stored on proposals and pairings (JSON), one row per component:
        ``[name, label, value, weight, explanation]``."""
        return [
            [c.name, c.label, round(c.value, 4), round(c.weight, 4), c.explanation]
            for c in self.components
        ]


def weighed_rows(rows) -> list[list]:
    """The stored breakdown rows (``Score.stored``) of the factors that weigh in, in order."""
    return [row for row in rows or () if len(row) > 4 and row[3] and row[3] > 0]


LABELS: Mapping[str, str] = {
    "competency": "Competency fit",
    "availability": "Availability overlap",
    "timezone": "Time zone",
    "format": "Format and learning style",
    "diversity": "Cross-functional diversity",
    "history": "Past pairings",
}


# ----------------------------------------------------------------- scalar components


def _plural(n: int, word: str) -> str:
    """Plural for explanations that people read: 1 hour, 6 hours."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _competency(
    mentee: MenteeProfile, mentor: MentorProfile, names: Mapping[int, str]
) -> tuple[float, str]:
    """Fit of mentor strengths to mentee gaps.

    Each goal counts by its priority (1 -> 3, 2 -> 2, 3 -> 1) and is met to the extent
    of the mentor's level out of 5 (not offered -> 0). The value is the weighted mean,
    so 1.0 means the mentor is an expert (level 5) in every goal, and a mentor who
    covers the top priority well beats one who covers a minor goal perfectly.
    """

    def name(c: int) -> str:
        return names.get(c, f"competency {c}")

    if not mentee.goals:
        return 0.0, "The mentee has not named any competency goals"
    total_weight = sum(PRIORITY_WEIGHTS[p] for p in mentee.goals.values())
    met = sum(
        PRIORITY_WEIGHTS[p] * mentor.offers.get(c, 0) / MAX_LEVEL for c, p in mentee.goals.items()
    )
    value = met / total_weight
    covered = sorted(
        (c for c in mentee.goals if c in mentor.offers),
        key=lambda c: (mentee.goals[c], -mentor.offers[c], name(c)),
    )
    missing = sorted((c for c in mentee.goals if c not in mentor.offers), key=mentee.goals.get)
    if not covered:
        gaps = ", ".join(f"{name(c)} (priority {mentee.goals[c]})" for c in missing)
        return value, f"Offers none of the mentee's goals: {gaps}"
    parts = []
    for c in covered[:3]:
        level = mentor.offers[c]
        strength = "Strong fit" if level >= 4 else "Good fit" if level == 3 else "Some fit"
        parts.append(
            f"{strength} on {name(c)} (mentor level {level}, mentee priority {mentee.goals[c]})"
        )
    text = "; ".join(parts)
    if len(covered) > 3:
        text += f"; and {len(covered) - 3} more"
    if missing:
        gaps = ", ".join(f"{name(c)} (priority {mentee.goals[c]})" for c in missing)
        text += f". Not offered: {gaps}"
    return value, text


def _availability(mentee: MenteeProfile, mentor: MentorProfile) -> tuple[float, str]:
    """Shared weekly hours, saturating at :data:`AVAILABILITY_TARGET_HOURS`."""
    if not mentee.availability and not mentor.availability:
        return 0.0, "Neither side has given availability"
    if not mentee.availability:
        return 0.0, "The mentee has not given availability"
    if not mentor.availability:
        return 0.0, "The mentor has not given availability"
    hours = len(mentee.availability & mentor.availability)
    value = min(hours, AVAILABILITY_TARGET_HOURS) / AVAILABILITY_TARGET_HOURS
    if hours == 0:
        return value, "No hours in common in the week"
    return value, f"{_plural(hours, 'hour')} a week in common"


def timezone_gap_minutes(a: int, b: int) -> int:
    """Distance between two UTC offsets on the 24-hour clock, in minutes.

    UTC-11 and UTC+13 are 24 hours apart on paper but keep the same wall clock, so the
    distance wraps around the day: it is at most 12 hours.
    """
    d = abs(a - b) % MINUTES_PER_DAY
    return min(d, MINUTES_PER_DAY - d)


def timezone_value(gap_minutes: int | np.ndarray) -> float | np.ndarray:
    """1 at the same offset, falling linearly to 0 at TIMEZONE_ZERO_HOURS apart."""
    return np.clip(1.0 - np.asarray(gap_minutes) / (TIMEZONE_ZERO_HOURS * 60), 0.0, 1.0)


def _describe_gap(minutes: int) -> str:
    """A time-zone gap in words: "Same time zone", "2 hours apart", "4 h 30 min apart"."""
    hours, rest = divmod(minutes, 60)
    if minutes == 0:
        return "Same time zone"
    if rest == 0:
        text = f"{_plural(hours, 'hour')} apart"
    elif hours == 0:
        text = f"{rest} min apart"
    else:
        text = f"{hours} h {rest} min apart"
    if minutes >= TIMEZONE_ZERO_HOURS * 60:
        text += ": hardly any shared working day"
    return text


def _timezone(mentee: MenteeProfile, mentor: MentorProfile) -> tuple[float, str]:
    """Closeness of time zones: 1 when equal, falling linearly to 0 at 8 hours apart."""
    gap = timezone_gap_minutes(mentee.utc_offset_minutes, mentor.utc_offset_minutes)
    return float(timezone_value(gap)), _describe_gap(gap)


def _format(mentee: MenteeProfile, mentor: MentorProfile) -> tuple[float, str]:
    """Half for the preferred format, half for the learning style; no preference is met."""
    if mentee.preferred_format:
        label = FORMAT_LABELS[mentee.preferred_format]
        format_ok = mentee.preferred_format in mentor.formats
        format_text = (
            f"Offers the preferred {label} format"
            if format_ok
            else f"Does not offer the preferred {label} format"
        )
    else:
        format_ok, format_text = True, "No format preference"
    if mentee.learning_style:
        style_ok = mentee.learning_style in mentor.styles
        style = STYLE_LABELS.get(mentee.learning_style, mentee.learning_style.replace("_", " "))
        style = f"{'an' if style[:1].lower() in 'aeiou' else 'a'} {style}"
        style_text = (
            f"coaching style suits {style} learner"
            if style_ok
            else f"no coaching style for {style} learner"
        )
    else:
        style_ok, style_text = True, "no learning style preference"
    return (float(format_ok) + float(style_ok)) / 2, f"{format_text}; {style_text}"


def _diversity(mentee: MenteeProfile, mentor: MentorProfile) -> tuple[float, str]:
    """Cross-functional pairs score 1, same department 0, unknown department 0.5.

    Pairing across functions spreads knowledge (a stated aim of the seed framework);
    a missing department is neutral rather than a penalty on either side.
    """
    if not mentee.department or not mentor.department:
        side = "mentee" if not mentee.department else "mentor"
        if not mentee.department and not mentor.department:
            side = "either side"
        return 0.5, f"Department not given for {side}: neutral"
    if mentee.department == mentor.department:
        return 0.0, f"Same department ({mentee.department})"
    return (
        1.0,
        f"Different department ({mentee.department} → {mentor.department}): broadens perspective",
    )


def _history(mentee: MenteeProfile, mentor: MentorProfile) -> tuple[float, str]:
    """A first pairing scores 1, a repeat 0: new pairs widen each person's network."""
    if mentor.id in mentee.past_mentor_ids:
        return 0.0, "Paired before: a repeat"
    return 1.0, "Not paired before: a fresh pairing"


def score_pair(
    mentee: MenteeProfile,
    mentor: MentorProfile,
    weights: Weights,
    competency_names: Mapping[int, str] | None = None,
) -> Score:
    """Score one pair and explain every component, for the admin's proposal review (M1).

    The total is the weighted mean of six components, each in [0, 1], with the
    program's weights normalised to sum to 1. The explanation of each component is a
    sentence an admin can read out to a participant. Hard constraints are *not*
    applied here: see :func:`constraint_violation`.
    """
    w = weights.normalised()
    names = competency_names or {}
    parts = {
        "competency": _competency(mentee, mentor, names),
        "availability": _availability(mentee, mentor),
        "timezone": _timezone(mentee, mentor),
        "format": _format(mentee, mentor),
        "diversity": _diversity(mentee, mentor),
        "history": _history(mentee, mentor),
    }
    components = tuple(
        Component(
            name=key,
            label=LABELS[key],
            value=float(value),
            weight=getattr(w, key),
            explanation=text,
        )
        for key, (value, text) in parts.items()
    )
    total = sum(c.contribution for c in components)
    return Score(total=min(max(total, 0.0), 1.0), components=components)


# ---------------------------------------------------------------------- constraints


def _shares_no_hour(mentee: MenteeProfile, mentor: MentorProfile) -> bool:
    """True when the two have no weekly hour in common (or either gave none)."""
    return not (mentee.availability & mentor.availability)


def constraint_violation(
    mentee: MenteeProfile,
    mentor: MentorProfile,
    *,
    readiness_threshold: float = 0.0,
    exclusions: Collection[tuple[int, int]] = frozenset(),
    max_timezone_gap_hours: float | None = None,
) -> str | None:
    """Return why this pair may never be proposed (M2), or ``None`` when it may.

    The rules are hard: no weight can buy them back. A person is never their own
    mentor nor mentored by their manager; an admin's exclusion of ``(mentee id, mentor
    id)`` is final; a mentor with no capacity takes nobody; a mentor below the
    program's readiness threshold (or not yet scored, when there is a threshold) waits.
    When ``max_timezone_gap_hours`` is given, a pair that shares no available hour and
    lives further apart than that cannot meet, so it is refused too.

    The vectorised twin is :meth:`PairScorer.block`; both must agree.
    """
    if mentee.user_id is not None and mentee.user_id == mentor.user_id:
        return "Mentor and mentee are the same person"
    if mentee.manager_id is not None and mentee.manager_id == mentor.user_id:
        return "The mentor is the mentee's manager"
    if (mentee.id, mentor.id) in exclusions:
        return "An admin excluded this pair"
    if mentor.capacity <= 0:
        return "The mentor has no capacity"
    if readiness_threshold > 0:
        if mentor.readiness is None:
            return f"The mentor's readiness has not been scored (threshold {readiness_threshold:g})"
        if mentor.readiness < readiness_threshold:
            return (
                f"The mentor's readiness ({mentor.readiness:g}) is below the threshold "
                f"({readiness_threshold:g})"
            )
    if max_timezone_gap_hours is not None and _shares_no_hour(mentee, mentor):
        gap = timezone_gap_minutes(mentee.utc_offset_minutes, mentor.utc_offset_minutes)
        if gap > max_timezone_gap_hours * 60:
            return (
                f"No shared available hour and {_describe_gap(gap).split(':')[0]} "
                f"(limit {max_timezone_gap_hours:g} hours)"
            )
    return None
