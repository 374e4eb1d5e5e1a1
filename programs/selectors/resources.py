"""Reads of the resource pages: the library, who may be assigned a resource, what a person
is asked to do, who did a resource and how far a cohort is (each in a fixed number of
queries)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from ..models import Cohort, Participant, Resource, ResourceAssignment, ResourceCompletion

ENROLLED = Participant.ENROLLED_STATUSES


def assignable_users(*, organization):
    """People a resource may be assigned to: members, and participants of its cohorts."""
    users = get_user_model().objects
    return (
        (users.members_of(organization) | users.filter(participations__organization=organization))
        .distinct()
        .order_by("name", "email")
    )


def assignments_reaching(*, organization, user):
    """Assignments that reach a person: to them, or to a cohort they are enrolled in (and
    to their role there, when the assignment names one)."""
    return ResourceAssignment.objects.for_org(organization).filter(
        Q(user=user)
        | (
            Q(cohort__participants__user=user)
            & Q(cohort__participants__status__in=ENROLLED)
            & (Q(participant_role="") | Q(participant_role=F("cohort__participants__role")))
        )
    )


def is_enrolled_mentor(*, organization, user):
    return (
        Participant.objects.for_org(organization)
        .filter(user=user, role=Participant.Role.MENTOR, status__in=ENROLLED)
        .exists()
    )


def resources_for_user(*, organization, user):
    """The resources a person is asked to do, annotated with ``due_on`` (the earliest),
    ``via_cohort`` (a cohort it came through), ``direct`` and ``completed_at``.

    A coaching primer is every enrolled mentor's, assigned or not: it is part of their
    onboarding checklist.
    """
    reaching = assignments_reaching(organization=organization, user=user).filter(
        resource=OuterRef("pk")
    )
    visible = Exists(reaching)
    if is_enrolled_mentor(organization=organization, user=user):
        visible |= Q(is_coaching_primer=True)
    completion = ResourceCompletion.objects.filter(
        organization=organization, resource=OuterRef("pk"), user=user
    )
    return (
        Resource.objects.for_org(organization)
        .filter(archived_at__isnull=True)
        .filter(visible)
        .annotate(
            due_on=Subquery(
                reaching.filter(due_on__isnull=False).order_by("due_on").values("due_on")[:1]
            ),
            via_cohort=Subquery(
                reaching.filter(cohort__isnull=False)
                .order_by("-assigned_at")
                .values("cohort__name")[:1]
            ),
            direct=Exists(reaching.filter(user=user)),
            completed_at=Subquery(completion.values("completed_at")[:1]),
        )
        .prefetch_related("competencies")
        .order_by(
            F("completed_at").asc(nulls_first=True), F("due_on").asc(nulls_last=True), "title"
        )
    )


def resource_for_user(*, organization, user, resource_id):
    """One of the person's resources, or ``None`` when it is not theirs to see."""
    return resources_for_user(organization=organization, user=user).filter(pk=resource_id).first()


@dataclass
class AudienceRow:
    user: object
    via: list
    due_on: object = None
    completed_at: object = None


