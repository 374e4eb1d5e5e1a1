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
    """The hourly care check (M9, M5, B3, B4): with no argument, every organisation that has
    live pairings, one at a time; each run is idempotent."""
    from ..services.care import pairings_check

    if organization_id is None:
        # Deliberately cross-tenant: the beat schedule sweeps every organisation.
        ids = sorted(
            set(Pairing.objects.unscoped().live().values_list("organization_id", flat=True))
        )
    else:
        ids = [organization_id]
    results = {}
    for org_id in ids:
        organization = Organization.objects.filter(pk=org_id).first()
        if organization is None:
            continue
        results[org_id] = pairings_check(organization=organization).as_dict()
    return results
