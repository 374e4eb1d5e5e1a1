"""Celery entry points of the intake reminders: thin, idempotent, given the organisation's id."""

import logging

from celery import shared_task

from mentorship.core.tasks import OrganizationTask

from ..models import Cohort

logger = logging.getLogger(__name__)


def log_not_ours(what, model, pk, organization):
    """Log why a task handed ``organization`` and the id of a ``model`` row does nothing:
    the row is another organisation's (a wrong call: nothing is done, nothing retried) or
    was deleted since the task was queued."""
    # Deliberately unscoped: only to tell the two cases apart in the log.
    elsewhere = model.objects.unscoped().filter(pk=pk).exclude(organization=organization)
    if elsewhere.exists():
        logger.warning(
            "%s %s belongs to another organisation than %s (%s): nothing done.",
            what,
            pk,
            organization.pk,
            organization.slug,
        )
    else:
        logger.info("%s %s no longer exists: nothing done.", what, pk)


@shared_task(base=OrganizationTask, bind=True, name="programs.send_intake_reminders")
def send_intake_reminders(self, organization, cohort_id, site_url=""):
    """Remind the cohort's people who have not finished intake; at most one e-mail per
    person per day (the outbox's unique key), so a retry or a second run sends nothing new.

    Called with the organisation's id first (``send_intake_reminders.delay(org.pk,
    cohort.pk, site_url)``); :class:`~mentorship.core.tasks.OrganizationTask` hands it the
    Organization. Outside a request (beat, a worker) the links start with
    ``settings.SITE_URL``. Returns how many reminders it queued."""
    from ..services.reminders import cohort_intake_reminders_send

    cohort = (
        Cohort.objects.for_org(organization)
        .filter(pk=cohort_id)
        .select_related("organization", "program")
        .first()
    )
    if cohort is None:  # deleted since the click, or another organisation's: nothing to do
        log_not_ours("cohort", Cohort, cohort_id, organization)
        return 0
    queued, _already = cohort_intake_reminders_send(cohort=cohort, site_url=site_url)
    return queued
