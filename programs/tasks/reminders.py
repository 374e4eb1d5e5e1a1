"""Celery entry points of the programs app: thin, idempotent, given the organisation's id."""

from celery import shared_task
from django.conf import settings

from ..models import Cohort


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=600,
    retry_jitter=False,
    max_retries=5,
)
def send_intake_reminders(self, organization_id, cohort_id, site_url=""):
    """Remind the cohort's people who have not finished intake; at most one e-mail per
    person per day (the outbox's unique key), so a retry or a second run sends nothing new.
    Outside a request (beat, a worker) the links start with ``settings.SITE_URL``."""
    from ..services.people import cohort_intake_reminders_send

    cohort = (
        Cohort.objects.filter(organization_id=organization_id, pk=cohort_id)
        .select_related("organization", "program")
        .first()
    )
    if cohort is None:  # deleted since the click: nothing to do
        return 0
    queued, _already = cohort_intake_reminders_send(
        cohort=cohort, site_url=site_url or settings.SITE_URL
    )
    return queued
