"""Thin Celery entry points for nudges; the work is in services, delivery and the apps'
reminder sweeps.

- ``notifications.deliver_due(organization_id)``: send the organisation's due e-mails
  (queued after every commit that stores one, and by the delivery sweep);
- ``notifications.sweep_deliveries``: every 20 s (``settings.CELERY_BEAT_SCHEDULE``), queue
  the delivery of every organisation with e-mails due, so a broker outage, a dead worker's
  claims, quiet hours and retries all end within a sweep;
- ``notifications.sweep_reminders``: every minute, queue ``reminders_for`` per organisation:
  every app's reminder sweep (:mod:`mentorship.notifications.sweeps`) and the digests.

Tasks are acknowledged late and retried with backoff (``OrganizationTask``); each is
idempotent because every nudge is a row with a unique key and every e-mail is claimed before
it is sent.
"""

from celery import shared_task

from mentorship.core.tasks import OrganizationTask, queue_per_organization

from . import delivery, sweeps


@shared_task(base=OrganizationTask, bind=True, name="notifications.deliver_due")
def deliver_due(self, organization):
    """Send the organisation's due e-mails; a no-op when none is due. When some failed, the
    task is retried when the first of them may be tried again (its backoff); the delivery
    sweep would find them too."""
    sent, failed = delivery.deliver_due(organization=organization)
    if failed and self.request.retries < self.max_retries:
        wait = delivery.next_retry_in(organization=organization)
        if wait is not None:
            raise self.retry(countdown=wait)
    return sent, failed


@shared_task(base=OrganizationTask, bind=True, name="notifications.deliver_message")
def deliver_message(self, organization, message_id=None):
    """The former one-message task (still queued by a deploy's older code): delivers every
    due e-mail of the organisation, that one included."""
    return delivery.deliver_due(organization=organization)


@shared_task(name="notifications.sweep_deliveries")
def sweep_deliveries():
    return queue_per_organization(deliver_due, delivery.organizations_with_due_messages())


# The name running deployments' beat schedules still use for the delivery sweep.
@shared_task(name="mentorship.notifications.tasks.sweep_pending_messages")
def sweep_pending_messages(older_than_seconds=0):
    return sweep_deliveries()


@shared_task(base=OrganizationTask, bind=True, name="notifications.reminders_for")
def reminders_for(self, organization):
    """Every reminder sweep of the platform, and the digests, for one organisation."""
    return sweeps.run_all(organization=organization)


@shared_task(name="notifications.sweep_reminders")
def sweep_reminders():
    from mentorship.tenancy.models import Organization

    # Cross-tenant on purpose: one scoped task per organisation.
    return queue_per_organization(reminders_for, Organization.objects.values_list("pk", flat=True))
