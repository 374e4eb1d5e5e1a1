"""The indicator catalogue (X1): every indicator is declared here once.

Each declaration carries its key (stored in ``programs.Program.indicators`` and
``metrics.ProgramIndicator``: never rename one without a data migration), its name, the
levels it is computed at, its unit, which direction is better, its kind (leading, lagging,
trainer signal, load and recognition), the formula in words that dashboards show beside the
figure, the pure function that computes it (``metrics.indicators``) and the range a target
may take. Pure: no Django import, so programs' models can read it.

Targets are written in the unit as people read it: a share as a percentage (0 to 100), a
score on its scale, days, months, hours or a count.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .indicators import careers, development, engagement, mentors, signals

ORGANISATION, PROGRAM, COHORT, PAIR, MENTOR = "organisation", "program", "cohort", "pair", "mentor"
LEVELS = (ORGANISATION, PROGRAM, COHORT, PAIR, MENTOR)
HIGHER, LOWER = "higher", "lower"
LEADING, LAGGING, TRAINER_SIGNAL, LOAD = "leading", "lagging", "trainer signal", "recognition/load"
KINDS = {
    LEADING: "Leading: early signs the program works",
    LAGGING: "Lagging: outcomes that show up later",
    TRAINER_SIGNAL: "Trainer signals: scored in sessions",
    LOAD: "Mentor load and recognition",
}


@dataclass(frozen=True)
class Unit:
    key: str
    label: str  # as a target's field says it: "percent", "score"
    suffix: str  # after a figure: " %", " days"
    words: str  # the range of a target in words: "a percentage", "a score"
    factor: float  # computed value × factor = the figure people read (a share 0.62 → 62)
    low: float  # the range of a target, in the figure people read
    high: float | None  # None: no upper bound
    decimals: int = 0


SHARE = Unit("share", "percent", " %", "a percentage", 100, 0, 100)
DAYS = Unit("days", "days", " days", "in days", 1, 0, 3650)
MONTHS = Unit("months", "months", " months", "in months", 1, 0, 240, decimals=1)
SCORE = Unit("score", "score", "", "a score", 1, 1, 5, decimals=1)
COUNT = Unit("count", "count", "", "a count", 1, 0, None)
HOURS = Unit("hours", "hours", " h", "in hours", 1, 0, None, decimals=1)
UNITS = {u.key: u for u in (SHARE, DAYS, MONTHS, SCORE, COUNT, HOURS)}


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    levels: tuple[str, ...]
    unit: Unit
    better: str
    kind: str
    formula: str
    function: Callable
    # None: the unit's range. A pulse score is 1..5, a share 0..100.
    target_low: float | None = None
    target_high: float | None = None

    @property
    def target_range(self):
        low = self.unit.low if self.target_low is None else self.target_low
        high = self.unit.high if self.target_high is None else self.target_high
        return low, high

    def display(self, value):
        """The computed value as people read it (a share 0.625 → "62.5 %" is the page's
        job; this gives 62.5), or None."""
        return None if value is None else value * self.unit.factor

    def check_target(self, target):
        """An error message for a target outside the unit's range, or "" when it is fine."""
        low, high = self.target_range
        suffix = self.unit.suffix
        if target < low or (high is not None and target > high):
            if high is None:
                return f"Enter a target of {low:g}{suffix} or more."
            return f"Enter a target between {low:g} and {high:g}{suffix}."
        return ""

    def range_words(self):
        """The range of a target in words: "A percentage from 0 to 100"."""
        low, high = self.target_range
        bounds = f"from {low:g} to {high:g}" if high is not None else f"of {low:g} or more"
        return f"{self.unit.words[0].upper()}{self.unit.words[1:]} {bounds}"


ALL_LEVELS = LEVELS
GROUP_LEVELS = (ORGANISATION, PROGRAM, COHORT)

