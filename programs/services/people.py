"""Enrolment, intake, readiness and intake reminders (P5, P6): the people of a cohort.

Writes are keyword-only ``entity_action(*, ..., by)`` functions, atomic, validated and
audited. The reads that pages share (a cohort's participants with their intake and
onboarding state, seat counts) are here too, so every page computes them the same way and in
a fixed number of queries.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.models import Invitation, User
from mentorship.accounts.services import invitation_create
from mentorship.notifications.models import Message
from mentorship.notifications.services import message_queue
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import Membership, Role, register_audit_actions

from .. import csv_import
from ..availability import SLOT_CODES
from ..models import (
    CharterAcknowledgement,
    Cohort,
    MenteeGoal,
    MenteeIntake,
    MentorIntake,
    MentorOffer,
    MentorReadiness,
    Participant,
    PendingEnrolment,
    Program,
    Resource,
    ResourceCompletion,
)
from ..models.intake import COACHING_STYLES, LEARNING_STYLES
from ..selectors.cohorts import SEATED_ROLES, Seats  # noqa: F401
from ..selectors.cohorts import cohort_seats as selected_cohort_seats
from ..selectors.cohorts import open_pending_enrolments as selected_open_pending_enrolments
from ..signals import participant_status_changed
from .catalogue import (  # the charter rule has one home: the catalogue, with the program
    charter_acknowledged_subquery,
    participant_charter_done,
)

register_audit_actions(
    {
        "participant.enrolled": "Enrolled a participant",
        "participant.invited": "Invited a person into a cohort",
        "participant.withdrawn": "Withdrew a participant",
        "participant.completed": "Marked a participant as completed",
        "participant.certified": "Certified a participant",
        "participant.imported": "Imported participants from a CSV file",
        "readiness.scored": "Scored a mentor's readiness",
        "intake.reminded": "Reminded people to finish their intake",
        "intake.completed": "Completed an intake",
        "charter.acknowledged": "Acknowledged a program's charter",
    }
)

INTAKE_ROLES = SEATED_ROLES
REMINDER_KIND = "intake_reminder"


# --- reads -------------------------------------------------------------------------------


def participants_with_state(organization):
    """Participants of ``organization`` with everything a list shows, in one query:
    the person, their manager, intakes, readiness, and annotations ``intake_done_at``,
    ``charter_done`` and ``primer_done``."""
    return (
        Participant.objects.for_org(organization)
        .select_related(
            "user",
            "manager",
            "cohort",
            "cohort__program",
            "mentee_intake",
            "mentor_intake",
            "readiness",
        )
        .annotate(
            intake_done_at=Coalesce("mentee_intake__completed_at", "mentor_intake__completed_at"),
            role_order=Case(
                When(role=Participant.Role.MENTOR, then=Value(0)),
                When(role=Participant.Role.MENTEE, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            charter_done=charter_acknowledged_subquery(organization),
            primer_done=Exists(
                ResourceCompletion.objects.filter(
                    organization=organization,
                    user_id=OuterRef("user_id"),
                    resource__is_coaching_primer=True,
                )
            ),
        )
        .order_by("role_order", "user__name", "user__email")
    )


def intake_pending(cohort):
    """Active mentors and mentees of the cohort who have not finished their intake."""
    return (
        participants_with_state(cohort.organization)
        .filter(cohort=cohort, status=Participant.Status.ACTIVE, role__in=INTAKE_ROLES)
        .filter(intake_done_at__isnull=True)
    )


def open_pending_enrolments(cohort):
    return selected_open_pending_enrolments(cohort=cohort)


def cohort_seats(cohort):
    return selected_cohort_seats(cohort=cohort)


def cohort_people_summary(cohort):
    """Counts for a cohort's header: enrolled by role, withdrawn, invited, intake pending."""
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
    pending = open_pending_enrolments(cohort).aggregate(
        invited=Count("pk"), invited_seated=Count("pk", filter=Q(role__in=SEATED_ROLES))
    )
    counts.update(pending)
    counts["capacity"] = cohort.capacity
    counts["seats_left"] = max(
        cohort.capacity - counts["mentors"] - counts["mentees"] - pending["invited_seated"], 0
    )
    return counts


