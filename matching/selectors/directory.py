"""The reads of the mentor directory (M7): the directory's cards, an offering's mentor
profile, a mentor's own offerings and incoming requests, a mentee's requests, and who is
free when. Keyword-only, taking the organisation; nothing here writes."""

from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from mentorship.tenancy.models import Membership
from programs.availability import SLOT_CODES, utc_hours
from programs.models import MenteeIntake, MentorIntake, MentorOffer

from ..models import Offering, OfferingRequest, TimeCredit

OPEN_STATUSES = [OfferingRequest.Status.REQUESTED, OfferingRequest.Status.ACCEPTED]


def is_member(*, organization, user):
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


def other_offerings_of(*, organization, user, offering):
    """The offering's mentor's other offerings in the directory, as ``user`` sees them."""
    return attach_levels(
        organization=organization,
        offerings=offerings_for_directory(organization=organization, user=user)
        .filter(mentor=offering.mentor)
        .exclude(pk=offering.pk),
    )


def open_request_of(*, organization, offering, mentee):
    """``mentee``'s open request for ``offering``, or None."""
    return (
        OfferingRequest.objects.for_org(organization)
        .filter(offering=offering, mentee=mentee, status__in=OPEN_STATUSES)
        .first()
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
    return (
        TimeCredit.objects.for_org(organization)
        .filter(mentor=mentor)
        .aggregate(minutes=Coalesce(Sum("minutes"), 0), sessions=Count("pk"))
    )


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
    """A mentor's own offerings (paused ones too), with their open and delivered counts."""
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
    """Requests for ``mentor``'s offerings, newest first (with the micro session an accepted
    one became)."""
    return (
        OfferingRequest.objects.for_org(organization)
        .filter(offering__mentor=mentor)
        .select_related("offering", "mentee", "credit", "session")
        .order_by("-created_at", "-pk")
    )


def requests_of(*, organization, mentee):
    """``mentee``'s requests, newest first."""
    return (
        OfferingRequest.objects.for_org(organization)
        .filter(mentee=mentee)
        .select_related("offering", "offering__mentor")
        .order_by("-created_at", "-pk")
    )
