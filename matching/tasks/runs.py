"""Celery tasks of the matching runs area."""

from celery import shared_task

from mentorship.core.tasks import OrganizationTask, organization_row

from ..models import MatchRun


@shared_task(base=OrganizationTask, bind=True, name="matching.run_matching")
def run_matching(self, organization, run_id):
    """Solve a queued match run of a large cohort (called ``run_matching.delay(org.pk,
    run.pk)``). Idempotent: a run already solved (in review, published, failed or discarded)
    is left as it is, so a redelivered task after a lost acknowledgement, or a retry after a
    failure (the run is then marked failed), does nothing."""
    from ..services.run import matchrun_execute

    run = organization_row(MatchRun.objects, organization, run_id, what="match run")
    if run is None:  # deleted since, or another organisation's: nothing to do (logged)
        return None
    run = matchrun_execute(run=run)
    return run.status
