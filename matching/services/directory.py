"""The mentor directory (M7): micro-session offerings, requests with pre-work, the mentor's
answer within the offering's days, expiry, and time-banking credits for delivered sessions.

Anyone who is a member of the organisation may publish an offering: the directory is the
organisation's network (M7 "network model"), not a cohort's, and experienced people who mentor
in no cohort (leads, admins) are exactly whom mentees want to reach for a 20-minute question.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications.services import message_queue
from mentorship.tenancy.models import Membership
from mentorship.tenancy.scoping import set_links
from programs.availability import SLOT_CODES, utc_hours
from programs.models import Competency, MenteeIntake, MentorIntake, MentorOffer

from ..models import Offering, OfferingRequest, TimeCredit

MIN_MINUTES, MAX_MINUTES = 15, 45
OPEN_STATUSES = [OfferingRequest.Status.REQUESTED, OfferingRequest.Status.ACCEPTED]

KIND_NEW = "offering_request_new"
KIND_ANSWER = "offering_request_answer"
KIND_EXPIRED = "offering_request_expired"


def _site_url():
    return (getattr(settings, "SITE_URL", "") or "").rstrip("/")


def _link(name, organization, *args):
    return _site_url() + reverse(name, args=[organization.slug, *args])


# --- reading ---------------------------------------------------------------------------


def _is_member(organization, user):
    return Membership.objects.for_org(organization).filter(user=user).exists()


def offerings_for_directory(*, organization, user):
    """Active offerings of people who are still members, with what each card shows:
    the mentor's department, their credits, and whether ``user`` has an open request."""
    members = Membership.objects.for_org(organization).filter(user=OuterRef("mentor"))
    credits = (
        TimeCredit.objects.filter(organization=organization, mentor=OuterRef("mentor"))
        .values("mentor")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    mine_open = OfferingRequest.objects.filter(
        organization=organization,
        offering=OuterRef("pk"),
        mentee=user,
        status__in=OPEN_STATUSES,
    )
    return (
        Offering.objects.for_org(organization)
        .filter(active=True)
        .filter(Exists(members))
        .select_related("mentor")
        .prefetch_related("competencies")
        .annotate(
            department=Subquery(members.values("department")[:1]),
            credit_minutes=Coalesce(Subquery(credits), 0),
            has_open_request=Exists(mine_open),
        )
        .order_by("topic", "pk")
    )


def mentor_levels(*, organization, mentor_ids):
    """{(mentor user id, competency id): highest level the mentor stated in an intake}."""
    rows = (
        MentorOffer.objects.for_org(organization)
        .filter(intake__participant__user_id__in=set(mentor_ids))
        .values("intake__participant__user_id", "competency_id")
        .annotate(level=Max("level"))
    )
    return {(r["intake__participant__user_id"], r["competency_id"]): r["level"] for r in rows}


def attach_levels(*, organization, offerings):
    """Give each offering ``competency_levels``: [(competency, level or None)]. One query."""
    offerings = list(offerings)
    levels = mentor_levels(organization=organization, mentor_ids=[o.mentor_id for o in offerings])
    for offering in offerings:
        offering.competency_levels = [
            (c, levels.get((offering.mentor_id, c.pk))) for c in offering.competencies.all()
        ]
    return offerings


def mentor_credit_summary(*, organization, mentor):
    """Total minutes and sessions delivered by ``mentor`` in this organisation."""
    totals = (
        TimeCredit.objects.for_org(organization)
        .filter(mentor=mentor)
        .aggregate(minutes=Coalesce(Sum("minutes"), 0), sessions=Count("pk"))
    )
    return totals


def mentor_profile(*, organization, mentor):
    """What the offering page shows of its mentor: department, bio, strengths, credits."""
    membership = Membership.objects.for_org(organization).filter(user=mentor).first()
    intake = (
        MentorIntake.objects.for_org(organization)
        .filter(participant__user=mentor)
        .exclude(bio="")
        .order_by("-updated_at")
        .first()
    )
    strengths = (
        MentorOffer.objects.for_org(organization)
        .filter(intake__participant__user=mentor)
        .values("competency__name")
        .annotate(level=Max("level"))
        .order_by("-level", "competency__name")
    )
    return {
        "department": membership.department if membership else "",
        "bio": intake.bio if intake else "",
        "strengths": list(strengths),
        "credits": mentor_credit_summary(organization=organization, mentor=mentor),
    }


def weekly_utc_hours(*, organization, user):
    """The UTC hours of the week ``user`` said they are free, from all their intakes in this
    organisation (as mentee or mentor); an empty set when they have none."""
    hours = set()
    for model in (MenteeIntake, MentorIntake):
        for availability, time_zone in (
            model.objects.for_org(organization)
            .filter(participant__user=user)
            .values_list("availability", "time_zone")
        ):
            slots = [s for s in availability or [] if s in SLOT_CODES]
            hours |= utc_hours(slots, time_zone)
    return frozenset(hours)


def mentors_available_with(*, organization, hours):
    """Ids of people whose mentor intake has a weekly slot overlapping ``hours`` (UTC)."""
    if not hours:
        return set()
    found = set()
    for user_id, availability, time_zone in MentorIntake.objects.for_org(organization).values_list(
        "participant__user_id", "availability", "time_zone"
    ):
        if user_id in found:
            continue
        slots = [s for s in availability or [] if s in SLOT_CODES]
        if utc_hours(slots, time_zone) & hours:
            found.add(user_id)
    return found


def offerings_of(*, organization, mentor):
    return (
        Offering.objects.for_org(organization)
        .filter(mentor=mentor)
        .prefetch_related("competencies")
        .annotate(
            open_count=Count("requests", filter=Q(requests__status__in=OPEN_STATUSES)),
            delivered_count=Count(
                "requests", filter=Q(requests__status=OfferingRequest.Status.DELIVERED)
            ),
        )
        .order_by("-active", "topic", "pk")
    )


def incoming_requests(*, organization, mentor):
    return (
        OfferingRequest.objects.for_org(organization)
        .filter(offering__mentor=mentor)
        .select_related("offering", "mentee", "credit")
        .order_by("-created_at", "-pk")
    )


def requests_of(*, organization, mentee):
    return (
        OfferingRequest.objects.for_org(organization)
        .filter(mentee=mentee)
        .select_related("offering", "offering__mentor")
        .order_by("-created_at", "-pk")
    )


# --- offerings ---------------------------------------------------------------------------


def _check_offering(organization, *, minutes, respond_within_days, competencies, topic):
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
    if any(c.organization_id != organization.pk for c in competencies):
        errors["competencies"] = "Choose competencies of this organisation."
    if errors:
        raise ValidationError(errors)


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
    if not _is_member(organization, by):
        raise ValidationError("Only members of the organisation publish offerings.")
    _check_offering(
        organization,
        minutes=minutes,
        respond_within_days=respond_within_days,
        competencies=competencies,
        topic=topic,
    )
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
    set_links(
        offering.competencies,
        competencies,
        organization=offering.organization,
        field="competencies",
    )
    return offering


@transaction.atomic
def offering_update(
    *, offering, topic, description="", competencies=(), minutes, respond_within_days, by
):
    """Edit one's own offering (open requests keep the deadline they were given)."""
    competencies = list(competencies)
    if offering.mentor_id != by.pk:
        raise ValidationError("Only the mentor edits their offering.")
    _check_offering(
        offering.organization,
        minutes=minutes,
        respond_within_days=respond_within_days,
        competencies=competencies,
        topic=topic,
    )
    offering.topic = topic.strip()
    offering.description = description.strip()
    offering.minutes = minutes
    offering.respond_within_days = respond_within_days
    offering.full_clean()
    offering.save()
    set_links(
        offering.competencies,
        competencies,
        organization=offering.organization,
        field="competencies",
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
    if not _is_member(organization, by) or not _is_member(organization, offering.mentor):
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
    body = render_to_string(
        "matching/directory/email/request_new.txt",
        {
            "request": request,
            "offering": offering,
            "organization": organization,
            "link": _link("offering_requests_incoming", organization),
        },
    )
    message_queue(
        organization=organization,
        kind=KIND_NEW,
        subject_key=f"offering_request:{request.pk}",
        recipient_email=offering.mentor.email,
        recipient=offering.mentor,
        subject=f"{by.name or by.email} asks for “{offering.topic}”",
        body=body,
    )
    return request


def _locked_request(request):
    return (
        OfferingRequest.objects.for_org(request.organization)
        .select_for_update()
        .select_related("offering", "offering__mentor", "mentee")
        .get(pk=request.pk)
    )


def _tell_mentee(request, kind, subject, template):
    organization = request.organization
    body = render_to_string(
        template,
        {
            "request": request,
            "offering": request.offering,
            "organization": organization,
            "link": _link("my_offering_requests", organization),
            "directory_link": _link("directory", organization),
        },
    )
    message_queue(
        organization=organization,
        kind=kind,
        subject_key=f"offering_request:{request.pk}",
        recipient_email=request.mentee.email,
        recipient=request.mentee,
        subject=subject,
        body=body,
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
    mentor = request.offering.mentor
    word = "accepted" if accept else "declined"
    _tell_mentee(
        request,
        KIND_ANSWER,
        f"{mentor.name or mentor.email} {word} your request for “{request.offering.topic}”",
        "matching/directory/email/request_answer.txt",
    )
    return request


@transaction.atomic
def offering_request_deliver(*, request, by, now=None):
    """The mentor marks an accepted session delivered: one credit of the offering's minutes."""
    now = now or timezone.now()
    request = _locked_request(request)
    if request.offering.mentor_id != by.pk:
        raise ValidationError("Only the mentor marks their session delivered.")
    if request.status != OfferingRequest.Status.ACCEPTED:
        raise ValidationError("Only an accepted request can be marked delivered.")
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


def offering_requests_expire(*, organization_id, now=None):
    """Expire this organisation's unanswered requests past their day; tell each mentee once
    and point them back to the directory. Idempotent: returns how many expired now."""
    now = now or timezone.now()
    due = list(
        OfferingRequest.objects.filter(
            organization_id=organization_id,
            status=OfferingRequest.Status.REQUESTED,
            respond_by__lt=now,
        ).values_list("pk", flat=True)
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            request = (
                OfferingRequest.objects.filter(organization_id=organization_id)
                .select_for_update()
                .select_related("organization", "offering", "offering__mentor", "mentee")
                .filter(pk=pk, status=OfferingRequest.Status.REQUESTED)
                .first()
            )
            if request is None:
                continue
            request.status = OfferingRequest.Status.EXPIRED
            request.save(update_fields=["status"])
            _tell_mentee(
                request,
                KIND_EXPIRED,
                f"No answer yet on “{request.offering.topic}”: choose another mentor",
                "matching/directory/email/request_expired.txt",
            )
            expired += 1
    return expired


def competencies_of(organization):
    return Competency.objects.for_org(organization).select_related("area")