def coaching_primer_exists(organization):
    """Whether the library has a coaching primer for mentors to complete (P7)."""
    return (
        Resource.objects.for_org(organization)
        .filter(is_coaching_primer=True, archived_at__isnull=True)
        .exists()
    )


def intake_of(participant):
    """The participant's intake row (mentee or mentor), or None."""
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


def my_participations(*, organization, user):
    """The person's participations in the organisation, latest cohort first, each with its
    :func:`next_steps`: [(participant, steps)]. One query, whatever the number of rows."""
    participations = (
        participants_with_state(organization)
        .filter(user=user)
        .order_by("-cohort__starts_on", "cohort__name")
    )
    return [(participant, next_steps(participant)) for participant in participations]


# --- enrolment ---------------------------------------------------------------------------


def _org_member(organization, user):
    return Membership.objects.for_org(organization).filter(user=user).first()


def _check_open(cohort):
    """Refuse a completed cohort, and hold the cohort's row until the transaction ends, so
    that two admins enrolling at once cannot both take its last place."""
    Cohort.objects.for_org(cohort.organization).select_for_update().filter(pk=cohort.pk).first()
    if cohort.status == Cohort.Status.COMPLETED:
        raise ValidationError(f"{cohort.name} has completed: it takes no new participants.")


def _check_seats(cohort, needed):
    if needed <= 0:
        return
    seats = cohort_seats(cohort)
    if needed > seats.left:
        invited = f" and {seats.invited} invited" if seats.invited else ""
        people = "1 more person" if needed == 1 else f"{needed} more people"
        raise ValidationError(
            f"{cohort.name} is at capacity: it takes {seats.capacity} mentors and mentees, "
            f"{seats.enrolled} are enrolled{invited}, so it has no room for {people}. "
            f"Raise its capacity or withdraw someone first."
            if seats.left == 0
            else f"{cohort.name} has {seats.left} place{'s' if seats.left != 1 else ''} left "
            f"(capacity {seats.capacity}), not enough for {people}."
        )


def _check_manager(organization, user, manager):
    if manager is None:
        return
    if manager.pk == user.pk:
        raise ValidationError({"manager": "A person cannot be their own manager."})
    if _org_member(organization, manager) is None:
        raise ValidationError({"manager": f"{manager} is not a member of {organization.name}."})


def _enrol(*, cohort, user, role, by, department="", manager=None, manager_email="", audit=True):
    organization = cohort.organization
    if role not in Participant.Role.values:
        raise ValidationError({"role": "Choose mentor, mentee or facilitator."})
    membership = _org_member(organization, user)
    if membership is None:
        raise ValidationError({"user": f"{user} is not a member of {organization.name}."})
    _check_manager(organization, user, manager)
    participant = cohort.participants.filter(user=user).first()
    if participant is not None and participant.status != Participant.Status.WITHDRAWN:
        raise ValidationError(
            {
                "user": f"{user} is already in {cohort.name} as "
                f"{participant.get_role_display().lower()}."
            }
        )
    if role in SEATED_ROLES:
        _check_seats(cohort, 1)
    if participant is None:
        participant = Participant(organization=organization, cohort=cohort, user=user)
    else:  # back after a withdrawal: the same row, active again
        participant.status = Participant.Status.ACTIVE
        participant.status_changed_at = timezone.now()
    participant.role = role
    participant.department = department or membership.department
    participant.manager = manager
    participant.manager_email = "" if manager else manager_email
    participant.full_clean()
    participant.save()
    if audit:
        audit_record(
            organization=organization,
            actor=by,
            action="participant.enrolled",
            target=participant,
            data={"cohort": cohort.name, "role": role},
        )
    return participant


@transaction.atomic
def participant_enrol(*, cohort, user, role, by, department="", manager=None):
    """Add a member of the cohort's organisation to it as mentor, mentee or facilitator.

    Refused when the person is not a member of the organisation, is already in the cohort,
    or the cohort is full (mentors and mentees count against its capacity; open invitations
    into the cohort keep their seat). A withdrawn participant is enrolled again.
    """
    _check_open(cohort)
    return _enrol(
        cohort=cohort, user=user, role=role, by=by, department=department, manager=manager
    )


