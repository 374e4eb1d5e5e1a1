"""A person's own pairings ("My mentoring" and its home panel), their mentors' bio and
competencies, and the milestones of the cohorts they are mentored in: reads, a fixed number
of queries."""

from django.db.models import Prefetch, Q

from programs.models import Cohort, MentorOffer, Milestone, Participant

from ..models import Pairing

SHOWN = [Pairing.Status.PENDING, Pairing.Status.ACTIVE]


def my_mentoring(*, organization, user, participant_ids=None, detail=True):
    """(pairings where I mentor, pairings where I am mentored), live and recent first.

    ``participant_ids``: the person's participants here when the caller has them (the home
    page), so the rows are found by their own columns rather than through two joins.
    ``detail=False`` (the home panel) leaves out the mentor's intake and competencies."""
    if participant_ids is None:
        mine = Q(mentor__user=user) | Q(mentee__user=user)
    else:
        mine = Q(mentor_id__in=participant_ids) | Q(mentee_id__in=participant_ids)
    related = ["mentor__user", "mentee__user", "cohort__program", "topic"]
    pairings = Pairing.objects.for_org(organization).filter(mine, status__in=SHOWN)
    if detail:
        offers = MentorOffer.objects.for_org(organization).select_related("competency")
        related.append("mentor__mentor_intake")
        pairings = pairings.prefetch_related(
            Prefetch(
                "mentor__mentor_intake__offers",
                queryset=offers.order_by("-level", "competency__name"),
            )
        )
    # Both sides in one read (each wide read costs more to plan than to run), split here.
    pairings = list(pairings.select_related(*related).order_by("status", "-id"))
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
