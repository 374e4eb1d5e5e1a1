"""Reads of a cohort: its seats, and who has yet to finish their intake."""

from dataclasses import dataclass

from django.utils import timezone

from ..models import Participant, PendingEnrolment

SEATED_ROLES = (Participant.Role.MENTOR, Participant.Role.MENTEE)


def open_pending_enrolments(*, cohort):
    """Invitations into the cohort that are still open (a seat is kept for each)."""
    return (
        PendingEnrolment.objects.for_org(cohort.organization)
        .filter(
            cohort=cohort,
            invitation__accepted_at__isnull=True,
            invitation__revoked_at__isnull=True,
            invitation__expires_at__gt=timezone.now(),
        )
        .select_related("invitation")
    )


@dataclass(frozen=True)
class Seats:
    """A cohort's seats: mentors and mentees enrolled, plus open invitations into it, held
    against its capacity. Facilitators take no seat."""

    capacity: int
    enrolled: int
    invited: int

    @property
    def taken(self):
        return self.enrolled + self.invited

    @property
    def left(self):
        return max(self.capacity - self.taken, 0)


def cohort_seats(*, cohort, excluding=None):
    """The one read of a cohort's seats, used by the cohort page, the capacity check, the
    invitation check, the CSV import and the acceptance of an invitation (two queries).

    ``excluding`` is a PendingEnrolment whose seat is not counted: the acceptance of an
    invitation asks whether the cohort has room for the person *besides* the seat their own
    invitation held, whether or not that invitation still counts as open at that moment.
    """
    enrolled = cohort.participants.filter(
        status__in=Participant.ENROLLED_STATUSES, role__in=SEATED_ROLES
    ).count()
    invited = open_pending_enrolments(cohort=cohort).filter(role__in=SEATED_ROLES)
    if excluding is not None:
        invited = invited.exclude(pk=excluding.pk)
    return Seats(capacity=cohort.capacity, enrolled=enrolled, invited=invited.count())


def intake_unfinished(*, cohort):
    """The cohort's active mentors and mentees and whether each finished their intake:
    ``{"mentor": (finished count, [names still to finish]), "mentee": (...)}`` (one query).
    Matching needs at least one of each with a finished intake."""
    rows = (
        cohort.participants.filter(status=Participant.Status.ACTIVE, role__in=SEATED_ROLES)
        .values_list(
            "role",
            "user__name",
            "user__email",
            "mentee_intake__completed_at",
            "mentor_intake__completed_at",
        )
        .order_by("user__name", "user__email")
    )
    result = {Participant.Role.MENTOR: (0, []), Participant.Role.MENTEE: (0, [])}
    for role, name, email, mentee_done, mentor_done in rows:
        finished, waiting = result[role]
        if (mentor_done if role == Participant.Role.MENTOR else mentee_done) is not None:
            result[role] = (finished + 1, waiting)
        else:
            waiting.append(name or email)
    return result
