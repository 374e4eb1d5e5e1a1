"""The rows behind a figure agree with the stored snapshot (X2): for every indicator of the
catalogue, at every level it is computed at, the rows counted again by the catalogue's
functions give the snapshot's numerator, denominator and n, on the demo organisation (every
indicator has rows there) and on the small world of pairs of tests/metrics/conftest.py."""

from collections import Counter

import pytest
from django.db import transaction

from mentorship.demo import build_demo
from metrics import catalogue
from metrics.models import Snapshot
from metrics.selectors.behind import READERS, rows_behind
from metrics.selectors.snapshots import latest_day
from metrics.services.snapshots import snapshots_compute
from tests.metrics.conftest import build_pairs


@pytest.fixture(scope="module")
def rows_demo(django_db_setup, django_db_blocker):
    """A demo organisation of its own (its populate computed the snapshots), rolled back at
    the module's end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo(slug="rows-demo", email_domain="rows-demo.example")
        transaction.set_rollback(True)


def check_every_snapshot(org, *, per_level=None):
    """Each snapshot of the latest day against its rows; returns {indicator: rows seen}."""
    day = latest_day(organization=org)
    seen = Counter()
    snaps = (
        Snapshot.objects.for_org(org).filter(day=day).order_by("indicator", "level", "object_id")
    )
    taken = Counter()
    for snap in snaps:
        if per_level and taken[(snap.indicator, snap.level)] >= per_level:
            continue
        taken[(snap.indicator, snap.level)] += 1
        behind = rows_behind(
            organization=org,
            org_slug=org.slug,
            level=snap.level,
            object_id=snap.object_id,
            indicator=snap.indicator,
            day=day,
        )
        assert behind is not None, snap.indicator
        counted = behind.counted
        where = (snap.indicator, snap.level, snap.object_id)
        assert counted.n == snap.n, (where, counted, snap.n)
        if "numerator" in behind.agrees_on:
            assert (counted.numerator or 0) == pytest.approx(snap.numerator or 0), (where, counted)
            assert (counted.denominator or 0) == pytest.approx(snap.denominator or 0), where
            assert (counted.value is None) == (snap.value is None), where
            if snap.value is not None:
                assert counted.value == pytest.approx(snap.value), where
            assert counted.not_yet == snap.not_yet, where
        assert not behind.differs_from(snap), where
        seen[snap.indicator] += len(behind.rows)
    return seen


def test_every_indicator_has_a_reader():
    assert set(READERS) == set(catalogue.KEYS)


@pytest.mark.django_db
def test_the_rows_agree_with_every_snapshot_of_the_demo(rows_demo):
    seen = check_every_snapshot(rows_demo, per_level=6)
    assert set(seen) == set(catalogue.KEYS)
    # rows behind every indicator the demo has data for (mentor load counts mentors too)
    empty = {key for key in catalogue.KEYS if not seen[key]}
    assert empty <= {"certification_rate"}, empty


@pytest.mark.django_db
def test_the_rows_agree_on_the_small_world_of_pairs(org):
    build_pairs(org, pairs=3)
    snapshots_compute(organization=org)
    seen = check_every_snapshot(org)
    for key in ("cadence", "action_completion", "habit_adherence", "pulse", "no_show_rate"):
        assert seen[key], key
