"""Today's stored parts (metrics/services/parts.py): complete only after a full computation
and while fresh; a process that loaded them reads only the rows written since, learns of a
pair left without rows, and loads everything again after a new full computation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.models import IndicatorPart
from metrics.selectors.input_parts import Parts, read_parts
from metrics.services import parts as store
from metrics.services import snapshots as service
from metrics.services.outcomes import organization_today
from tests.metrics.conftest import build_pairs

pytestmark = pytest.mark.django_db


def test_parts_are_stored_by_a_full_computation_of_today_only(org):
    build_pairs(org, pairs=2)
    day = organization_today(org)
    service.snapshots_compute(organization=org, day=day - timedelta(days=7))
    assert not IndicatorPart.objects.for_org(org).exists()  # an earlier day: nothing kept
    assert store.parts_load(organization=org, day=day) is None
    service.snapshots_compute(organization=org)
    loaded = store.parts_load(organization=org, day=day)
    assert loaded.pairs == read_parts(org, day).pairs
    assert loaded.mentors == read_parts(org, day).mentors
    later = timezone.now() + store.FRESH + timedelta(seconds=1)
    assert store.parts_load(organization=org, day=day, now=later) is None  # no longer fresh


def test_a_process_reads_what_others_wrote_since_and_forgets_a_pair_without_rows(org):
    cohort = build_pairs(org, pairs=2)
    day = organization_today(org)
    service.snapshots_compute(organization=org)
    first, second = cohort.pairings.order_by("pk").values_list("pk", flat=True)
    held = store.parts_load(organization=org, day=day)
    assert {first, second} <= set(held.pairs)
    held.pairs.clear()  # a computation's copy: what the process keeps is not changed
    # another process stores a fresh part of the first pair, and the second has no rows left
    changed = dict(read_parts(org, day).pairs[first], p=[40, 9])
    store.parts_save(
        organization=org,
        day=day,
        parts=Parts({first: changed}),
        pairs=[first, second],
        mentors=[],
        read_at=timezone.now(),
    )
    again = store.parts_load(organization=org, day=day)
    assert again.pairs[first]["p"] == [40, 9]
    assert second not in again.pairs
    # a new full computation: its rows replace everything this process held
    service.snapshots_compute(organization=org)
    assert store.parts_load(organization=org, day=day).pairs == read_parts(org, day).pairs


def test_a_starting_worker_loads_every_organisations_fresh_parts(org, other_org):
    """``parts_preload``: the organisations whose parts of their today are complete and
    fresh, each loaded (the process then reads only the rows written since); stale ones are
    left."""
    build_pairs(org, pairs=2)
    build_pairs(other_org, pairs=1)
    service.snapshots_compute(organization=org)
    service.snapshots_compute(organization=other_org)
    store._loaded.clear()
    assert store.parts_preload() == 2
    assert set(store._loaded) == {org.pk, other_org.pk}
    day = organization_today(org)
    assert store._loaded[org.pk][3].pairs == read_parts(org, day).pairs
    store._loaded.clear()
    later = timezone.now() + store.FRESH + timedelta(seconds=1)
    assert store.parts_preload(now=later) == 0
    assert not store._loaded


def test_the_worker_warms_as_it_starts_and_a_failure_leaves_it_cold(org, monkeypatch):
    from celery.signals import worker_init

    from mentorship import celery as celery_app
    from metrics.tasks import snapshots as tasks

    assert "mentorship_warm_worker" in {key[0] for key, _ in worker_init.receivers}
    closed = []
    monkeypatch.setattr(tasks.connections, "close_all", lambda: closed.append(True))
    build_pairs(org, pairs=1)
    service.snapshots_compute(organization=org)
    store._loaded.clear()
    assert celery_app.warm_worker() == 1
    assert org.pk in store._loaded and closed

    def down(**kwargs):
        raise RuntimeError("the database is not up yet")

    monkeypatch.setattr(tasks.parts, "parts_preload", down)
    assert tasks.warm_worker() == 0
    assert len(closed) == 2
