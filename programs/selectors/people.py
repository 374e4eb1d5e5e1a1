"""Reads of the people area: a cohort's participants with their intake and onboarding state,
its header counts, a person's own participations and next steps, open intakes and today's
reminders.

Keyword-only functions taking the organisation (or an object reached through it), each in a
fixed number of queries whatever the number of rows, so that every page computes them the
same way. A read never writes.
"""

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from mentorship.notifications.models import Nudge

from ..emails import INTAKE_REMINDER
from ..models import (
    Cohort,
    MenteeGoal,
    MenteeIntake,
    MentorIntake,
    MentorOffer,
    Participant,
    Resource,
    ResourceCompletion,
)
from .charter import (  # the charter rule has one home
    charter_acknowledged_subquery,
    participant_charter_done,
)
from .cohorts import SEATED_ROLES, Seats, open_pending_enrolments

INTAKE_ROLES = SEATED_ROLES

__all__ = [
    "INTAKE_ROLES",
    "cohort_intake_status",
    "cohort_people_summary",
    "coaching_primer_exists",
    "intake_of",
    "intake_pending",
    "my_participations",
    "next_steps",
    "open_intakes",
    "participant_charter_done",
    "participant_with_state",
    "participants_with_state",
    "reminded_today",
    "reminder_period",
]