@transaction.atomic
def participants_enrol(*, cohort, users, role, by, manager=None):
    """Enrol several members with one role: all of them or, on any refusal, none."""
    _check_open(cohort)
    users = list(users)
    if not users:
        raise ValidationError({"people": "Choose at least one person."})
    if role in SEATED_ROLES:
        _check_seats(cohort, len(users))
    return [_enrol(cohort=cohort, user=user, role=role, by=by, manager=manager) for user in users]


def _invite(*, cohort, email, role, by, site_url, name="", department="", manager_email=""):
    """Invite a person who is not a member yet straight into the cohort."""
    organization = cohort.organization
    email = email.strip().lower()
    already = open_pending_enrolments(cohort).filter(invitation__email__iexact=email).first()
    if already is not None:
        raise ValidationError(
            {
                "email": f"{email} is already invited into {cohort.name}: the invitation waits "
                f"to be accepted."
            }
        )
    open_invitation = (
        Invitation.objects.for_org(organization)
        .pending()
        .filter(email__iexact=email)
        .select_related("pending_enrolment__cohort")
        .first()
    )
    if open_invitation is not None:
        other = getattr(open_invitation, "pending_enrolment", None)
        if other is not None:
            raise ValidationError(
                {
                    "email": f"{email} has an open invitation into {other.cohort.name}; add them "
                    f"here once they have accepted it."
                }
            )
        invitation = open_invitation  # they join the cohort when they accept it
    else:
        invitation = invitation_create(
            organization=organization,
            email=email,
            name=name,
            role=Role.MEMBER,
            by=by,
            site_url=site_url,
            note=(
                f"You will take part in {cohort.name} ({cohort.program.name}) as a "
                f"{Participant.Role(role).label.lower()}, from {cohort.starts_on:%-d %B %Y}."
            ),
        )
    pending = PendingEnrolment(
        organization=organization,
        invitation=invitation,
        cohort=cohort,
        role=role,
        department=department,
        manager_email=manager_email,
    )
    pending.full_clean()
    pending.save()
    return pending


@transaction.atomic
def participant_invite(
    *, cohort, email, role, by, site_url="", name="", department="", manager=None
):
    """Invite a person by e-mail straight into the cohort with a role.

    A member of the organisation is enrolled at once (returns the Participant); anyone else
    gets an invitation to the organisation and a PendingEnrolment, which becomes a
    participant when they accept (returns the PendingEnrolment).
    """
    _check_open(cohort)
    organization = cohort.organization
    email = (email or "").strip().lower()
    if role not in Participant.Role.values:
        raise ValidationError({"role": "Choose mentor, mentee or facilitator."})
    member = (
        Membership.objects.for_org(organization)
        .filter(user__email__iexact=email)
        .select_related("user")
        .first()
    )
    if member is not None:
        return _enrol(
            cohort=cohort,
            user=member.user,
            role=role,
            by=by,
            department=department,
            manager=manager,
        )
    if manager is not None and _org_member(organization, manager) is None:
        raise ValidationError({"manager": f"{manager} is not a member of {organization.name}."})
    if role in SEATED_ROLES:
        _check_seats(cohort, 1)
    pending = _invite(
        cohort=cohort,
        email=email,
        role=role,
        by=by,
        site_url=site_url,
        name=name,
        department=department,
        manager_email=manager.email if manager else "",
    )
    audit_record(
        organization=organization,
        actor=by,
        action="participant.invited",
        target=pending,
        data={"cohort": cohort.name, "role": role, "email": email},
    )
    return pending


