"""Intake and readiness (P6): the charter a participant acknowledges before their intake,
the mentee's and the mentor's intake, and an admin's readiness score of a mentor.

"Charter before intake" is a rule of these services, not only of the page: an intake is
refused while the program has a charter the person has not acknowledged in its current
version. Rows written from input go through ``full_clean()`` before they are saved, so a
competency of another organisation is refused (TenantModel checks every foreign key).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from ..availability import SLOT_CODES
from ..models import (
    CharterAcknowledgement,
    MenteeGoal,
    MenteeIntake,
    MentorIntake,
    MentorOffer,
    MentorReadiness,
    Participant,
    Program,
)
from ..models.intake import COACHING_STYLES, LEARNING_STYLES
from ..selectors.people import participant_charter_done

register_audit_actions(
    {
        "readiness.scored": "Scored a mentor's readiness",
        "intake.completed": "Completed an intake",
        "charter.acknowledged": "Acknowledged a program's charter",
    }
)

CHARTER_FIRST = "First read and acknowledge the program's charter."


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
    if not participant_charter_done(participant):
        raise ValidationError(CHARTER_FIRST, code="charter")


def _check_competencies(ratings, low, high, field_name):
    if not ratings:
        raise ValidationError({field_name: "Choose at least one competency."})
    for value in ratings.values():
        if not low <= int(value) <= high:
            raise ValidationError({field_name: f"Use a value from {low} to {high}."})


def _save_ratings(rows, field_name):
    """Validate each goal or offer row (a competency of another organisation is refused by
    ``full_clean()``, as if it did not exist) and create them all; nothing is written when
    one is refused (the caller is atomic)."""
    for row in rows:
        try:
            row.full_clean(exclude=["intake"], validate_unique=False)
        except ValidationError as error:
            if "competency" in getattr(error, "error_dict", {}):
                raise ValidationError(
                    {field_name: "Choose competencies from your organisation's list."}
                ) from error
            raise
    return type(rows[0]).objects.bulk_create(rows) if rows else []


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
    _check_competencies(competencies, 1, 3, "competencies")
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
    _save_ratings(
        [
            MenteeGoal(
                organization=participant.organization,
                intake=intake,
                competency=competency,
                priority=int(priority),
            )
            for competency, priority in competencies.items()
        ],
        "competencies",
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
    _check_competencies(competencies, 1, 5, "competencies")
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
    _save_ratings(
        [
            MentorOffer(
                organization=participant.organization,
                intake=intake,
                competency=competency,
                level=int(level),
            )
            for competency, level in competencies.items()
        ],
        "competencies",
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