def participants_with_state(
    *, organization, cohort=None, intakes=True, people=True, onboarding=True
):
    """Participants of ``organization`` with everything a list shows, in one query:
    the person, their manager, intakes, readiness, and annotations ``intake_done_at``,
    ``charter_done`` and ``primer_done``. With ``cohort``, only its participants, each
    given that cohort object rather than joining the cohort and program into every row
    (two joins fewer: planning the wide join was most of the list's query time).

    ``intakes=False``: without the intakes themselves (``intake_done_at`` is then read by a
    subquery on each intake table rather than by joining both with all their columns), for
    a list that shows whether the intake is done and not what it says: two joins fewer to
    plan and two objects fewer to build a row.

    ``people=False``: without the person, their manager and readiness (a person's own
    participations, whose person the caller has: three joins fewer).

    ``onboarding=False``: without ``intake_done_at``, ``primer_done`` and the list's order
    by role (a person's own participations: their pages read the intakes themselves and no
    primer; the annotations were a third of the home page's widest query to compile)."""
    related = ["user", "manager", "readiness"] if people else []
    if intakes:
        related += ["mentee_intake", "mentor_intake"]
        intake_done_at = Coalesce("mentee_intake__completed_at", "mentor_intake__completed_at")
    else:
        intake_done_at = Coalesce(
            *(
                Subquery(
                    model.objects.filter(
                        organization=organization, participant_id=OuterRef("pk")
                    ).values("completed_at")[:1]
                )
                for model in (MenteeIntake, MentorIntake)
            )
        )
    if cohort is None:
        base = Participant.objects.for_org(organization)
        related += ["cohort", "cohort__program"]
    else:
        # The related manager hands each row ``cohort`` itself (no join, no query).
        base = cohort.participants.filter(organization=organization)
    rows = base.select_related(*related).annotate(
        charter_done=charter_acknowledged_subquery(
            organization, program_id=cohort.program_id if cohort is not None else None
        )
    )
    if not onboarding:
        return rows
    return rows.annotate(
        intake_done_at=intake_done_at,
        role_order=Case(
            When(role=Participant.Role.MENTOR, then=Value(0)),
            When(role=Participant.Role.MENTEE, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        primer_done=Exists(
            ResourceCompletion.objects.filter(
                organization=organization,
                user_id=OuterRef("user_id"),
                resource__is_coaching_primer=True,
            )
        ),
    ).order_by("role_order", "user__name", "user__email")


def cohort_participants(*, cohort):
    """The cohort's participants with their state (the participants page's list), without
    the intakes themselves (the list says whether each is done)."""
    return participants_with_state(organization=cohort.organization, cohort=cohort, intakes=False)


def participant_with_state(*, participant, with_intake=False):
    """One participant (already reached through an access getter) read again with the
    list's annotations; ``with_intake`` adds the intake's goals and offers with their
    competencies (the participant's page). Two queries at most, three with the intake."""
    queryset = participants_with_state(organization=participant.organization).filter(
        pk=participant.pk
    )
    if with_intake:
        organization = participant.organization
        queryset = queryset.prefetch_related(
            Prefetch(
                "mentee_intake__goal_items",
                queryset=MenteeGoal.objects.for_org(organization).select_related("competency"),
            ),
            Prefetch(
                "mentor_intake__offers",
                queryset=MentorOffer.objects.for_org(organization).select_related("competency"),
            ),
        )
    return queryset.get()


def intake_pending(*, cohort):
    """Active mentors and mentees of the cohort who have not finished their intake."""
    return (
        participants_with_state(organization=cohort.organization, cohort=cohort)
        .filter(status=Participant.Status.ACTIVE, role__in=INTAKE_ROLES)
        .filter(intake_done_at__isnull=True)
    )


def cohort_invited(*, cohort, limit=8):
    """The first ``limit`` open invitations into the cohort, by e-mail (the list's aside)."""
    return list(open_pending_enrolments(cohort=cohort).order_by("invitation__email")[:limit])


def cohort_people_summary(*, cohort):
    """Counts for a cohort's header: enrolled by role, withdrawn, invited, intake pending,
    and its ``seats`` (a :class:`.cohorts.Seats`, the one definition of seats taken and
    left). Two queries."""
    enrolled = Q(status__in=Participant.ENROLLED_STATUSES)
    intake_open = (
        Q(status=Participant.Status.ACTIVE, role__in=INTAKE_ROLES)
        & Q(mentee_intake__completed_at__isnull=True)
        & Q(mentor_intake__completed_at__isnull=True)
    )
    counts = cohort.participants.aggregate(
        mentors=Count("pk", filter=enrolled & Q(role=Participant.Role.MENTOR)),
        mentees=Count("pk", filter=enrolled & Q(role=Participant.Role.MENTEE)),
        facilitators=Count("pk", filter=enrolled & Q(role=Participant.Role.FACILITATOR)),
        withdrawn=Count("pk", filter=Q(status=Participant.Status.WITHDRAWN)),
        intake_pending=Count("pk", filter=intake_open),
    )
    pending = open_pending_enrolments(cohort=cohort).aggregate(
        invited=Count("pk"), invited_seated=Count("pk", filter=Q(role__in=SEATED_ROLES))
    )
    counts.update(pending)
    # The same seats as :func:`.cohorts.cohort_seats`, from the counts just read (no second
    # read): mentors and mentees enrolled, plus open invitations that keep a seat.
    seats = Seats(
        capacity=cohort.capacity,
        enrolled=counts["mentors"] + counts["mentees"],
        invited=pending["invited_seated"],
    )
    counts["seats"] = seats
    counts["capacity"] = seats.capacity
    counts["seats_left"] = seats.left
    return counts


def coaching_primer_exists(*, organization):
    """Whether the library has a coaching primer for mentors to complete (P7)."""
    return (
        Resource.objects.for_org(organization)
        .filter(is_coaching_primer=True, archived_at__isnull=True)
        .exists()
    )


def intake_of(participant):
    """The participant's intake row (mentee or mentor), or None. Reads what the participant
    was loaded with (``participants_with_state`` selects both)."""
    name = {"mentee": "mentee_intake", "mentor": "mentor_intake"}.get(participant.role)
    if name is None:
        return None
    return getattr(participant, name, None)


def next_steps(participant):
    """What the participant should do next, in order: (key, words) pairs. The charter step
    follows the same rule as the intake gate (:func:`participant_charter_done`)."""
    if participant.status != Participant.Status.ACTIVE:
        return []
    steps = []
    if not participant_charter_done(participant):
        steps.append(("charter", "Read and acknowledge the program's charter"))
    if participant.role in INTAKE_ROLES:
        intake = intake_of(participant)
        if intake is None or intake.completed_at is None:
            steps.append(
                ("intake", f"Fill in your {participant.get_role_display().lower()} intake")
            )
    return steps


def my_participations(*, organization, user, facilitates=False):
    """The person's participations in the organisation, latest cohort first, each with its
    :func:`next_steps`: [(participant, steps)]. One query, whatever the number of rows.

    ``facilitates``: each row also says whether the person is named the facilitator of a
    cohort here that is not completed, any cohort (``facilitates_cohort``, the same on every
    row: PostgreSQL computes the uncorrelated subquery once), so that the home page knows
    without a query of its own whether they have a facilitator's panel."""
    participations = (
        participants_with_state(organization=organization, people=False, onboarding=False)
        .filter(user=user)
        .order_by("-cohort__starts_on", "cohort__name")
    )
    if facilitates:
        participations = participations.annotate(
            facilitates_cohort=Exists(
                Cohort.objects.for_org(organization)
                .filter(facilitator=user)
                .exclude(status=Cohort.Status.COMPLETED)
            )
        )
    rows = []
    for participant in participations:
        participant.user = user  # theirs: not joined into every row
        rows.append((participant, next_steps(participant)))
    return rows


# --- intake reminders --------------------------------------------------------------------


def reminder_period(organization):
    """Today in the organisation's time zone: a person gets one reminder per such day."""
    return timezone.localdate(timezone=organization.zoneinfo).isoformat()


def reminder_key(user_id):
    """The outbox key of a person's intake reminder: about the person, not a participation."""
    return f"user:{user_id}"


def cohort_intake_status(*, cohort):
    """The intake page's reads: the cohort's people with an unfinished intake (by role and
    name), the ids of those already reminded today, and how many are left to remind."""
    pending = intake_pending(cohort=cohort).order_by("role", "user__name", "user__email")
    pending_ids = set(pending.values_list("pk", flat=True))
    reminded = reminded_today(cohort=cohort) & pending_ids
    return pending, reminded, len(pending_ids - reminded)


def reminded_today(*, cohort, participant_ids=None):
    """Ids of the cohort's participants whose person already got an intake reminder today
    (from this cohort, any other of the organisation or the sweep; by e-mail or only in
    their inbox, as they chose: the nudge is the reminder). One query."""
    reminded_people = Nudge.objects.for_org(cohort.organization).filter(
        kind=INTAKE_REMINDER.kind,
        period=reminder_period(cohort.organization),
        subject_key__startswith=reminder_key(""),
    )
    participants = cohort.participants.filter(user__in=reminded_people.values("recipient_id"))
    if participant_ids is not None:
        participants = participants.filter(pk__in=participant_ids)
    return set(participants.values_list("pk", flat=True))


def open_intakes(*, organization, user_ids):
    """The unfinished intakes of these people in the organisation, grouped by person:
    {user id: [participants]}, oldest cohort first. One query."""
    pending = (
        participants_with_state(organization=organization)
        .filter(user_id__in=user_ids, status=Participant.Status.ACTIVE, role__in=INTAKE_ROLES)
        .filter(intake_done_at__isnull=True)
        .order_by("cohort__starts_on", "cohort__name", "pk")
    )
    grouped = {}
    for participant in pending:
        grouped.setdefault(participant.user_id, []).append(participant)
    return grouped
