"""The mentor directory (M7): micro-session offerings, requests with pre-work, the mentor's
answer within the offering's days, expiry, and time-banking credits for delivered sessions.
The directory's reads are in :mod:`matching.selectors.directory`.

An accepted request becomes a micro session (the sessions app listens to
:data:`offering_request_accepted` and creates it, with the request's message as its pre-work);
the mentor's credit is earned when that session is completed (the sessions app calls
:func:`offering_request_deliver` on ``sessions.signals.session_completed``), not before. A
request accepted before sessions existed has no session: marking it delivered banks the credit.

Anyone who is a member of the organisation may publish an offering: the directory is the
organisation's network (M7 "network model"), not a cohort's, and experienced people who mentor
in no cohort (leads, admins) are exactly whom mentees want to reach for a 20-minute question.
"""

from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from mentorship.core.models import model_update
from mentorship.core.urls import absolute_url
from mentorship.tenancy.scoping import set_links

from .. import emails
from ..models import Offering, OfferingRequest, TimeCredit
from ..selectors.directory import OPEN_STATUSES, is_member

MIN_MINUTES, MAX_MINUTES = 15, 45

# The stored kinds (``notifications.Message.kind``) of the directory's e-mails.
KIND_NEW = emails.OFFERING_REQUEST_NEW.kind
KIND_ANSWER = emails.OFFERING_REQUEST_ANSWER.kind
KIND_EXPIRED = emails.OFFERING_REQUEST_EXPIRED.kind

# Sent inside the acceptance's transaction with request=, by=, now= (sessions creates the
# request's micro session; the dependency points from sessions to matching, so a signal).
offering_request_accepted = Signal()


# --- offerings ---------------------------------------------------------------------------


def _check_offering(*, minutes, respond_within_days, topic):
    errors = {}
    if not (topic or "").strip():
        errors["topic"] = "Name the topic: what will the mentee leave with?"
    if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors["minutes"] = (
            f"A micro-session lasts {MIN_MINUTES} to {MAX_MINUTES} minutes. "
            "Longer topics belong in a mentoring pairing."
        )
    if respond_within_days is None or not 1 <= respond_within_days <= 30:
        errors["respond_within_days"] = "Answer requests within 1 to 30 days."
    if errors:
        raise ValidationError(errors)


def _set_competencies(offering, competencies):
    # set_links refuses another organisation's competencies (next to the field) before it
    # writes a link; the caller's transaction takes back anything written before.
    set_links(
        offering.competencies,
        competencies,
        organization=offering.organization,
        field="competencies",
    )


@transaction.atomic
def offering_create(
    *,
    organization,
    topic,
    description="",
    competencies=(),
    minutes=30,
    respond_within_days=3,
    by,
):
    """Publish an offering of ``by`` in the directory."""
    competencies = list(competencies)
    if not is_member(organization=organization, user=by):
        raise ValidationError("Only members of the organisation publish offerings.")
    _check_offering(minutes=minutes, respond_within_days=respond_within_days, topic=topic)
    offering = Offering(
        organization=organization,
        mentor=by,
        topic=topic.strip(),
        description=description.strip(),
        minutes=minutes,
        respond_within_days=respond_within_days,
    )
    offering.full_clean()
    offering.save()
    _set_competencies(offering, competencies)
    return offering


@transaction.atomic
def offering_update(
    *, offering, topic, description="", competencies=(), minutes, respond_within_days, by
):
    """Edit one's own offering (open requests keep the deadline they were given)."""
    competencies = list(competencies)
    if offering.mentor_id != by.pk:
        raise ValidationError("Only the mentor edits their offering.")
    _check_offering(minutes=minutes, respond_within_days=respond_within_days, topic=topic)
    _set_competencies(offering, competencies)
    model_update(
        offering,
        {
            "topic": topic.strip(),
            "description": description.strip(),
            "minutes": minutes,
            "respond_within_days": respond_within_days,
        },
    )
    return offering


@transaction.atomic
def offering_set_active(*, offering, active, by):
    """Pause (hide from the directory) or resume an offering. Open requests stay open."""
    if offering.mentor_id != by.pk:
        raise ValidationError("Only the mentor pauses their offering.")
    offering.active = bool(active)
    offering.save(update_fields=["active"])
    return offering


# --- requests ----------------------------------------------------------------------------


def _send(email_kind, request, *, user, link_name, site_url=""):
    organization = request.organization
    emails.nudge_send(
        email_kind,
        organization=organization,
        subject_key=f"offering_request:{request.pk}",
        user=user,
        context={
            "request": request,
            "offering": request.offering,
            "organization": organization,
            "link": absolute_url(link_name, organization.slug, site_url=site_url),
            "directory_link": absolute_url("directory", organization.slug, site_url=site_url),
        },
    )