def resource_audience(*, resource):
    """Who a resource is assigned to and who has done it: one row per person.

    Five queries whatever the numbers: assignments, participants of the assigned cohorts,
    enrolled mentors (for a coaching primer), completions, and their people.
    """
    organization = resource.organization
    assignments = list(resource.assignments.select_related("cohort", "user"))
    cohort_ids = {a.cohort_id for a in assignments if a.cohort_id}
    participants = (
        Participant.objects.for_org(organization)
        .filter(cohort_id__in=cohort_ids, status__in=ENROLLED)
        .select_related("user", "cohort")
    )
    rows = {}

    def add(user, via, due_on):
        row = rows.setdefault(user.pk, AudienceRow(user=user, via=[]))
        if via not in row.via:
            row.via.append(via)
        if due_on and (row.due_on is None or due_on < row.due_on):
            row.due_on = due_on

    for assignment in assignments:
        if assignment.user_id:
            add(assignment.user, "Assigned directly", assignment.due_on)
    for participant in participants:
        for assignment in assignments:
            if assignment.cohort_id == participant.cohort_id and assignment.participant_role in (
                "",
                participant.role,
            ):
                add(participant.user, participant.cohort.name, assignment.due_on)
    if resource.is_coaching_primer:
        mentors = (
            Participant.objects.for_org(organization)
            .filter(role=Participant.Role.MENTOR, status__in=ENROLLED)
            .select_related("user")
        )
        for mentor in mentors:
            if mentor.user_id not in rows:
                add(mentor.user, "Mentor onboarding", None)
    others = []
    for completion in resource.completions.select_related("user"):
        row = rows.get(completion.user_id)
        if row is None:
            others.append(completion)
        else:
            row.completed_at = completion.completed_at
    ordered = sorted(rows.values(), key=lambda r: (r.completed_at is not None, str(r.user)))
    return ordered, others


@dataclass
class CohortProgress:
    cohort: object
    resources: list
    rows: list  # (participant, [cell]) where cell is None (not theirs), False, or a datetime
    totals: list  # (resource, done, assigned)


def cohort_resource_progress(*, cohort):
    """Completion of the resources assigned to a cohort, person by person."""
    organization = cohort.organization
    assignments = list(
        cohort.assignments.filter(resource__archived_at__isnull=True)
        .select_related("resource")
        .order_by("resource__title", "participant_role")
    )
    resources, roles = [], {}
    for assignment in assignments:
        if assignment.resource_id not in roles:
            resources.append(assignment.resource)
            roles[assignment.resource_id] = set()
        roles[assignment.resource_id].add(assignment.participant_role)
    participants = list(cohort.participants.filter(status__in=ENROLLED).select_related("user"))
    done = {
        (resource_id, user_id): completed_at
        for resource_id, user_id, completed_at in ResourceCompletion.objects.for_org(organization)
        .filter(
            resource_id__in=[r.pk for r in resources],
            user_id__in=[p.user_id for p in participants],
        )
        .values_list("resource_id", "user_id", "completed_at")
    }
    rows = []
    counts = {r.pk: [0, 0] for r in resources}
    for participant in participants:
        cells = []
        for resource in resources:
            wanted = roles[resource.pk]
            if "" in wanted or participant.role in wanted:
                completed_at = done.get((resource.pk, participant.user_id), False)
                counts[resource.pk][1] += 1
                if completed_at:
                    counts[resource.pk][0] += 1
                cells.append(completed_at)
            else:
                cells.append(None)
        rows.append((participant, cells))
    totals = [(r, counts[r.pk][0], counts[r.pk][1]) for r in resources]
    return CohortProgress(cohort=cohort, resources=resources, rows=rows, totals=totals)


def resource_list(*, organization):
    """The library: every resource with its assignment and completion counts and its
    competencies, by title."""
    return (
        Resource.objects.for_org(organization)
        .annotate(
            assignment_count=Count("assignments", distinct=True),
            completion_count=Count("completions", distinct=True),
        )
        .prefetch_related("competencies")
        .order_by("title", "pk")
    )


def resource_with_competencies(*, resource):
    """The resource read afresh with its competencies (its page shows them)."""
    return (
        Resource.objects.for_org(resource.organization_id)
        .prefetch_related("competencies")
        .select_related("organization")
        .get(pk=resource.pk)
    )


def resource_assignments(*, resource):
    """The resource's assignments, cohorts first, with who assigned them."""
    return list(
        resource.assignments.select_related("cohort", "user", "assigned_by").order_by(
            "cohort__name", "user__name"
        )
    )


def default_progress_cohort(*, organization):
    """The cohort the completion grid opens on: the one people work in now, else the
    newest."""
    cohorts = Cohort.objects.for_org(organization)
    return cohorts.filter(status=Cohort.Status.ACTIVE).first() or cohorts.first()
