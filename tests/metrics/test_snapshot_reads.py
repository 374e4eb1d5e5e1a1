"""What dashboards will read (metrics.selectors.snapshots): stored figures only, in a fixed
number of queries whatever the rows."""

import pytest

from metrics import catalogue
from metrics.selectors import snapshots as reads
from metrics.services.outcomes import organization_today
from metrics.services.snapshots import recompute_request, snapshots_compute_history
from tests.metrics.conftest import build_pairs
from tests.utils import max_queries

pytestmark = pytest.mark.django_db


def test_nothing_computed_yet_reads_as_empty(org):
    assert reads.latest_day(organization=org) is None
    assert reads.figures(organization=org, level="organisation", object_ids=[org.pk]) == {
        org.pk: {}
    }
    assert reads.computed_at(organization=org, level="organisation", object_ids=[org.pk]) is None
    assert reads.trend(organization=org, level="organisation", object_id=org.pk) == {}


def test_figures_trend_and_computed_at_read_in_fixed_queries(org, other_org):
    cohort = build_pairs(org, pairs=2)
    build_pairs(other_org, pairs=1)
    snapshots_compute_history(organization=org, days=14, every=7)
    pairs = list(cohort.pairings.values_list("pk", flat=True))
    with max_queries(2):  # the latest day, the rows
        shown = reads.figures(organization=org, level="pair", object_ids=pairs)
    assert set(shown) == set(pairs)
    first = shown[pairs[0]]
    assert list(first) == [i.key for i in catalogue.at_level("pair")]  # the catalogue's order
    no_show = first["no_show_rate"]
    assert no_show.indicator.name == "No-show rate" and no_show.shown == no_show.value * 100
    assert no_show.day == organization_today(org)
    with max_queries(1):
        series = reads.trend(
            organization=org, level="cohort", object_id=cohort.pk, indicators=["cadence"]
        )
    assert [f.day for f in series["cadence"]] == sorted(f.day for f in series["cadence"])
    assert len(series["cadence"]) == 3
    with max_queries(2):
        when = reads.computed_at(organization=org, level="pair", object_ids=pairs)
    assert when == min(f.computed_at for figs in shown.values() for f in figs.values())
    # another organisation's snapshots are not read
    assert reads.figures(organization=other_org, level="pair", object_ids=pairs) == {
        pk: {} for pk in pairs
    }


def test_pending_recomputation_is_visible(org):
    assert not reads.recompute_pending(organization=org)
    recompute_request(organization_id=org.pk, kind="organisation")
    assert reads.recompute_pending(organization=org)
