"""Participants against non-participants (X7): the pure arithmetic of metrics/comparison.py,
against published values; no database."""

import subprocess
import sys
from datetime import date

import pytest

from metrics import comparison
from metrics.indicators import careers

START, END = date(2025, 1, 1), date(2025, 12, 31)


def test_the_module_imports_no_django():
    code = (
        "import sys, metrics.comparison; "
        "bad = [m for m in sys.modules if m.split('.')[0] == 'django']; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Wilson 1927; the values as R's prop.test(correct=FALSE) and Newcombe 1998 (table I)
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (81, 263, 0.2553, 0.3662),  # Newcombe 1998, Agresti & Coull's example
    ],
)
def test_wilson_score_interval_against_known_values(successes, n, low, high):
    interval = comparison.wilson(successes, n)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


def test_wilson_stays_inside_zero_and_one_and_refuses_nonsense():
    assert comparison.wilson(0, 1).low == 0.0 and comparison.wilson(1, 1).high == 1.0
    assert comparison.wilson(0, 0) is None
    with pytest.raises(ValueError):
        comparison.wilson(11, 10)


def test_newcombe_hybrid_score_interval_against_newcombe_1998():
    """Newcombe (1998), Statistics in Medicine 17:873-890, example (a): 56/70 − 48/80."""
    difference, interval = comparison.newcombe(56, 70, 48, 80)
    assert difference == pytest.approx(0.2000, abs=5e-5)
    assert interval.low == pytest.approx(0.0524, abs=5e-5)
    assert interval.high == pytest.approx(0.3339, abs=5e-5)


def test_newcombe_other_published_examples():
    """Newcombe 1998's examples (b) 9/10 − 3/10 → 0.1705 to 0.8090 and (d) 10/10 − 0/20
    → 0.6791 to 1.0000 (method 10)."""
    _, b = comparison.newcombe(9, 10, 3, 10)
    assert (b.low, b.high) == (pytest.approx(0.1705, abs=5e-5), pytest.approx(0.8090, abs=5e-5))
    _, d = comparison.newcombe(10, 10, 0, 20)
    assert (d.low, d.high) == (pytest.approx(0.6791, abs=5e-5), pytest.approx(1.0, abs=5e-5))


def test_newcombe_is_antisymmetric_and_none_for_an_empty_group():
    d1, i1 = comparison.newcombe(56, 70, 48, 80)
    d2, i2 = comparison.newcombe(48, 80, 56, 70)
    assert d2 == pytest.approx(-d1)
    assert (i2.low, i2.high) == (pytest.approx(-i1.high), pytest.approx(-i1.low))
    assert comparison.newcombe(1, 0, 1, 2) is None


def test_a_measure_is_shown_only_with_ten_people_in_each_group():
    short = comparison.compare(comparison.RETENTION, (9, 9), (40, 50))
    assert not short.shown
    assert short.participants.value is None and short.participants.interval is None
    assert short.others.value is None  # neither share is shown when one group is short
    assert short.short_groups == [("participants", 9)]
    shown = comparison.compare(comparison.RETENTION, (8, 10), (40, 50))
    assert shown.shown
    assert shown.participants.value == pytest.approx(0.8)
    assert shown.difference == pytest.approx(0.0)
    assert shown.difference_interval.low < 0 < shown.difference_interval.high


def _person(hired=None, left=None, promotions=0):
    return comparison.Person(careers.Career(hired, left), promotions)


def test_retention_and_promotion_count_the_people_employed_at_the_start():
    people = [
        _person(date(2020, 1, 1), promotions=2),  # promoted twice: counts once
        _person(date(2020, 1, 1), date(2025, 6, 1)),  # left during: not retained
        _person(date(2025, 3, 1), date(2025, 10, 1)),  # hired and left during: not counted
        _person(date(2019, 1, 1), date(2024, 6, 1)),  # left before: not counted
        _person(None, None),  # no hire recorded: employed since before the records
        _person(date(2020, 1, 1), END),  # left on the last day: gone at the end
    ]
    assert comparison.retained(people, start=START, end=END) == (2, 4)
    assert comparison.promoted(people, start=START) == (1, 4)


def test_retention_is_the_catalogues_retention():
    people = [_person(date(2020, 1, 1)), _person(date(2020, 1, 1), date(2025, 6, 1))]
    value = careers.retention([p.career for p in people], start=START, end=END)
    assert comparison.retained(people, start=START, end=END) == (
        value.numerator,
        value.denominator,
    )


def test_compare_groups_gives_retention_then_promotion():
    participants = [_person(date(2020, 1, 1), promotions=1)] * 8 + [
        _person(date(2020, 1, 1), date(2025, 5, 1))
    ] * 4
    others = [_person(date(2020, 1, 1))] * 10 + [_person(date(2020, 1, 1), date(2025, 5, 1))] * 10
    retention, promotion = comparison.compare_groups(participants, others, start=START, end=END)
    assert retention.key == comparison.RETENTION and promotion.key == comparison.PROMOTION
    assert (retention.participants.successes, retention.participants.n) == (8, 12)
    assert (retention.others.successes, retention.others.n) == (10, 20)
    expected_difference, expected = comparison.newcombe(8, 12, 10, 20)
    assert retention.difference == pytest.approx(expected_difference)
    assert retention.difference_interval == expected
    assert (promotion.participants.successes, promotion.others.successes) == (8, 0)
