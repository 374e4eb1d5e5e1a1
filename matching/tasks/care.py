"""Celery tasks of the matching care area."""

from celery import shared_task

from mentorship.tenancy.models import Organization

from ..models import Pairing


@shared_task(
    name="matching.check_pairings",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=600,
    retry_jitter=False,
    max_retries=5,
)
def check_pairings(organization_id=None):
    """The hourly care check (M9, M5, B3, B4). From the beat schedule (no argument): one task
    per organisation that has live pairings, so that one tenant's failure is retried on its
    own and leaves the others done. Each check is idempotent."""
    from ..services.care import pairings_check

    if organization_id is None:
        # Deliberately cross-tenant: the beat schedule sweeps every organisation.
        ids = sorted(
            set(Pairing.objects.unscoped().live().values_list("organization_id", flat=True))
        )
        for org_id in ids:
            check_pairings.delay(org_id)
        return {"queued": len(ids)}
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return {}
    return {organization_id: pairings_check(organization=organization).as_dict()}
