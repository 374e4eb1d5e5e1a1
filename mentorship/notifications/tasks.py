"""Thin Celery entry points for delivery; the work is in services."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import Message
from .services import MAX_ATTEMPTS, message_deliver


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=600,
    retry_jitter=False,
    max_retries=MAX_ATTEMPTS - 1,
)
def deliver_message(self, organization_id, message_id):
    """Deliver one outbox row; retried with backoff; a no-op once it is sent."""
    message_deliver(organization_id=organization_id, message_id=message_id)


@shared_task
def sweep_pending_messages(older_than_seconds=120):
    """Re-enqueue messages that never reached a worker (the broker was down at commit)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    # Cross-tenant on purpose: the sweep serves every organisation and hands each task its
    # organisation's id, so the delivery itself runs scoped.
    stale = (
        Message.objects.unscoped()
        .undelivered()
        .filter(created_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)
        .values_list("organization_id", "pk")
    )
    count = 0
    for organization_id, message_id in stale.iterator():
        deliver_message.delay(organization_id, message_id)
        count += 1
    return count