INDICATORS = [
    # Leading
    Indicator(
        "cadence",
        "Session cadence against target",
        ALL_LEVELS,
        SHARE,
        HIGHER,
        LEADING,
        "Active pairs whose completed sessions in the last 28 days (or the target gap, when "
        "longer) number at least the window ÷ the target gap (the cohort's own, else the "
        "program's), rounded down, ÷ active pairs old enough to tell. Beside it: the median gap "
        "in days between completed sessions of the last 90 days.",
        engagement.cadence,
    ),
    Indicator(
        "action_completion",
        "Action completion",
        ALL_LEVELS,
        SHARE,
        HIGHER,
        LEADING,
        "Actions due in the period done by their due date ÷ actions due in the period "
        "(cancelled ones not counted). Beside it: actions overdue.",
        engagement.action_completion,
    ),
    Indicator(
        "habit_adherence",
        "Micro-habit adherence",
        ALL_LEVELS,
        SHARE,
        HIGHER,
        LEADING,
        "Due days done ÷ due days over the last 28 days, every habit together; skipped and "
        "paused days are not due, an N-a-week habit is due N times a week.",
        engagement.habit_adherence,
    ),
    Indicator(
        "pulse",
        "Pulse score",
        (ORGANISATION, PROGRAM, COHORT, MENTOR),
        SCORE,
        HIGHER,
        LEADING,
        "Mean of the pulse answers (1 to 5) after completed sessions; shown only with at least "
        "five answers, so no one answer can be read from it.",
        engagement.pulse_score,
    ),
    Indicator(
        "time_to_match",
        "Time to match",
        GROUP_LEVELS,
        DAYS,
        LOWER,
        LEADING,
        "Median days from accepting the invitation to an accepted pairing (Kaplan–Meier: "
        "people still waiting count as not yet, never dropped).",
        development.time_to_match,
    ),
    Indicator(
        "no_show_rate",
        "No-show rate",
        ALL_LEVELS,
        SHARE,
        LOWER,
        LEADING,
        "Sessions marked as a no-show ÷ sessions that reached their time (completed or no-show).",
        engagement.no_show_rate,
    ),
    Indicator(
        "late_cancel_rate",
        "Late-cancel rate",
        ALL_LEVELS,
        SHARE,
        LOWER,
        LEADING,
        "Sessions cancelled less than a day before their start ÷ sessions booked (completed, "
        "no-show or cancelled).",
        engagement.late_cancel_rate,
    ),
    Indicator(
        "time_to_competence",
        "Time to competence",
        (ORGANISATION, PROGRAM, COHORT, PAIR),
        DAYS,
        LOWER,
        LEADING,
        "Median days from the pairing's start until a competency's assessed or signalled level "
        "first reaches the objective's target level, one count per mentee and objective "
        "(Kaplan–Meier: those not there yet count as not yet, never dropped).",
        development.time_to_competence,
    ),
    Indicator(
        "ramp_time",
        "Ramp time",
        GROUP_LEVELS,
        DAYS,
        LOWER,
        LEADING,
        "Median days from the pairing's start until every objective of the mentee's plan has "
        "reached its target level (Kaplan–Meier: those not there yet count as not yet).",
        development.ramp_time,
    ),
    # Lagging
    Indicator(
        "retention",
        "Retention",
        GROUP_LEVELS,
        SHARE,
        HIGHER,
        LAGGING,
        "Of the people employed at the period's start, the share still employed at its end "
        "(people hired during the period do not count).",
        careers.retention,
    ),
    Indicator(
        "promotion_rate",
        "Promotion rate",
        GROUP_LEVELS,
        SHARE,
        HIGHER,
        LAGGING,
        "Promotions in the period ÷ the group's average headcount (at the start and at the end).",
        careers.promotion_rate,
    ),
    Indicator(
        "promotion_velocity",
        "Promotion velocity",
        GROUP_LEVELS,
        MONTHS,
        LOWER,
        LAGGING,
        "Median months from the cohort's start to the next promotion (Kaplan–Meier: people not "
        "yet promoted, or who left unpromoted, count as not yet, never dropped).",
        careers.promotion_velocity,
    ),
    Indicator(
        "internal_mobility",
        "Internal mobility",
        GROUP_LEVELS,
        SHARE,
        HIGHER,
        LAGGING,
        "Of the people employed at the period's start, the share who moved to another "
        "department in it (a department change, or a role change into another department).",
        careers.internal_mobility,
    ),
    Indicator(
        "certification_rate",
        "Certification rate",
        GROUP_LEVELS,
        SHARE,
        HIGHER,
        LAGGING,
        "Mentees whose final assessment reaches the program's threshold ÷ mentees whose cohort "
        "ended; those not assessed count as not certified.",
        careers.certification_rate,
    ),
    Indicator(
        "client_retention",
        "Client retention when a trainee leads",
        ALL_LEVELS,
        SHARE,
        HIGHER,
        LAGGING,
        "Mean over trainees of their latest 'client retention when the trainee leads sessions' "
        "signal in the period (logged in percent).",
        signals.client_retention,
    ),
    # Trainer signals
    Indicator(
        "technique_consistency",
        "Technique consistency",
        ALL_LEVELS,
        SCORE,
        HIGHER,
        TRAINER_SIGNAL,
        "Mean over trainees of their latest technique-consistency signal (1 to 5) in the "
        "period; beside it, the mean change from each trainee's first to latest score.",
        signals.technique_consistency,
    ),
    Indicator(
        "problem_solving",
        "Independent problem-solving",
        ALL_LEVELS,
        SCORE,
        HIGHER,
        TRAINER_SIGNAL,
        "Mean over trainees of their latest independent-problem-solving signal (1 to 5) in the "
        "period; beside it, the mean change from each trainee's first to latest score.",
        signals.problem_solving,
    ),
    # Load and recognition
    Indicator(
        "mentor_load",
        "Mentor load",
        (ORGANISATION, PROGRAM, MENTOR),
        SHARE,
        LOWER,
        LOAD,
        "Hours of sessions delivered ÷ the hours a week the mentors said they can give × the "
        "period's weeks. Beside it: mentees per mentor, sessions a month per mentor, mentors "
        "above their stated hours.",
        mentors.mentor_load,
        target_high=200,  # a target may allow up to twice the stated hours
    ),
    Indicator(
        "mentor_recognition",
        "Mentor recognition",
        (ORGANISATION, PROGRAM, MENTOR),
        COUNT,
        HIGHER,
        LOAD,
        "Sessions the mentors delivered in the period; beside it, kudos received and "
        "time-bank credit hours earned.",
        mentors.mentor_recognition,
    ),
]

BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
KEYS = tuple(BY_KEY)


def get(key):
    """The indicator of ``key``; KeyError for an unknown key."""
    return BY_KEY[key]


def at_level(level):
    return [indicator for indicator in INDICATORS if level in indicator.levels]


def for_programs():
    """The indicators a program can choose to be judged by (those computed per program), in
    the catalogue's order: ``{key: (name, kind)}``, the shape ``Program.INDICATORS`` has."""
    return {i.key: (i.name, i.kind) for i in INDICATORS if PROGRAM in i.levels}


def _check():
    assert len(BY_KEY) == len(INDICATORS), "an indicator key is declared twice"
    for indicator in INDICATORS:
        assert indicator.kind in KINDS, indicator.key
        assert indicator.better in (HIGHER, LOWER), indicator.key
        assert set(indicator.levels) <= set(LEVELS) and indicator.levels, indicator.key
        assert indicator.formula and callable(indicator.function), indicator.key


_check()
