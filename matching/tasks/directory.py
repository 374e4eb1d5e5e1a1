"""Celery tasks of the matching directory area."""

from celery import shared_task
from django.utils import timezone

from mentorship.core.tasks import OrganizationTask, queue_per_organization

from ..models import OfferingRequest


@shared_task(name="matching.expire_offering_requests")
def expire_offering_requests():
    """The beat entry (hourly): one :func:`expire_organization_offering_requests` per
    organisation with requests past their day, so a tenant's failure leaves the others done."""
    # Deliberately cross-tenant: the beat schedule sweeps every organisation.
    ids = (
        OfferingRequest.objects.unscoped()
        .filter(status=OfferingRequest.Status.REQUESTED, respond_by__lt=timezone.now())
        .values_list("organization_id", flat=True)
    )
    return {"queued": queue_per_organization(expire_organization_offering_requests, ids)}


@shared_task(
    base=OrganizationTask, bind=True, name="matching.expire_organization_offering_requests"
)
def expire_organization_offering_requests(self, organization):
    """Expire one organisation's unanswered requests past their day (``.delay(org.pk)``).
    Idempotent: an expired request is not expired, nor its mentee told, again."""
    from ..services.directory import offering_requests_expire

    return {organization.pk: offering_requests_expire(organization=organization)}
