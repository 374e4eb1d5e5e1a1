"""Signal receivers: every new organisation gets the built-in session templates; a completed
session sends its follow-up and earns a directory credit; an accepted directory request
becomes a micro session."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from matching.models import OfferingRequest, Pairing
from matching.services import directory as directory_services
from matching.signals import pairing_accepted
from mentorship.tenancy.models import Organization

from .services.templates import library_install
from .signals import session_completed


@receiver(post_save, sender=Organization, dispatch_uid="sessions_library_install")
def install_library(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        library_install(organization=instance)


# --- feedback, groups, directory (helper "feedback+groups") ---------------------------------


@receiver(session_completed, dispatch_uid="sessions_followup")
def send_followup(sender, session, by=None, **kwargs):
    """B1: the follow-up (summary and pulse requests) of a completed session."""
    from .services.feedback import session_followup

    session_followup(session=session)


@receiver(session_completed, dispatch_uid="sessions_directory_credit")
def earn_directory_credit(sender, session, by=None, **kwargs):
    """M7: the mentor's time-bank credit is earned when the request's session is completed."""
    if session.offering_request_id is None:
        return
    request = OfferingRequest.objects.for_org(session.organization).get(
        pk=session.offering_request_id
    )
    if request.status != OfferingRequest.Status.ACCEPTED:
        return  # already delivered (or withdrawn): nothing more to earn
    directory_services.offering_request_deliver(
        request=request, by=request.offering.mentor, now=session.completed_at
    )


@receiver(
    directory_services.offering_request_accepted,
    sender=OfferingRequest,
    dispatch_uid="sessions_directory_session",
)
def create_directory_session(sender, request, by, now=None, **kwargs):
    """M7: an accepted directory request becomes a micro session with its pre-work."""
    from .services.groups import directory_session_create

    directory_session_create(request=request, by=by, now=now)


# --- plans (helper "plan") ---------------------------------------------------------------


@receiver(pairing_accepted, sender=Pairing, dispatch_uid="sessions_plan_on_acceptance")
def create_plan(sender, pairing, by=None, **kwargs):
    """D1: the mentor's acceptance of a core pairing creates its 90-day plan (in the same
    transaction: the plan exists exactly when the acceptance committed)."""
    from .services.plans import plan_create_for_pairing

    plan_create_for_pairing(pairing=pairing, by=by)