@transaction.atomic
def pending_enrolment_complete(*, invitation, user):
    """Turn the cohort enrolment that waited on an invitation into a participant.

    Also links the manager both ways: the new participant's manager if they have joined,
    and the new person as manager of participants who named them before they joined.
    """
    organization = invitation.organization
    Participant.objects.for_org(organization).filter(
        manager__isnull=True, manager_email__iexact=user.email
    ).update(manager=user, manager_email="")
    pending = (
        PendingEnrolment.objects.for_org(organization)
        .select_related("cohort")
        .filter(invitation=invitation)
        .first()
    )
    if pending is None:
        return None
    participant, created = Participant.objects.for_org(organization).get_or_create(
        organization=organization,
        cohort=pending.cohort,
        user=user,
        defaults={"role": pending.role, "department": pending.department},
    )
    if pending.manager_email and participant.manager_id is None:
        manager = User.objects.filter(
            email__iexact=pending.manager_email,
            memberships__organization=organization,
        ).first()
        if manager is not None:
            participant.manager = manager
            participant.manager_email = ""
        else:
            participant.manager_email = pending.manager_email
        participant.save(update_fields=["manager", "manager_email"])
    if created:
        audit_record(
            organization=organization,
            actor=user,
            action="participant.enrolled",
            target=participant,
            data={"cohort": pending.cohort.name, "role": pending.role, "via": "invitation"},
        )
    pending.delete()
    return participant


# --- status: withdraw, complete, certify -------------------------------------------------

STATUS_CHANGES = {
    # action: (new status, statuses it may come from, audit action, words)
    "withdraw": (
        Participant.Status.WITHDRAWN,
        {Participant.Status.ACTIVE},
        "participant.withdrawn",
        "withdrawn",
    ),
    "complete": (
        Participant.Status.COMPLETED,
        {Participant.Status.ACTIVE},
        "participant.completed",
        "completed",
    ),
    "certify": (
        Participant.Status.CERTIFIED,
        {Participant.Status.ACTIVE, Participant.Status.COMPLETED},
        "participant.certified",
        "certified",
    ),
}


def _status_change(*, participant, action, by, note=""):
    status, allowed, audit_action, words = STATUS_CHANGES[action]
    if participant.status not in allowed:
        raise ValidationError(
            f"{participant.user} is {participant.get_status_display().lower()}: they cannot be "
            f"{words} now."
        )
    if action == "certify" and participant.role != Participant.Role.MENTEE:
        raise ValidationError("Only mentees are certified.")
    previous = participant.status
    participant.status = status
    participant.status_changed_at = timezone.now()
    participant.full_clean()
    participant.save(update_fields=["status", "status_changed_at"])
    participant_status_changed.send(
        sender=Participant, participant=participant, previous=previous, by=by
    )
    audit_record(
        organization=participant.organization,
        actor=by,
        action=audit_action,
        target=participant,
        data={
            "cohort": participant.cohort.name,
            "from": previous,
            "to": status,
            **({"note": note} if note else {}),
        },
    )
    return participant


@transaction.atomic
def participant_withdraw(*, participant, by, note=""):
    """Withdraw an active participant: their seat is freed; they can be enrolled again."""
    return _status_change(participant=participant, action="withdraw", by=by, note=note)


@transaction.atomic
def participant_complete(*, participant, by, note=""):
    """Mark an active participant as having completed the cohort."""
    return _status_change(participant=participant, action="complete", by=by, note=note)


@transaction.atomic
def participant_certify(*, participant, by, note=""):
    """Record a mentee's certification by hand (the assessments area certifies on a passed
    final assessment; this is the admin's override, audited like any other)."""
    return _status_change(participant=participant, action="certify", by=by, note=note)


# --- CSV import --------------------------------------------------------------------------


