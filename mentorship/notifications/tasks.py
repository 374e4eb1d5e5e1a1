"""Thin Celery entry points for delivery; the work is in services.

``deliver_message`` is an :class:`~mentorship.core.tasks.OrganizationTask`: it is queued as
``deliver_message.delay(organization_id, message_id)`` and runs with the organisation. Its
name is ``notifications.deliver_message`` (the project's ``"<app>.<task>"`` scheme); a
message queued under its former name before a deploy is not lost: its row stays undelivered
and the sweep queues it again.
"""

from celery import shared_task

from mentorship.core.tasks import OrganizationTask

from .services import MAX_ATTEMPTS, message_deliver, message_sweep


@shared_task(
    base=OrganizationTask,
    bind=True,
    name="notifications.deliver_message",
    # A message is tried MAX_ATTEMPTS times in all (the row then says it gave up), more
    # than the base's five retries: an e-mail is worth a longer wait than a nudge.
    max_retries=MAX_ATTEMPTS - 1,
)
def deliver_message(self, organization, message_id):
    """Deliver one outbox row; retried with backoff; a no-op once it is sent."""
    message_deliver(organization=organization, message_id=message_id)


# Not an OrganizationTask: one sweep serves every organisation. Its name stays the one the
# beat schedules of running deployments (and settings.CELERY_BEAT_SCHEDULE) already use.
@shared_task(name="mentorship.notifications.tasks.sweep_pending_messages")
def sweep_pending_messages(older_than_seconds=120):
    """Re-enqueue messages that never reached a worker (the broker was down at commit)."""
    return message_sweep(older_than_seconds=older_than_seconds)
