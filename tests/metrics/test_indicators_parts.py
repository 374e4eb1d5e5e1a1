"""Figures of a group from its pairs' parts (metrics/indicators/parts.py) equal the figures
computed from all the group's rows at once, however the rows are split into pairs and in
whatever order: no database."""

import random
import statistics
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.indicators import base, engagement, mentors, signals
from metrics.indicators import parts as maths

START = date(2026, 1, 1)
END = START + timedelta(days=89)


@given(st.lists(st.integers(min_value=0, max_value=40), max_size=60))
def test_the_median_of_counts_is_the_median(values):
    counts = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    expected = float(statistics.median(values)) if values else None
    assert base.median_of_counts(counts) == expected


readings = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=6),  # subject
        st.integers(min_value=-5, max_value=95),  # day (some outside the period)
        st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, 80.0, 140.0, -3.0]),
    ),
    max_size=40,
)


def _readings(rows):
    return [signals.SignalReading(s, START + timedelta(days=d), v) for s, d, v in rows]


@settings(max_examples=200)
@given(readings, st.integers(min_value=1, max_value=5), st.randoms())
def test_trainees_summaries_merge_to_the_figure_of_all_their_readings(rows, pieces, rnd):
    """Same-day readings included: the summary of a trainee is the same whichever pair or
    order their readings come in."""
    everything = _readings(rows)
    shuffled = everything[:]
    rnd.shuffle(shuffled)
    split = [shuffled[i::pieces] for i in range(pieces)]
    merged, kept, out_of_range = {}, {}, 0
    for piece in split:
        signals.merge_subjects(merged, signals.subject_signals(piece, start=START, end=END))
        summaries, out = signals.client_retention_parts(piece, start=START, end=END)
        signals.merge_subjects(kept, summaries)
        out_of_range += out
    assert signals.signal_of_subjects(merged) == signals.signal_over_time(
        everything, start=START, end=END
    )
    assert signals.client_retention_of(kept, out_of_range) == signals.client_retention(
        everything, start=START, end=END
    )


def test_a_stored_part_merges_as_the_summaries_do():
    a = signals.subject_signals(_readings([(1, 3, 2.0), (1, 9, 4.0)]), start=START, end=END)
    b = signals.subject_signals(_readings([(1, 9, 5.0), (2, 1, 3.0)]), start=START, end=END)
    stored = maths.subjects_part(a)  # as JSON keeps it: text keys, lists
    merged = signals.merge_subjects(dict(stored), maths.subjects_part(b))
    value = signals.signal_of_subjects(merged)
    assert value.value == (5.0 + 3.0) / 2  # subject 1's latest: the higher of day 9's two
    assert value.extra["change"] == 3.0 and value.extra["readings"] == 4


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=4),
            st.lists(
                st.tuples(st.integers(min_value=-3, max_value=30), st.integers(0, 120)),
                max_size=6,
            ),
            st.one_of(st.none(), st.floats(min_value=0.5, max_value=10)),
        ),
        max_size=8,
    )
)
def test_mentor_load_from_totals_is_mentor_load(rows):
    start, end = START, START + timedelta(days=27)
    work = [
        mentors.MentorWork(m, tuple((START + timedelta(days=d), minutes) for d, minutes in s), h)
        for m, s, h in rows
    ]
    totals = [
        mentors.MentorTotals(
            w.mentees,
            sum(1 for day, _ in w.sessions if start <= day <= end),
            sum(minutes for day, minutes in w.sessions if start <= day <= end),
            w.available_hours_per_week,
        )
        for w in work
    ]
    assert mentors.mentor_load_of(totals, days=28) == mentors.mentor_load(
        work, start=start, end=end
    )


def test_a_groups_cadence_from_its_pairs_parts_is_the_cadence_of_its_pairs():
    rnd = random.Random(7)
    as_of = START + timedelta(days=60)
    pairs = [
        engagement.PairSessions(
            started_on=START + timedelta(days=rnd.randint(0, 55)),
            completed_on=tuple(
                sorted(
                    {START + timedelta(days=rnd.randint(0, 70)) for _ in range(rnd.randint(0, 9))}
                )
            ),
            target_days=rnd.choice([7, 14]),
        )
        for _ in range(40)
    ]
    parts = []
    for pair in pairs:
        verdict, gaps = engagement.cadence_part(pair, as_of=as_of)
        parts.append({"k": [1, 1, 1], "c": [verdict, maths.gap_counts(gaps)]})
    grouped = maths.group_values(
        parts,
        mentor_parts={},
        keys=["cadence"],
        start=as_of - timedelta(days=27),
        end=as_of,
    )
    assert grouped["cadence"] == engagement.cadence(pairs, as_of=as_of)
