"""Intake reminders (P6): e-mail people who have not finished their intake.

A reminder is about a person, not a participation: one e-mail per person per day (in the
organisation's time zone) at most, listing every intake they have left open in the
organisation, whichever cohort or admin asked for it. Its outbox key is the person's
``user:<id>`` and the day, so a second cohort, a second click or a retried task finds the
day's row and sends nothing. The reads (who is pending, who was reminded today) are in
:mod:`programs.selectors.people`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from mentorship.core.urls import absolute_url
from mentorship.notifications.emails import nudge_send
from mentorship.notifications.services import enqueue_on_commit
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from ..emails import INTAKE_REMINDER
from ..models import Participant
from ..selectors.people import (
    INTAKE_ROLES,
    intake_of,
    intake_pending,
    open_intakes,
    reminded_today,
    reminder_key,
    reminder_period,
)

register_audit_actions({"intake.reminded": "Reminded people to finish their intake"})


def _remind(participants, *, organization, site_url):
    """Queue today's reminder for one person, naming each of their open ``participants``
    (all of the same person, in ``organization``). Returns (message, created)."""
    user = participants[0].user
    intakes = [
        (p, absolute_url("participant_intake", organization.slug, p.pk, site_url=site_url))
        for p in participants
    ]
    return nudge_send(
        INTAKE_REMINDER,
        organization=organization,
        subject_key=reminder_key(user.pk),
        user=user,
        context={"person": user, "intakes": intakes, "organization": organization},
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
    participants = open_intakes(
        organization=participant.organization, user_ids=[participant.user_id]
    ).get(participant.user_id, [participant])
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


@transaction.atomic
def cohort_intake_reminders_send(*, cohort, site_url=""):
    """Remind everyone of the cohort who has not finished intake (the task's work).

    Idempotent: each person gets at most one reminder per day in the organisation's time
    zone, however often this runs and however many cohorts ask. Atomic: the outbox rows are
    written together and their deliveries queued on commit, so a failure part-way leaves
    nothing and the task's retry starts clean. Returns (queued, already reminded today).
    """
    user_ids = intake_pending(cohort=cohort).values_list("user_id", flat=True)
    queued = skipped = 0
    for participants in open_intakes(organization=cohort.organization, user_ids=user_ids).values():
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
    from ..tasks import send_intake_reminders  # the task module imports this one

    pending_ids = list(intake_pending(cohort=cohort).values_list("pk", flat=True))
    already = reminded_today(cohort=cohort, participant_ids=pending_ids)
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
