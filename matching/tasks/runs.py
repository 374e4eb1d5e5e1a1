"""Celery tasks of the matching runs area."""

from celery import shared_task

from ..models import MatchRun


@shared_task(name="matching.run_matching", bind=True, acks_late=True)
def run_matching(self, organization_id, run_id):
    """Solve a queued match run of a large cohort. Idempotent: a run already solved (in
    review, published, failed or discarded) is left as it is, so a redelivered task after a
    lost acknowledgement does nothing."""
    from ..services.runs import matchrun_execute

    run = MatchRun.objects.filter(organization_id=organization_id, pk=run_id).first()
    if run is None:  # deleted since: nothing to do
        return None
    run = matchrun_execute(run=run)
    return run.status