class ImportRejected(Exception):
    """The file was not imported; ``errors`` lists every problem (csv_import.RowError)."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} problem(s) in the file")
        self.errors = errors


@dataclass
class ImportSummary:
    enrolled: list = field(default_factory=list)  # Participants
    invited: list = field(default_factory=list)  # PendingEnrolments

    @property
    def total(self):
        return len(self.enrolled) + len(self.invited)


def participants_import_check(*, cohort, rows, file_emails=None):
    """The checks of parsed rows that need the database: returns (errors, members), the
    RowErrors found and the organisation's members named in the file by e-mail.

    Only people of this organisation are looked up: an e-mail of someone who belongs to
    another organisation is simply a person to invite.
    """
    organization = cohort.organization
    emails = {row.email for row in rows}
    in_file = emails | set(file_emails or ())
    managers = {row.manager_email for row in rows if row.manager_email}
    members = {
        m.user.email.lower(): m.user
        for m in Membership.objects.for_org(organization)
        .filter(Q(user__email__in=emails | managers))
        .select_related("user")
    }
    enrolled = {
        p.user.email.lower(): p
        for p in cohort.participants.filter(user__email__in=emails)
        .exclude(status=Participant.Status.WITHDRAWN)
        .select_related("user")
    }
    invited_here = {
        p.invitation.email.lower()
        for p in open_pending_enrolments(cohort).filter(invitation__email__in=emails)
    }
    invited_elsewhere = {
        inv.email.lower(): inv.pending_enrolment.cohort.name
        for inv in Invitation.objects.for_org(organization)
        .pending()
        .filter(email__in=emails, pending_enrolment__isnull=False)
        .exclude(pending_enrolment__cohort=cohort)
        .select_related("pending_enrolment__cohort")
    }
    errors = []
    for row in rows:
        if row.email in enrolled:
            role = enrolled[row.email].get_role_display().lower()
            errors.append(
                csv_import.RowError(
                    row.line, f"{row.email} is already in {cohort.name} as {role}.", row.email
                )
            )
        elif row.email in invited_here:
            errors.append(
                csv_import.RowError(
                    row.line, f"{row.email} is already invited into {cohort.name}.", row.email
                )
            )
        elif row.email not in members and row.email in invited_elsewhere:
            errors.append(
                csv_import.RowError(
                    row.line,
                    f"{row.email} has an open invitation into {invited_elsewhere[row.email]}; "
                    f"add them here once they have accepted it.",
                    row.email,
                )
            )
        if (
            row.manager_email
            and row.manager_email not in members
            and row.manager_email not in in_file
        ):
            errors.append(
                csv_import.RowError(
                    row.line,
                    f"The manager {row.manager_email} is not a member of {organization.name} and "
                    f"not in the file.",
                    row.email,
                )
            )
    return errors, members


@transaction.atomic
def participants_import(*, cohort, data, by, site_url="", filename=""):
    """Import a CSV of participants into the cohort: every row, or none.

    Parses and checks the whole file first (csv_import), then checks it against the database,
    and only then writes, in one transaction: members of the organisation are enrolled,
    everyone else is invited into the cohort. Raises ImportRejected with every problem found;
    on success returns an ImportSummary and records one ``participant.imported`` event.
    """
    _check_open(cohort)
    seats = cohort_seats(cohort)
    parsed = csv_import.parse_participants(data, seats_left=seats.left, capacity=seats.capacity)
    # The database checks run on the rows that parsed, even when others did not: the admin
    # sees every problem of the file at once.
    errors, members = participants_import_check(
        cohort=cohort, rows=parsed.rows, file_emails=parsed.emails
    )
    errors = sorted(parsed.errors + errors, key=lambda e: e.line or 0)
    if errors:
        raise ImportRejected(errors)
    summary = ImportSummary()
    for row in parsed.rows:
        try:
            result = _import_row(cohort, row, members, by=by, site_url=site_url)
        except ValidationError as exc:  # a late refusal: report it, and save nothing
            errors.append(csv_import.RowError(row.line, " ".join(exc.messages), row.email))
            continue
        if isinstance(result, Participant):
            summary.enrolled.append(result)
        else:
            summary.invited.append(result)
    if errors:
        # Raised inside the atomic block: every row written so far is rolled back, and the
        # invitation e-mails (queued on commit) are never sent.
        raise ImportRejected(errors)
    audit_record(
        organization=cohort.organization,
        actor=by,
        action="participant.imported",
        target=cohort,
        data={
            "cohort": cohort.name,
            "file": filename[:120],
            "rows": len(parsed.rows),
            "enrolled": len(summary.enrolled),
            "invited": len(summary.invited),
        },
    )
    return summary


def _import_row(cohort, row, members, *, by, site_url):
    manager = members.get(row.manager_email) if row.manager_email else None
    user = members.get(row.email)
    if user is not None:
        return _enrol(
            cohort=cohort,
            user=user,
            role=row.role,
            by=by,
            department=row.department,
            manager=manager,
            manager_email="" if manager else row.manager_email,
            audit=False,
        )
    return _invite(
        cohort=cohort,
        email=row.email,
        role=row.role,
        by=by,
        site_url=site_url,
        name=row.name,
        department=row.department,
        manager_email=row.manager_email,
    )


# --- charter -----------------------------------------------------------------------------


@transaction.atomic
def participant_charter_acknowledge(*, participant):
    """Record that the participant read and accepted the current charter of their program.

    The one write of a charter acknowledgement (the demo and the participant's charter page
    call it; :func:`.catalogue.charter_acknowledged` reads what it writes)."""
    if participant.status not in Participant.ENROLLED_STATUSES:
        raise ValidationError("Only people taking part in the program acknowledge its charter.")
    program = participant.cohort.program
    acknowledgement, created = CharterAcknowledgement.objects.for_org(
        participant.organization
    ).get_or_create(
        organization=participant.organization,
        program=program,
        user=participant.user,
        charter_version=program.charter_version,
    )
    if created:
        audit_record(
            organization=participant.organization,
            actor=participant.user,
            action="charter.acknowledged",
            target=program,
            data={"version": program.charter_version},
        )
    return acknowledgement


# --- intake ------------------------------------------------------------------------------


def _check_intake_owner(participant, role):
    if participant.role != role:
        raise ValidationError(f"This intake is for a {role}.")
    if participant.status == Participant.Status.WITHDRAWN:
        raise ValidationError("You have withdrawn from this cohort.")


def _check_competencies(participant, ratings, low, high, field_name):
    if not ratings:
        raise ValidationError({field_name: "Choose at least one competency."})
    for competency, value in ratings.items():
        if competency.organization_id != participant.organization_id:
            raise ValidationError({field_name: "Choose competencies of your organisation."})
        if not low <= int(value) <= high:
            raise ValidationError({field_name: f"Use a value from {low} to {high}."})


def _check_availability(availability):
    unknown = set(availability) - SLOT_CODES
    if unknown:
        raise ValidationError({"availability": "Choose slots from the weekly grid."})
    if not availability:
        raise ValidationError({"availability": "Tick at least one time of the week."})


def _complete(intake, participant):
    first_time = intake.completed_at is None
    if first_time:
        intake.completed_at = timezone.now()
    intake.full_clean(exclude=["participant"])
    intake.save()
    if first_time:
        audit_record(
            organization=participant.organization,
            actor=participant.user,
            action="intake.completed",
            target=participant,
            data={"cohort": participant.cohort.name, "role": participant.role},
        )
    return intake


@transaction.atomic
def mentee_intake_save(
    *,
    participant,
    goals,
    competencies,
    availability,
    time_zone,
    learning_style="",
    preferred_format="",
    career_drivers="",
    feedback_preferences="",
):
    """Save (and complete) a mentee's intake. ``competencies`` maps Competency → priority
    1 (most important) to 3. Editing later keeps the first completion time."""
    _check_intake_owner(participant, Participant.Role.MENTEE)
    _check_competencies(participant, competencies, 1, 3, "competencies")
    _check_availability(availability)
    if not (goals or "").strip():
        raise ValidationError({"goals": "Say in a sentence or two what you want to grow."})
    intake = MenteeIntake.objects.for_org(participant.organization).filter(
        participant=participant
    ).first() or MenteeIntake(organization=participant.organization, participant=participant)
    intake.goals = goals.strip()
    intake.learning_style = learning_style
    intake.preferred_format = preferred_format
    intake.career_drivers = career_drivers.strip()
    intake.availability = sorted(availability)
    intake.time_zone = time_zone
    intake.feedback_preferences = feedback_preferences.strip()
    _complete(intake, participant)
    intake.goal_items.all().delete()
    MenteeGoal.objects.bulk_create(
        MenteeGoal(
            organization=participant.organization,
            intake=intake,
            competency=competency,
            priority=int(priority),
        )
        for competency, priority in competencies.items()
    )
    return intake


@transaction.atomic
def mentor_intake_save(
    *,
    participant,
    competencies,
    capacity,
    availability,
    time_zone,
    languages="",
    formats=(),
    coaching_styles=(),
    bio="",
):
    """Save (and complete) a mentor's intake. ``competencies`` maps Competency → level 1–5
    on the organisation's scale."""
    _check_intake_owner(participant, Participant.Role.MENTOR)
    _check_competencies(participant, competencies, 1, 5, "competencies")
    _check_availability(availability)
    if set(formats) - set(Program.Format.values):
        raise ValidationError({"formats": "Choose formats from the list."})
    if set(coaching_styles) - {code for code, _ in COACHING_STYLES}:
        raise ValidationError({"coaching_styles": "Choose styles from the list."})
    intake = MentorIntake.objects.for_org(participant.organization).filter(
        participant=participant
    ).first() or MentorIntake(organization=participant.organization, participant=participant)
    intake.capacity = capacity
    intake.availability = sorted(availability)
    intake.time_zone = time_zone
    intake.languages = languages.strip()
    intake.formats = list(formats)
    intake.coaching_styles = list(coaching_styles)
    intake.bio = bio.strip()
    _complete(intake, participant)
    intake.offers.all().delete()
    MentorOffer.objects.bulk_create(
        MentorOffer(
            organization=participant.organization,
            intake=intake,
            competency=competency,
            level=int(level),
        )
        for competency, level in competencies.items()
    )
    return intake


