"""Celery tasks of the matching runs area."""

from celery import shared_task

from mentorship.core.tasks import OrganizationTask
from programs.tasks.reminders import log_not_ours

from ..models import MatchRun


@shared_task(base=OrganizationTask, bind=True, name="matching.run_matching")
def run_matching(self, organization, run_id):
    """Solve a queued match run of a large cohort (called ``run_matching.delay(org.pk,
    run.pk)``). Idempotent: a run already solved (in review, published, failed or discarded)
    is left as it is, so a redelivered task after a lost acknowledgement, or a retry after a
    failure (the run is then marked failed), does nothing."""
    from ..services.run import matchrun_execute

    run = MatchRun.objects.filter(organization_id=organization.pk, pk=run_id).first()
    if run is None:  # deleted since, or another organisation's: nothing to do (logged)
        log_not_ours("match run", MatchRun, run_id, organization)
        return None
    run = matchrun_execute(run=run)
    return run.status
