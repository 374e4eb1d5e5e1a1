"""The reminder sweeps (B2, B3, B4): each app registers the idempotent functions that compute
its nudges from the state in the database, and one task per organisation runs them all every
minute (``notifications.reminders_for``). Nothing is scheduled far ahead in the broker: a
reminder is due when the state says so, and its unique key makes a second pass a no-op.

An app registers in its ``reminders`` module (autodiscovered at start-up)::

    from mentorship.notifications.sweeps import register

    @register("sessions.upcoming")
    def upcoming_sessions(*, organization, now):
        ...  # nudge_send(...) for each due reminder; returns how many were created

A sweep that raises is logged and the others still run; the task then raises so Celery
retries it (the retry redoes only what is left, as every nudge is stored once).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

SWEEPS: dict[str, object] = {}


def register(name):
    def decorator(function):
        if name in SWEEPS and SWEEPS[name] is not function:
            raise ValueError(f"Reminder sweep {name!r} is registered twice")
        SWEEPS[name] = function
        return function

    return decorator


class SweepFailed(Exception):
    pass


def run_all(*, organization, now=None, only=None):
    """Run every registered sweep (or those named in ``only``) and the digests for one
    organisation; returns ``{name: created}``. Each sweep runs in its own transaction."""
    from .services import digests_build, kicks_deferred

    now = now or timezone.now()
    results, failed = {}, []
    with kicks_deferred():
        for name, function in sorted(SWEEPS.items()):
            if only is not None and name not in only:
                continue
            try:
                with transaction.atomic():
                    results[name] = function(organization=organization, now=now)
            except Exception:
                logger.exception("Reminder sweep %s failed for %s", name, organization.slug)
                failed.append(name)
        if only is None or "digests" in only:
            results["digests"] = digests_build(organization=organization, now=now)
    if failed:
        raise SweepFailed(f"{', '.join(failed)} failed for {organization.slug}")
    return results