LEARNING_STYLE_LABELS = dict(LEARNING_STYLES)
COACHING_STYLE_LABELS = dict(COACHING_STYLES)


# --- readiness ---------------------------------------------------------------------------


@transaction.atomic
def mentor_readiness_score(
    *, participant, coaching_aptitude, time_availability, domain_credibility, by, notes=""
):
    """Score a mentor's readiness on the rubric (1–5 each); a second score replaces the
    first. Matching can require a minimum average (its readiness threshold)."""
    if participant.role != Participant.Role.MENTOR:
        raise ValidationError("Readiness is scored for mentors only.")
    readiness = MentorReadiness.objects.for_org(participant.organization).filter(
        participant=participant
    ).first() or MentorReadiness(organization=participant.organization, participant=participant)
    previous = readiness.score if readiness.pk else None
    readiness.coaching_aptitude = coaching_aptitude
    readiness.time_availability = time_availability
    readiness.domain_credibility = domain_credibility
    readiness.notes = (notes or "").strip()
    readiness.scored_by = by
    readiness.full_clean(exclude=["participant"])
    readiness.save()
    audit_record(
        organization=participant.organization,
        actor=by,
        action="readiness.scored",
        target=participant,
        data={
            "coaching_aptitude": coaching_aptitude,
            "time_availability": time_availability,
            "domain_credibility": domain_credibility,
            "score": float(readiness.score),
            **({"previous": float(previous)} if previous is not None else {}),
        },
    )
    return readiness