@transaction.atomic
def offering_request_create(*, offering, message="", by, now=None):
    """``by`` asks for ``offering`` with their pre-work; the mentor is e-mailed once."""
    now = now or timezone.now()
    organization = offering.organization
    # Lock the offering: two quick clicks must not make two open requests.
    offering = (
        Offering.objects.for_org(organization)
        .select_for_update()
        .select_related("mentor")
        .get(pk=offering.pk)
    )
    if offering.mentor_id == by.pk:
        raise ValidationError("This is your own offering.")
    if not offering.active:
        raise ValidationError("This offering is paused: choose another mentor.")
    if not is_member(organization=organization, user=by) or not is_member(
        organization=organization, user=offering.mentor
    ):
        raise ValidationError("Requests are between members of the organisation.")
    message = (message or "").strip()
    if len(message) < 20:
        raise ValidationError(
            {
                "message": "Give the mentor some context (20 characters or more): what you tried, "
                "where you are stuck, what you want to leave with."
            }
        )
    if (
        OfferingRequest.objects.for_org(organization)
        .filter(offering=offering, mentee=by, status__in=OPEN_STATUSES)
        .exists()
    ):
        raise ValidationError("You already have an open request for this offering.")
    request = OfferingRequest(
        organization=organization,
        offering=offering,
        mentee=by,
        message=message,
        respond_by=now + timedelta(days=offering.respond_within_days),
    )
    request.full_clean()
    request.save()
    _send(
        emails.OFFERING_REQUEST_NEW,
        request,
        user=offering.mentor,
        link_name="offering_requests_incoming",
    )
    return request


def _locked_request(request):
    return (
        OfferingRequest.objects.for_org(request.organization)
        .select_for_update()
        .select_related("offering", "offering__mentor", "mentee")
        .get(pk=request.pk)
    )


@transaction.atomic
def offering_request_answer(*, request, accept, by, now=None):
    """The mentor accepts or declines, within the offering's days; the mentee is told once."""
    now = now or timezone.now()
    request = _locked_request(request)
    if request.offering.mentor_id != by.pk:
        raise ValidationError("Only the mentor answers this request.")
    if request.status != OfferingRequest.Status.REQUESTED:
        raise ValidationError(f"This request is already {request.get_status_display().lower()}.")
    if now > request.respond_by:
        raise ValidationError("The time to answer has passed; the mentee was pointed elsewhere.")
    request.status = OfferingRequest.Status.ACCEPTED if accept else OfferingRequest.Status.DECLINED
    request.responded_at = now
    request.save(update_fields=["status", "responded_at"])
    if accept:
        offering_request_accepted.send(sender=OfferingRequest, request=request, by=by, now=now)
    _send(
        emails.OFFERING_REQUEST_ANSWER,
        request,
        user=request.mentee,
        link_name="my_offering_requests",
    )
    return request


@transaction.atomic
def offering_request_deliver(*, request, by, now=None):
    """An accepted request's session is delivered: one credit of the offering's minutes.
    Called when the request's session is completed; refused while it is not (a request with
    no session, accepted before sessions existed, is marked delivered by its mentor)."""
    now = now or timezone.now()
    request = _locked_request(request)
    if request.offering.mentor_id != by.pk:
        raise ValidationError("Only the mentor marks their session delivered.")
    if request.status != OfferingRequest.Status.ACCEPTED:
        raise ValidationError("Only an accepted request can be marked delivered.")
    try:
        session = request.session
    except ObjectDoesNotExist:
        session = None
    if session is not None and session.status != "completed":
        raise ValidationError(
            "The credit comes when the session is completed: log it on the session's page."
        )
    request.status = OfferingRequest.Status.DELIVERED
    request.delivered_at = now
    request.save(update_fields=["status", "delivered_at"])
    credit = TimeCredit(
        organization=request.organization,
        mentor=request.offering.mentor,
        request=request,
        minutes=request.offering.minutes,
    )
    credit.full_clean()
    credit.save()
    return credit


def offering_requests_expire(*, organization, now=None):
    """Expire this organisation's unanswered requests past their day; tell each mentee once
    and point them back to the directory. Each request in its own transaction (one that
    fails leaves the others expired). Idempotent: returns how many expired now."""
    now = now or timezone.now()
    due = list(
        OfferingRequest.objects.for_org(organization)
        .filter(status=OfferingRequest.Status.REQUESTED, respond_by__lt=now)
        .values_list("pk", flat=True)
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            request = (
                OfferingRequest.objects.for_org(organization)
                .select_for_update()
                .select_related("organization", "offering", "offering__mentor", "mentee")
                .filter(pk=pk, status=OfferingRequest.Status.REQUESTED)
                .first()
            )
            if request is None:
                continue
            request.status = OfferingRequest.Status.EXPIRED
            request.save(update_fields=["status"])
            _send(
                emails.OFFERING_REQUEST_EXPIRED,
                request,
                user=request.mentee,
                link_name="my_offering_requests",
            )
            expired += 1
    return expired
