"""Reads of the catalogue pages: programs and their cohorts, as the lists and detail pages
show them (each in a fixed number of queries whatever the number of rows)."""

from django.db.models import Count, Q

from mentorship.tenancy.models import AuditEvent

from ..models import Cohort, Participant, Program

# Statuses whose cohorts are under way: a program with one of them is not archived.
RUNNING_STATUSES = (Cohort.Status.ENROLLING, Cohort.Status.MATCHING, Cohort.Status.ACTIVE)


def program_list(*, organization):
    """The organisation's programs with their cohorts, running cohorts and seated people."""
    seated = Q(cohorts__participants__status__in=Participant.ENROLLED_STATUSES) & ~Q(
        cohorts__participants__role=Participant.Role.FACILITATOR
    )
    return (
        Program.objects.for_org(organization)
        .select_related("blueprint")
        .annotate(
            cohort_count=Count("cohorts", distinct=True),
            running_count=Count(
                "cohorts", filter=Q(cohorts__status__in=RUNNING_STATUSES), distinct=True
            ),
            participant_count=Count("cohorts__participants", filter=seated, distinct=True),
        )
        .order_by("name", "pk")
    )


def program_phases(*, program):
    """The phases of the program's blueprint with their activities (empty without one)."""
    if not program.blueprint_id:
        return []
    return list(program.blueprint.phases.prefetch_related("activities"))


def program_cohorts(*, program):
    """The program's cohorts with their facilitator and participant counts."""
    return list(
        Cohort.objects.for_org(program.organization)
        .filter(program=program)
        .select_related("facilitator")
        .with_counts()
    )


def cohort_list(*, organization):
    """The organisation's cohorts, newest first, with their program, facilitator and counts."""
    return (
        Cohort.objects.for_org(organization)
        .select_related("program", "facilitator")
        .with_counts()
        .order_by("-starts_on", "name", "pk")
    )


def cohort_counts(*, cohort):
    """Enrolled mentors, mentees and facilitators of the cohort, and the withdrawn, in one
    query."""
    enrolled = Q(status__in=Participant.ENROLLED_STATUSES)
    return cohort.participants.aggregate(
        mentors=Count("pk", filter=enrolled & Q(role=Participant.Role.MENTOR)),
        mentees=Count("pk", filter=enrolled & Q(role=Participant.Role.MENTEE)),
        facilitators=Count("pk", filter=enrolled & Q(role=Participant.Role.FACILITATOR)),
        withdrawn=Count("pk", filter=Q(status=Participant.Status.WITHDRAWN)),
    )


def cohort_history(*, cohort, limit=8):
    """The cohort's latest audit events, newest first, with who did them."""
    return list(
        AuditEvent.objects.for_org(cohort.organization)
        .filter(target_type="cohort", target_id=str(cohort.pk))
        .select_related("actor")[:limit]
    )


def cohort_milestones(*, cohort):
    """The cohort's milestones, in their order."""
    return list(cohort.milestones.all())


def milestone_count(*, cohort):
    return cohort.milestones.count()
