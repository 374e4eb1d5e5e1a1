"""Compatibility scoring and hard constraints for mentor matching (features M1 and M2).

This module is pure: no database, no Django. The Django layer reads intake forms
(P6) into :class:`MenteeProfile` and :class:`MentorProfile`, and the program's weights
into :class:`Weights`; everything here works on those plain values, so it can be
unit-tested in milliseconds and reused by the optimiser, the admin's proposal page and
the benchmark.

Two views of the same score are offered, and they must agree (a test checks it to 1e-5):

* :func:`score_pair` scores one pair and explains every component in words, for the
  admin who reviews a proposal ("Strong fit on Client Communication (mentor level 4,
  mentee priority 1)").
* :class:`PairScorer` (and :func:`score_matrix` on top of it) scores a whole cohort at
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
from collections.abc import Collection, Iterable, Mapping, Sequence
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


def _timezone_value(gap_minutes: int | np.ndarray) -> float | np.ndarray:
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
    return float(_timezone_value(gap)), _describe_gap(gap)


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
        style_text = (
            f"coaching style suits a {style} learner"
            if style_ok
            else f"no coaching style for a {style} learner"
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


# ----------------------------------------------------------------------- vectorised


def _vocabulary(values: Iterable[str]) -> dict[str, int]:
    """Column index per distinct non-empty label, in a stable (sorted) order."""
    return {v: i for i, v in enumerate(sorted({v for v in values if v}))}


class PairScorer:
    """Scores and hard constraints of every mentee-mentor pair of one cohort, in blocks.

    Built once per run, then asked for blocks of mentee rows, so a 20 000 x 5 000
    cohort never holds its 100 million scores in memory at once (the optimiser keeps
    only the best candidates of each block). ``block(start, stop)`` returns the float32
    scores, equal to :func:`score_pair`'s totals to about 1e-6, and the feasibility mask,
    equal to ``constraint_violation(...) is None``.

    How the components become matrix products: competency fit is ``G @ L.T`` with
    ``G[i, c]`` the mentee's normalised priority weight and ``L[j, c]`` the mentor's
    level / 5. Time zone, format, learning style and department depend on one category
    of each side, so each is a one-hot (or multi-hot) feature on both sides whose dot
    product is the component's value (the mentee side carries a row of the time-zone
    table, the department side carries ``0.5 + 0.5 k_e k_m - same``). These and a
    constant for "not paired before" are concatenated, weighted on the mentee side, and
    multiplied once. Availability is a 0/1 product over the 168 weekly hours, clipped at
    the target. Past pairings, manager and self pairs and exclusions are sparse and
    patched in afterwards.
    """

    def __init__(
        self,
        mentees: Sequence[MenteeProfile],
        mentors: Sequence[MentorProfile],
        weights: Weights,
        *,
        readiness_threshold: float = 0.0,
        exclusions: Collection[tuple[int, int]] = frozenset(),
        max_timezone_gap_hours: float | None = None,
    ) -> None:
        w = weights.normalised()
        self.mentees = list(mentees)
        self.mentors = list(mentors)
        self.weights = w
        self.readiness_threshold = readiness_threshold
        self.max_timezone_gap_hours = max_timezone_gap_hours
        n, m = len(self.mentees), len(self.mentors)
        self.mentee_index = {e.id: i for i, e in enumerate(self.mentees)}
        self.mentor_index = {r.id: j for j, r in enumerate(self.mentors)}
        if len(self.mentee_index) != n or len(self.mentor_index) != m:
            raise ValueError("Mentee ids and mentor ids must each be unique")

        left, right = [], []

        # Competency fit.
        comp = _vocabulary_ints(
            [c for e in self.mentees for c in e.goals] + [c for r in self.mentors for c in r.offers]
        )
        # Filled from flat index arrays (one entry per goal or offer), not cell by cell.
        g = np.zeros((n, len(comp)), np.float64)
        rows = _rows_of([len(e.goals) for e in self.mentees])
        cols = np.array([comp[c] for e in self.mentees for c in e.goals], np.int64)
        share = np.array(
            [PRIORITY_WEIGHTS[p] for e in self.mentees for p in e.goals.values()], np.float64
        )
        total = np.bincount(rows, share, minlength=n)  # each row's sum, added in order
        g[rows, cols] = share / total[rows]
        lv = np.zeros((m, len(comp)), np.float64)
        rows = _rows_of([len(r.offers) for r in self.mentors])
        cols = np.array([comp[c] for r in self.mentors for c in r.offers], np.int64)
        levels = np.array([v for r in self.mentors for v in r.offers.values()], np.int64)
        lv[rows, cols] = levels / MAX_LEVEL
        left.append(w.competency * g)
        right.append(lv)

        # Time zone: the mentee side carries its row of the (mentee, mentor offset) table.
        e_off = np.array([e.utc_offset_minutes for e in self.mentees], np.int64)
        m_off = np.array([r.utc_offset_minutes for r in self.mentors], np.int64)
        offsets, m_off_idx = np.unique(m_off, return_inverse=True)
        d = np.abs(e_off[:, None] - offsets[None, :]) % MINUTES_PER_DAY
        gap = np.minimum(d, MINUTES_PER_DAY - d)
        left.append(w.timezone * _timezone_value(gap))
        right.append(np.eye(len(offsets))[m_off_idx])

        # Preferred format: mentee one-hot plus a "no preference" column every mentor has.
        fmt = {f: k for k, f in enumerate(FORMATS)}
        f_e = np.zeros((n, len(FORMATS) + 1))
        none = len(FORMATS)
        chosen = [fmt[e.preferred_format] if e.preferred_format else none for e in self.mentees]
        f_e[np.arange(n), np.array(chosen, np.int64)] = 1
        f_m = np.zeros((m, len(FORMATS) + 1))
        f_m[:, len(FORMATS)] = 1
        for j, r in enumerate(self.mentors):
            for f in r.formats:
                f_m[j, fmt[f]] = 1
        left.append(0.5 * w.format * f_e)
        right.append(f_m)

        # Learning style, the same way.
        sty = _vocabulary(
            [e.learning_style for e in self.mentees] + [s for r in self.mentors for s in r.styles]
        )
        s_e = np.zeros((n, len(sty) + 1))
        none = len(sty)
        chosen = [sty[e.learning_style] if e.learning_style else none for e in self.mentees]
        s_e[np.arange(n), np.array(chosen, np.int64)] = 1
        s_m = np.zeros((m, len(sty) + 1))
        s_m[:, len(sty)] = 1
        for j, r in enumerate(self.mentors):
            for s in r.styles:
                s_m[j, sty[s]] = 1
        left.append(0.5 * w.format * s_e)
        right.append(s_m)

        # Department: value = 0.5 + 0.5 * known_e * known_m - same_department.
        dep = _vocabulary(
            [e.department for e in self.mentees] + [r.department for r in self.mentors]
        )
        d_e = np.zeros((n, len(dep) + 2))
        d_e[:, 0] = 1.0
        known = [(i, dep[e.department]) for i, e in enumerate(self.mentees) if e.department]
        at = np.array(known, np.int64).reshape(-1, 2)
        d_e[at[:, 0], 1] = 0.5
        d_e[at[:, 0], 2 + at[:, 1]] = -1.0
        d_m = np.zeros((m, len(dep) + 2))
        d_m[:, 0] = 0.5
        for j, r in enumerate(self.mentors):
            if r.department:
                d_m[j, 1] = 1.0
                d_m[j, 2 + dep[r.department]] = 1.0
        left.append(w.diversity * d_e)
        right.append(d_m)

        # History: every pair starts as "not paired before"; repeats are patched below.
        left.append(np.full((n, 1), w.history))
        right.append(np.ones((m, 1)))

        self._left = np.ascontiguousarray(np.hstack(left), np.float32)
        self._right_t = np.ascontiguousarray(np.hstack(right).T, np.float32)

        # Availability as 0/1 hours of the week; hours nobody on one side has are dropped
        # (they add nothing to any overlap) to keep the product small.
        avail_e = np.zeros((n, HOURS_PER_WEEK), np.float32)
        avail_e[
            _rows_of([len(e.availability) for e in self.mentees]),
            np.array([h for e in self.mentees for h in e.availability], np.int64),
        ] = 1
        avail_m = np.zeros((m, HOURS_PER_WEEK), np.float32)
        avail_m[
            _rows_of([len(r.availability) for r in self.mentors]),
            np.array([h for r in self.mentors for h in r.availability], np.int64),
        ] = 1
        hours = avail_e.any(axis=0) & avail_m.any(axis=0)
        # The mentee side is pre-scaled by weight / target hours, so clipping the product
        # at the weight gives the weighted component in one pass. A zero weight keeps
        # the raw hours, which the reach rule still needs.
        scale = w.availability / AVAILABILITY_TARGET_HOURS if w.availability else 1.0
        self._avail_e = np.ascontiguousarray(avail_e[:, hours] * np.float32(scale))
        self._avail_m_t = np.ascontiguousarray(avail_m[:, hours].T)
        self._avail_cap = np.float32(w.availability)

        repeats = [
            (i, self.mentor_index[mid])
            for i, e in enumerate(self.mentees)
            for mid in e.past_mentor_ids
            if mid in self.mentor_index
        ]
        self._repeat_rows, self._repeat_cols = _sorted_pairs(repeats)
        self._repeat_penalty = np.float32(w.history)

        # Hard constraints that depend on the mentor alone.
        capacity = np.array([r.capacity for r in self.mentors], np.int64)
        readiness = np.array(
            [np.nan if r.readiness is None else r.readiness for r in self.mentors], np.float64
        )
        self.capacity_ok = capacity > 0
        if readiness_threshold > 0:
            with np.errstate(invalid="ignore"):
                self.readiness_ok = readiness >= readiness_threshold
        else:
            self.readiness_ok = np.ones(m, bool)
        self.mentor_ok = self.capacity_ok & self.readiness_ok
        self._closed_cols = np.flatnonzero(~self.mentor_ok)

        # Hard constraints on pairs, all sparse: self, manager, admin exclusion.
        by_user: dict[int, list[int]] = {}
        for j, r in enumerate(self.mentors):
            if r.user_id is not None:
                by_user.setdefault(r.user_id, []).append(j)
        self_pairs = [
            (i, j)
            for i, e in enumerate(self.mentees)
            if e.user_id is not None
            for j in by_user.get(e.user_id, ())
        ]
        manager_pairs = [
            (i, j)
            for i, e in enumerate(self.mentees)
            if e.manager_id is not None
            for j in by_user.get(e.manager_id, ())
        ]
        excluded_pairs = [
            (self.mentee_index[a], self.mentor_index[b])
            for a, b in exclusions
            if a in self.mentee_index and b in self.mentor_index
        ]
        self._pair_rules = {
            "self": _sorted_pairs(self_pairs),
            "manager": _sorted_pairs(manager_pairs),
            "excluded": _sorted_pairs(excluded_pairs),
        }
        self._blocked_rows, self._blocked_cols = _sorted_pairs(
            self_pairs + manager_pairs + excluded_pairs
        )

        # Optional reach rule: no shared hour and too far apart.
        if max_timezone_gap_hours is not None:
            far = gap > max_timezone_gap_hours * 60  # (mentee, distinct mentor offset)
            self._far = far
            self._m_off_idx = m_off_idx
        else:
            self._far = None
            self._m_off_idx = m_off_idx

    @property
    def n_mentees(self) -> int:
        """Number of mentee rows."""
        return len(self.mentees)

    @property
    def n_mentors(self) -> int:
        """Number of mentor columns."""
        return len(self.mentors)

    def _compute(self, rows: slice | np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Scores of some mentee rows, and where the optional reach rule forbids a pair."""
        scores = self._left[rows] @ self._right_t
        far = None
        if self._avail_cap or self._far is not None:
            overlap = self._avail_e[rows] @ self._avail_m_t
            if self._far is not None:
                far = (overlap == 0) & self._far[rows][:, self._m_off_idx]
            if self._avail_cap:
                np.minimum(overlap, self._avail_cap, out=overlap)
                scores += overlap
        at, cols = _pairs_in(self._repeat_rows, self._repeat_cols, rows)
        scores[at, cols] -= self._repeat_penalty
        return scores, far

    def block(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores (float32) and feasibility (bool) of mentees ``start:stop`` x all mentors.

        Memory is ``(stop - start) x n_mentors`` times a few bytes, so callers choose
        the block size to bound it.
        """
        rows = slice(start, stop)
        scores, far = self._compute(rows)
        feasible = np.empty(scores.shape, bool)
        feasible[:] = self.mentor_ok
        if far is not None:
            feasible &= ~far
        at, cols = _pairs_in(self._blocked_rows, self._blocked_cols, rows)
        feasible[at, cols] = False
        return scores, feasible

    def feasible_scores(self, rows: slice | np.ndarray) -> np.ndarray:
        """Scores of some mentee rows with -1 wherever a hard rule forbids the pair.

        ``rows`` is a slice or a sorted array of distinct row indices. One float32
        matrix instead of scores plus a mask: this is what the optimiser ranks, and it
        saves passes over the block at cohort scale.
        """
        scores, far = self._compute(rows)
        if far is not None:
            np.putmask(scores, far, np.float32(-1.0))
        if self._closed_cols.size:
            scores[:, self._closed_cols] = -1.0
        at, cols = _pairs_in(self._blocked_rows, self._blocked_cols, rows)
        scores[at, cols] = -1.0
        return scores

    def scores(self, start: int, stop: int) -> np.ndarray:
        """Scores only, for mentees ``start:stop``: see :meth:`block`."""
        return self._compute(slice(start, stop))[0]

    def pair_scores(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Scores of the listed pairs only (``rows[k]`` with ``cols[k]``), as float64.

        For reporting the fits of chosen pairs without scoring whole rows.
        """
        rows = np.asarray(rows, np.int64)
        cols = np.asarray(cols, np.int64)
        out = np.einsum("ij,ji->i", self._left[rows], self._right_t[:, cols]).astype(np.float64)
        if self._avail_cap:
            hours = np.einsum("ij,ji->i", self._avail_e[rows], self._avail_m_t[:, cols])
            out += np.minimum(hours, self._avail_cap)
        if len(self._repeat_rows) and len(rows):
            m = max(self.n_mentors, 1)
            repeats = self._repeat_rows * m + self._repeat_cols  # sorted: rows, then cols
            keys = rows * m + cols
            at = np.minimum(np.searchsorted(repeats, keys), len(repeats) - 1)
            out[repeats[at] == keys] -= self._repeat_penalty
        return out

    def violations(self, i: int) -> dict[str, np.ndarray]:
        """Which mentors each hard rule rules out for mentee row ``i`` (bool per mentor).

        Used to explain in words why someone was left unmatched: the reason is
        counted from the data, not picked from a list.
        """
        m = self.n_mentors
        out = {name: np.zeros(m, bool) for name in self._pair_rules}
        for name, (rows, cols) in self._pair_rules.items():
            lo, hi = np.searchsorted(rows, [i, i + 1])
            out[name][cols[lo:hi]] = True
        out["no_capacity"] = ~self.capacity_ok
        out["readiness"] = ~self.readiness_ok
        if self._far is not None:
            overlap = self._avail_e[i] @ self._avail_m_t
            out["unreachable"] = (overlap == 0) & self._far[i][self._m_off_idx]
        else:
            out["unreachable"] = np.zeros(m, bool)
        return out


def _vocabulary_ints(values: Sequence[int]) -> dict[int, int]:
    """Column index per distinct id, in a stable (sorted) order."""
    return {v: k for k, v in enumerate(sorted(set(values)))}


def _rows_of(counts: Sequence[int]) -> np.ndarray:
    """Row index of each entry when row ``i`` has ``counts[i]`` entries, in order."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), np.asarray(counts, np.int64))


def _sorted_pairs(pairs: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs as (rows, cols) arrays sorted by row then column, for slicing by row.

    Indices are >= 0, so one integer key per pair sorts them (faster than
    ``np.unique(axis=0)``, same result).
    """
    if not pairs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    arr = np.asarray(pairs, np.int64)
    width = int(arr[:, 1].max()) + 1
    keys = np.unique(arr[:, 0] * width + arr[:, 1])
    return keys // width, keys % width


def _pairs_in(
    pair_rows: np.ndarray, pair_cols: np.ndarray, rows: slice | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The sparse pairs that fall in ``rows``, as (position in the block, column)."""
    if isinstance(rows, slice):
        lo, hi = np.searchsorted(pair_rows, [rows.start, rows.stop])
        return pair_rows[lo:hi] - rows.start, pair_cols[lo:hi]
    if not len(rows) or not len(pair_rows):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    lo, hi = np.searchsorted(pair_rows, [rows[0], rows[-1] + 1])
    candidates, cols = pair_rows[lo:hi], pair_cols[lo:hi]
    at = np.searchsorted(rows, candidates)
    hit = rows[np.minimum(at, len(rows) - 1)] == candidates
    return at[hit], cols[hit]


def score_matrix(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights,
    *,
    chunk_size: int = 2048,
) -> np.ndarray:
    """Every pair's total score as a float32 ``(mentees, mentors)`` matrix.

    Equal to :func:`score_pair`'s totals (to about 1e-6) but computed with matrix
    products, ``chunk_size`` mentees at a time so the temporaries stay small. The
    result itself is dense: for very large cohorts use :class:`PairScorer` blocks
    directly, as the optimiser does, and keep only what you need of each block.
    """
    scorer = PairScorer(mentees, mentors, weights)
    out = np.empty((scorer.n_mentees, scorer.n_mentors), np.float32)
    for start in range(0, scorer.n_mentees, chunk_size):
        stop = min(start + chunk_size, scorer.n_mentees)
        out[start:stop] = scorer.scores(start, stop)
    return out
