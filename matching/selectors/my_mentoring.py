"""A person's own pairings ("My mentoring" and its home panel): reads, two or three queries."""

from programs.models import Participant

from ..models import Pairing

SHOWN = [Pairing.Status.PENDING, Pairing.Status.ACTIVE]


def my_mentoring(*, organization, user):
    """(pairings where I mentor, pairings where I am mentored), live and recent first."""
    base = Pairing.objects.for_org(organization).select_related(
        "mentor__user", "mentee__user", "cohort__program", "topic"
    )
    as_mentor = list(base.filter(mentor__user=user, status__in=SHOWN).order_by("status", "-id"))
    as_mentee = list(base.filter(mentee__user=user, status__in=SHOWN).order_by("status", "-id"))
    return as_mentor, as_mentee


def my_active_roles(*, organization, user):
    """The roles a person takes in the organisation's active cohorts (one query)."""
    return set(
        Participant.objects.for_org(organization)
        .filter(user=user, status=Participant.Status.ACTIVE)
        .values_list("role", flat=True)
    )
