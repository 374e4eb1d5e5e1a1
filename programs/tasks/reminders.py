"""Celery entry points of the intake reminders: thin, idempotent, given the organisation's id."""

from celery import shared_task

from mentorship.core.tasks import OrganizationTask, organization_row

from ..models import Cohort


@shared_task(base=OrganizationTask, bind=True, name="programs.send_intake_reminders")
def send_intake_reminders(self, organization, cohort_id, site_url=""):
    """Remind the cohort's people who have not finished intake; at most one reminder per
    person per day (the nudge's unique key), so a retry or a second run sends nothing new.

    Nothing queues it any more: "remind everyone" stores the nudges in its own request and
    the ``programs.intake`` sweep reminds unasked. It stays for a deploy's older code.

    Called with the organisation's id first (``send_intake_reminders.delay(org.pk,
    cohort.pk, site_url)``); :class:`~mentorship.core.tasks.OrganizationTask` hands it the
    Organization. Outside a request (beat, a worker) the links start with
    ``settings.SITE_URL``. Returns how many reminders it queued."""
    from ..services.reminders import cohort_intake_reminders_send

    cohort = organization_row(
        Cohort.objects.select_related("organization", "program"),
        organization,
        cohort_id,
        what="cohort",
    )
    if cohort is None:  # deleted since the click, or another organisation's: nothing to do
        return 0
    queued, _already = cohort_intake_reminders_send(cohort=cohort, site_url=site_url)
    return queued
