"""Celery tasks of the matching directory area."""

from celery import shared_task

from mentorship.tenancy.models import Organization


@shared_task(name="matching.expire_offering_requests")
def expire_offering_requests(organization_id=None):
    """Hourly: expire unanswered directory requests past their day, one organisation at a
    time (each with its own id, so a tenant's failure leaves the others done)."""
    from ..services.directory import offering_requests_expire

    if organization_id is not None:
        return {organization_id: offering_requests_expire(organization_id=organization_id)}
    done = {}
    for pk in Organization.objects.order_by("pk").values_list("pk", flat=True):
        done[pk] = offering_requests_expire(organization_id=pk)
    return done
