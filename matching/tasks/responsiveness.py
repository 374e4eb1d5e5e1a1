"""Celery tasks of pairing responsiveness (M9, M5): the check of live pairings is the
``matching.pairing_care`` reminder sweep (``matching.reminders``); these names stay for
callers that still use them."""

from celery import shared_task

from mentorship.core.tasks import OrganizationTask, queue_per_organization

from ..models import Pairing


class PairingChecksFailed(Exception):
    """Some pairings' checks raised (each rolled back alone); the task is retried for them."""


@shared_task(name="matching.check_pairings")
def check_pairings():
    """The former hourly beat entry (a deployed beat may still send it): the check is now
    the ``matching.pairing_care`` reminder sweep, run every minute per organisation by
    ``notifications.reminders_for``. Queues one :func:`check_organization_pairings` per
    organisation with live pairings, which runs the same check."""
    # Deliberately cross-tenant: the beat schedule sweeps every organisation.
    ids = Pairing.objects.unscoped().live().values_list("organization_id", flat=True)
    return {"queued": queue_per_organization(check_organization_pairings, ids)}


@shared_task(base=OrganizationTask, bind=True, name="matching.check_organization_pairings")
def check_organization_pairings(self, organization):
    """Check one organisation's live pairings (``.delay(org.pk)``), each in its own
    transaction. When some failed, the others stay done and the task raises, so it is
    retried; the retry finds the done ones out of the state that triggered them."""
    from ..services.responsiveness import pairings_check

    summary = pairings_check(organization=organization)
    if summary.failed:
        raise PairingChecksFailed(
            f"Checks of pairings {summary.failed} in organisation {organization.pk} failed."
        )
    return summary.as_dict()
