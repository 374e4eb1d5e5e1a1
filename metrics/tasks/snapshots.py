"""Indicator snapshots in the background (B5).

- ``metrics.recompute_requested(organization_id)``: run the organisation's pending
  recompute requests (queued after the commit of every event that stores one, a quarter of
  a second later: the debounce);
- ``metrics.recompute_above(organization_id)``: the program and organisation levels over
  those (``above:<program>`` requests, asked for by the near recomputation, half a second
  later): every row of the organisation, so on a task of its own;
- ``metrics.sweep_recompute_requests``: every 5 s (``settings.CELERY_BEAT_SCHEDULE``), queue
  it for every organisation with a request past due, so a broker outage or a lost task ends
  within a sweep;
- ``metrics.sweep_nightly``: every night, ``metrics.recompute_organization`` per
  organisation: every indicator of every level, the same rows the events write; then the
  pair and mentor snapshots older than 90 days are thinned to one day a week
  (``snapshots_prune``).

A worker starting loads today's stored parts of every organisation (``warm_worker``), so its
first event of each is as quick as the later ones.
"""

import logging
import time

from celery import shared_task
from django.db import connections

from mentorship.core.tasks import OrganizationTask, queue_per_organization

from ..services import parts, snapshots

logger = logging.getLogger(__name__)


def warm_worker():
    """Load every organisation's fresh stored parts into this process as a worker starts
    (``mentorship.celery.warm_worker``); returns how many organisations. A failure (the
    database not up yet) is logged and leaves the worker to load them on its first events,
    as it would have. The connection is closed after, before the pool's processes fork."""
    started = time.monotonic()
    try:
        loaded = parts.parts_preload()
    except Exception:
        logger.warning("Could not preload the indicator parts.", exc_info=True)
        return 0
    finally:
        connections.close_all()
    logger.info(
        "Indicator parts of %d organisations loaded in %.1f s.", loaded, time.monotonic() - started
    )
    return loaded


@shared_task(base=OrganizationTask, bind=True, name="metrics.recompute_requested")
def recompute_requested(self, organization):
    return snapshots.recompute_requests_run(organization=organization)


@shared_task(base=OrganizationTask, bind=True, name="metrics.recompute_above")
def recompute_above(self, organization):
    return snapshots.recompute_requests_run(organization=organization, above=True)


@shared_task(name="metrics.sweep_recompute_requests")
def sweep_recompute_requests():
    queued = queue_per_organization(
        recompute_requested, snapshots.organizations_with_due_requests()
    )
    queue_per_organization(recompute_above, snapshots.organizations_with_due_requests(above=True))
    return queued


@shared_task(base=OrganizationTask, bind=True, name="metrics.recompute_organization")
def recompute_organization(self, organization):
    written = snapshots.snapshots_compute(organization=organization)
    snapshots.snapshots_prune(
        organization=organization
    )  # pair and mentor rows: weekly past 90 days
    return written


@shared_task(name="metrics.sweep_nightly")
def sweep_nightly():
    from mentorship.tenancy.models import Organization

    # Cross-tenant on purpose: one scoped task per organisation.
    return queue_per_organization(
        recompute_organization, Organization.objects.values_list("pk", flat=True)
    )