# --- intake reminders --------------------------------------------------------------------
#
# A reminder is about a person, not a participation: one e-mail per person per day (in the
# organisation's time zone) at most, listing every intake they have left open in the
# organisation, whichever cohort or admin asked for it. Its outbox key is the person's
# ``user:<id>`` and the day, so a second cohort, a second click or a retried task finds the
# day's row and sends nothing.


def reminder_period(organization):
    """Today in the organisation's time zone: a person gets one reminder per such day."""
    return timezone.localdate(timezone=organization.zoneinfo).isoformat()


def _reminder_key(user_id):
    return f"user:{user_id}"


def reminded_today(cohort, participant_ids=None):
    """Ids of the cohort's participants whose person already got an intake reminder today
    (from this cohort or any other of the organisation). One query."""
    reminded_people = Message.objects.for_org(cohort.organization).filter(
        kind=REMINDER_KIND,
        period=reminder_period(cohort.organization),
        subject_key__startswith=_reminder_key(""),
    )
    participants = cohort.participants.filter(user__in=reminded_people.values("recipient_id"))
    if participant_ids is not None:
        participants = participants.filter(pk__in=participant_ids)
    return set(participants.values_list("pk", flat=True))


def open_intakes(organization, user_ids):
    """The unfinished intakes of these people in the organisation, grouped by person:
    {user id: [participants]}, oldest cohort first. One query."""
    pending = (
        participants_with_state(organization)
        .filter(user_id__in=user_ids, status=Participant.Status.ACTIVE, role__in=INTAKE_ROLES)
        .filter(intake_done_at__isnull=True)
        .order_by("cohort__starts_on", "cohort__name", "pk")
    )
    grouped = {}
    for participant in pending:
        grouped.setdefault(participant.user_id, []).append(participant)
    return grouped


