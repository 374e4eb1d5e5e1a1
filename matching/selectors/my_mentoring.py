"""A person's own pairings ("My mentoring" and its home panel), their mentors' bio and
competencies, and the milestones of the cohorts they are mentored in: reads, a fixed number
of queries."""

from django.db.models import Prefetch, Q

from programs.models import Cohort, MentorOffer, Milestone, Participant

from ..models import Pairing

SHOWN = [Pairing.Status.PENDING, Pairing.Status.ACTIVE]


def my_mentoring(*, organization, user):
    """(pairings where I mentor, pairings where I am mentored), live and recent first."""
    offers = MentorOffer.objects.for_org(organization).select_related("competency")
    # Both sides in one read (each wide read costs more to plan than to run), split here.
    pairings = list(
        Pairing.objects.for_org(organization)
        .select_related(
            "mentor__user", "mentee__user", "cohort__program", "topic", "mentor__mentor_intake"
        )
        .filter(Q(mentor__user=user) | Q(mentee__user=user), status__in=SHOWN)
        .prefetch_related(
            Prefetch(
                "mentor__mentor_intake__offers",
                queryset=offers.order_by("-level", "competency__name"),
            )
        )
        .order_by("status", "-id")
    )
    as_mentor = [p for p in pairings if p.mentor.user_id == user.pk]
    as_mentee = [p for p in pairings if p.mentee.user_id == user.pk]
    return as_mentor, as_mentee


def my_mentee_milestones(*, organization, user):
    """The milestones of the cohorts the person is mentored in (enrolled as a mentee, the
    cohort not completed): ``[(cohort, [milestone, ...]), ...]``, two queries."""
    cohorts = (
        Cohort.objects.for_org(organization)
        .filter(
            participants__user=user,
            participants__role=Participant.Role.MENTEE,
            participants__status=Participant.Status.ACTIVE,
        )
        .exclude(status__in=[Cohort.Status.DRAFT, Cohort.Status.COMPLETED])
        .distinct()
        .order_by("starts_on", "pk")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.for_org(organization)))
    )
    return [(cohort, list(cohort.milestones.all())) for cohort in cohorts]


def my_active_roles(*, organization, user):
    """The roles a person takes in the organisation's active cohorts (one query)."""
    return set(
        Participant.objects.for_org(organization)
        .filter(user=user, status=Participant.Status.ACTIVE)
        .values_list("role", flat=True)
    )
