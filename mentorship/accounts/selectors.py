"""The reads of the accounts app that its pages need: keyword-only functions taking the
organisation (or, for an invitation link, the link's signed token). A read never writes."""

from django.utils import timezone

from mentorship.tenancy.scoping import unscoped_queries

from .invitations import InvalidInvitation, invitation_payload
from .models import Invitation, Profile


def invitation_list(*, organization, status="open"):
    """The organisation's invitations, newest first, with who sent each: the open ones
    (``status="open"``) or every one (any other status)."""
    queryset = Invitation.objects.for_org(organization).select_related("invited_by")
    if status == "open":
        queryset = queryset.pending()
    return queryset


def invitation_pending_count(*, organization):
    """How many invitations of the organisation are still open."""
    return Invitation.objects.for_org(organization).pending().count()


def invitation_by_token(*, token):
    """The open invitation a link points to, or InvalidInvitation saying why not.

    Reached before the person is a member, so the lookup is by the signed id, not by an
    organisation: the signature is the scope.
    """
    invitation_id, nonce = invitation_payload(token)
    with unscoped_queries():
        invitation = (
            Invitation.objects.select_related("organization").filter(pk=invitation_id).first()
        )
    if invitation is None or invitation.nonce != nonce:
        raise InvalidInvitation(
            "This invitation link is no longer valid: a newer one may have been sent to you."
        )
    if invitation.accepted_at:
        raise InvalidInvitation("This invitation has already been used.")
    if invitation.revoked_at:
        raise InvalidInvitation("This invitation was withdrawn by the organisation.")
    if invitation.expires_at <= timezone.now():
        raise InvalidInvitation(
            "This invitation has expired. Ask the person who invited you to send a new one."
        )
    return invitation


# --- profiles (issue 10) ---------------------------------------------------------------------


def profile_of(*, organization, user):
    """``user``'s Profile in ``organization``, or None before they first save one."""
    return Profile.objects.for_org(organization).filter(user=user).first()


def profile_page(*, organization, person):
    """What a person's profile page shows: their profile (photo, bio, time zone, languages),
    the competencies they offer as a mentor (the highest level across their intakes) and
    seek as a mentee (the highest priority), and, for a mentor, kudos received, sessions
    delivered and time-bank credits. Nine queries, whatever their intakes hold."""
    from django.db.models import Max, Min

    from matching.selectors.directory import mentor_credit_summary
    from programs.models import MenteeGoal, MentorOffer, Participant
    from sessions.selectors.feedback import recognition
    from sessions.selectors.people import zone_of

    roles = set(
        Participant.objects.for_org(organization)
        .filter(user=person)
        .exclude(status=Participant.Status.WITHDRAWN)
        .values_list("role", flat=True)
    )
    offered = list(
        MentorOffer.objects.for_org(organization)
        .filter(intake__participant__user=person)
        .values("competency__name")
        .annotate(level=Max("level"))
        .order_by("-level", "competency__name")
    )
    sought = list(
        MenteeGoal.objects.for_org(organization)
        .filter(intake__participant__user=person)
        .values("competency__name")
        .annotate(priority=Min("priority"))
        .order_by("priority", "competency__name")
    )
    is_mentor = Participant.Role.MENTOR in roles or bool(offered)
    return {
        "person": person,
        "profile": profile_of(organization=organization, user=person),
        "roles": sorted(roles),
        "offered": offered,
        "sought": sought,
        "is_mentor": is_mentor,
        "recognition": recognition(organization=organization, user=person) if is_mentor else None,
        "credits": mentor_credit_summary(organization=organization, mentor=person)
        if is_mentor
        else None,
        "zone": zone_of(organization=organization, user=person),
    }