def _site_url(site_url):
    return (site_url or settings.SITE_URL).rstrip("/")


def _reminder_subject(participants):
    if len(participants) == 1:
        return f"Your intake for {participants[0].cohort.name} is waiting"
    return f"Your intakes for {len(participants)} cohorts are waiting"


def _remind(participants, *, organization, site_url):
    """Queue today's reminder for one person, naming each of their open ``participants``
    (all of the same person, in ``organization``). Returns (message, created)."""
    user = participants[0].user
    base = _site_url(site_url)
    intakes = [
        (p, base + reverse("participant_intake", args=[organization.slug, p.pk]))
        for p in participants
    ]
    body = render_to_string(
        "programs/people/email/intake_reminder.txt",
        {"person": user, "intakes": intakes, "organization": organization},
    )
    return message_queue(
        organization=organization,
        kind=REMINDER_KIND,
        subject_key=_reminder_key(user.pk),
        recipient_email=user.email,
        recipient=user,
        subject=_reminder_subject(participants),
        body=body,
        period=reminder_period(organization),
    )


def _check_remindable(participant):
    if participant.role not in INTAKE_ROLES:
        raise ValidationError("Facilitators have no intake to fill in.")
    if participant.status != Participant.Status.ACTIVE:
        raise ValidationError(f"{participant.user} is {participant.get_status_display().lower()}.")
    intake = intake_of(participant)
    if intake is not None and intake.completed_at is not None:
        raise ValidationError(f"{participant.user} has already finished their intake.")


@transaction.atomic
def intake_reminder_send(*, participant, by, site_url=""):
    """E-mail the participant's person a reminder to finish their intake, at most once a
    day; the e-mail names every intake they have left open in the organisation.

    Returns True when a reminder was queued, False when they were already reminded today.
    """
    _check_remindable(participant)
    participants = open_intakes(participant.organization, [participant.user_id]).get(
        participant.user_id, [participant]
    )
    _message, created = _remind(
        participants, organization=participant.organization, site_url=site_url
    )
    if created:
        audit_record(
            organization=participant.organization,
            actor=by,
            action="intake.reminded",
            target=participant,
            data={"cohort": participant.cohort.name, "people": 1},
        )
    return created


def cohort_intake_reminders_send(*, cohort, site_url=""):
    """Remind everyone of the cohort who has not finished intake (the task's work).

    Idempotent: each person gets at most one reminder per day in the organisation's time
    zone, however often this runs and however many cohorts ask. Returns (queued, already
    reminded today).
    """
    user_ids = intake_pending(cohort).values_list("user_id", flat=True)
    queued = skipped = 0
    for participants in open_intakes(cohort.organization, user_ids).values():
        with transaction.atomic():
            _message, created = _remind(
                participants, organization=cohort.organization, site_url=site_url
            )
        if created:
            queued += 1
        else:
            skipped += 1
    return queued, skipped


@transaction.atomic
def cohort_intake_remind_all(*, cohort, by, site_url=""):
    """Queue the task that reminds the cohort's people with an unfinished intake.

    Returns (to remind, already reminded today), counted now so the admin hears at once;
    the e-mails themselves are queued by the task after commit.
    """
    from mentorship.notifications.services import enqueue_on_commit

    from ..tasks import send_intake_reminders

    pending_ids = list(intake_pending(cohort).values_list("pk", flat=True))
    already = reminded_today(cohort, pending_ids)
    to_remind = len(pending_ids) - len(already)
    if to_remind:
        audit_record(
            organization=cohort.organization,
            actor=by,
            action="intake.reminded",
            target=cohort,
            data={"cohort": cohort.name, "people": to_remind},
        )
        enqueue_on_commit(send_intake_reminders, cohort.organization_id, cohort.pk, site_url)
    return to_remind, len(already)
