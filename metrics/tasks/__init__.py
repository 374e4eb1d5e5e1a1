"""Celery entry points of the metrics app (thin: the work is in metrics.services)."""

from .snapshots import (  # noqa: F401
    recompute_above,
    recompute_organization,
    recompute_requested,
    sweep_nightly,
    sweep_recompute_requests,
)
