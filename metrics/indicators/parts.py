"""A pair's parts of the indicators computed from pairs' rows, and the figures of any group
of pairs from its pairs' parts. Pure (see base.py).

Every indicator read from the rows of pairs (cadence, actions, sessions, pulse, habits,
trainer signals, time to competence, ramp time, mentor load and recognition) is computed,
at every level, in two steps: each pair's rows come to a *part* (what the figure of any
group needs from that pair: counts, gaps, the durations of its tracks, its trainees'
first and latest signals), and a group's figure is computed from its pairs' parts by the
functions the catalogue names (``engagement.cadence_of``, ``base.censored_median_of``, ...).
So a pair, its mentor, its cohort, its program and the organisation are all computed the
same way, and an event that changes one pair changes one part: the levels above are
computed again from the stored parts of the others (``metrics.services.parts``), not from
every row of the organisation.

A part is JSON (it is stored): days are ordinals.

- ``k``: ``[cohort, program, mentor user]``, the pair's level keys;
- ``c``: ``[verdict, [[gap, how many], ...]]`` (``engagement.cadence_part``; only while the
  pair is active);
- ``a``: ``[due, on_time, overdue, late]`` actions; ``s``: ``[held, no_shows, booked,
  late]`` sessions; ``p``: ``[total, count]`` pulse answers; ``h``: ``[due, done, habits]``;
- ``g``: ``{indicator: {"subject": [first day, first value, last day, last value,
  readings]}}`` trainer signals (``signals.SubjectSignal``), ``o``: client-retention values
  out of range;
- ``t``: ``[[days, reached], ...]`` time to competence (one per objective), ``r``: ramp
  time (one for the pair, when it has objectives);
- ``m``: ``[active, sessions, minutes]`` the mentor's work in the pair (accepted by the day;
  the sessions delivered in the period).

A mentor's part: ``{"kudos": n, "credits": minutes}`` of the period.
"""

from collections import defaultdict
from dataclasses import replace

from . import engagement, mentors, signals
from .base import censored_median_of, durations, share

SIGNAL_KEYS = ("technique_consistency", "problem_solving", "client_retention")
# the indicators computed from parts, by the part they read
KEYS = {
    "cadence": "c",
    "action_completion": "a",
    "no_show_rate": "s",
    "late_cancel_rate": "s",
    "pulse": "p",
    "habit_adherence": "h",
    "technique_consistency": "g",
    "problem_solving": "g",
    "client_retention": "g",
    "time_to_competence": "t",
    "ramp_time": "r",
    "mentor_load": "m",
    "mentor_recognition": "m",
}


def subjects_part(subjects):
    """``{subject: SubjectSignal}`` as a part stores it: ``{"subject": [first day, first
    value, last day, last value, readings]}`` (JSON's keys are text)."""
    return {str(subject): list(s) for subject, s in subjects.items()}


def _sums(parts, letter, width):
    total = [0] * width
    for part in parts:
        for i, value in enumerate(part[letter]):
            total[i] += value or 0
    return total


def group_values(parts, *, mentor_parts, keys, start, end):
    """``{indicator: IndicatorValue}`` of a group of pairs from their ``parts``, for the
    ``keys`` asked (of ``KEYS``) that at least one part has rows for (the others have no
    figure: the caller says why). ``mentor_parts``: ``{mentor user: part}``; ``start`` and
    ``end``: the leading period (mentor load); ``signal_start`` and ``signal_end``: the
    trainer signals' period."""
    out = {}
    by_letter = defaultdict(list)
    wanted = {KEYS[key] for key in keys if key in KEYS}
    for part in parts:
        for letter in wanted:
            if letter in part:
                by_letter[letter].append(part)
    if by_letter.get("c"):
        out["cadence"] = _cadence(by_letter["c"])
    if by_letter.get("a"):
        due, on_time, overdue, late = _sums(by_letter["a"], "a", 4)
        out["action_completion"] = engagement.action_completion_counts(
            due=due, on_time=on_time, overdue=overdue, late=late
        )
    if by_letter.get("s"):
        held, no_shows, booked, late = _sums(by_letter["s"], "s", 4)
        out["no_show_rate"] = engagement.no_show_counts(held=held, no_shows=no_shows)
        out["late_cancel_rate"] = engagement.late_cancel_counts(booked=booked, late=late)
    if by_letter.get("p"):
        total, count = _sums(by_letter["p"], "p", 2)
        out["pulse"] = engagement.pulse_score_totals(total=total, count=count)
    if by_letter.get("h"):
        due, done, habits = _sums(by_letter["h"], "h", 3)
        out["habit_adherence"] = share(done, due, n=habits, empty="no habit day due")
    if by_letter.get("g"):
        out.update(_signals(by_letter["g"]))
    if by_letter.get("t"):
        out["time_to_competence"] = censored_median_of(
            (days, reached) for p in by_letter["t"] for days, reached in p["t"]
        )
    if by_letter.get("r"):
        out["ramp_time"] = censored_median_of(
            (days, reached) for p in by_letter["r"] for days, reached in p["r"]
        )
    if by_letter.get("m"):
        out.update(_mentors(by_letter["m"], mentor_parts, start=start, end=end))
    return {key: value for key, value in out.items() if key in keys}


def _signals(parts):
    merged = {key: {} for key in SIGNAL_KEYS}
    out_of_range = 0
    for part in parts:
        for key, rows in part["g"].items():
            signals.merge_subjects(merged[key], rows)
        out_of_range += part.get("o", 0)
    return {
        "technique_consistency": signals.signal_of_subjects(merged["technique_consistency"]),
        "problem_solving": signals.signal_of_subjects(merged["problem_solving"]),
        "client_retention": signals.client_retention_of(merged["client_retention"], out_of_range),
    }


def _mentors(parts, mentor_parts, *, start, end):
    """Mentor load and recognition of the mentors of ``parts``: each mentor once, with their
    active mentees and the sessions they delivered in these pairs."""
    totals = defaultdict(lambda: [0, 0, 0])  # mentor -> [active mentees, sessions, minutes]
    for part in parts:
        active, sessions, minutes = part["m"]
        total = totals[part["k"][2]]
        total[0] += 1 if active else 0
        total[1] += sessions
        total[2] += minutes
    work, recognition = [], []
    for user in sorted(totals):
        mentees, sessions, minutes = totals[user]
        mine = mentor_parts.get(user, {})
        # Nobody states hours a week yet: None, so the share is not made up.
        work.append(mentors.MentorTotals(mentees, sessions, minutes, None))
        recognition.append(
            mentors.MentorRecognition(sessions, mine.get("kudos", 0), mine.get("credits") or 0)
        )
    load = mentors.mentor_load_of(work, days=(end - start).days + 1)
    note = mentors.MISSING_HOURS if load.value is None and work else load.note
    return {
        "mentor_load": replace(load, note=note),
        "mentor_recognition": mentors.mentor_recognition(recognition),
    }


def gap_counts(gaps):
    """A pair's gaps as a part stores them: ``[[gap, how many], ...]``."""
    counts = defaultdict(int)
    for gap in gaps:
        counts[gap] += 1
    return [[gap, n] for gap, n in sorted(counts.items())]


def _cadence(parts):
    verdicts, gaps = [], defaultdict(int)
    for part in parts:
        verdict, counts = part["c"]
        verdicts.append(verdict)
        for gap, n in counts:
            gaps[gap] += n
    return engagement.cadence_of_counts(verdicts, gaps)


def track_durations(tracks):
    """A part's ``[[days, reached], ...]`` of ``tracks`` (``base.Track``)."""
    return [[days, reached] for days, reached in durations(tracks)]
