"""Intake reminders (P6): remind people who have not finished their intake.

A reminder is about a person, not a participation: one nudge per person per day (in the
organisation's time zone) at most, listing every intake they have left open in the
organisation, whichever cohort, admin or sweep asked for it. Its key is the person's
``user:<id>`` and the day, so a second cohort, a second click, the sweep or a retried task
finds the day's row and sends nothing. The rows are written in the transaction of the
request that asks for them (an admin's "remind everyone" included), so a reminder asked for
while the broker is down is stored and sent by the delivery sweep once it is back.

Unasked, :func:`intake_reminders_sweep` (the ``programs.intake`` sweep, every minute)
reminds a person ``ProgramReminders.intake_reminder_days`` after their enrolment, then every
that many days, three times at most. The reads (who is pending, who was reminded today,
who is due) are in :mod:`programs.selectors.people` and :mod:`programs.selectors.reminders`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.core.urls import absolute_url
from mentorship.notifications.emails import nudge_send
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from ..emails import INTAKE_REMINDER
from ..models import Participant
from ..selectors.people import (
    INTAKE_ROLES,
    intake_of,
    intake_pending,
    open_intakes,
    reminder_key,
    reminder_period,
)
from ..selectors.reminders import intake_reminders_due

register_audit_actions({"intake.reminded": "Reminded people to finish their intake"})


def _period(organization, now):
    if now is None:
        return reminder_period(organization)
    return timezone.localtime(now, organization.zoneinfo).date().isoformat()


def _remind(participants, *, organization, site_url, now=None):
    """Store today's reminder for one person, naming each of their open ``participants``
    (all of the same person, in ``organization``). Returns (nudge, created)."""
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
        period=_period(organization, now),
        link=intakes[0][1],
        now=now,
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
    _nudge, created = _remind(
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
def cohort_intake_reminders_send(*, cohort, site_url="", now=None):
    """Remind everyone of the cohort who has not finished intake.

    Idempotent: each person gets at most one reminder per day in the organisation's time
    zone, however often this runs and however many cohorts ask. Atomic: the nudges are
    written together and their deliveries queued on commit, so a failure part-way leaves
    nothing. Returns (reminded now, already reminded today).
    """
    user_ids = intake_pending(cohort=cohort).values_list("user_id", flat=True)
    queued = skipped = 0
    for participants in open_intakes(organization=cohort.organization, user_ids=user_ids).values():
        _nudge, created = _remind(
            participants, organization=cohort.organization, site_url=site_url, now=now
        )
        if created:
            queued += 1
        else:
            skipped += 1
    return queued, skipped


@transaction.atomic
def cohort_intake_remind_all(*, cohort, by, site_url=""):
    """Remind the cohort's people with an unfinished intake, now, in this transaction.

    The nudges are stored with the request (so a broker outage loses none: the delivery
    sweep sends them when it is back); their e-mails go after commit. Returns (reminded,
    already reminded today).
    """
    reminded, already = cohort_intake_reminders_send(cohort=cohort, site_url=site_url)
    if reminded:
        audit_record(
            organization=cohort.organization,
            actor=by,
            action="intake.reminded",
            target=cohort,
            data={"cohort": cohort.name, "people": reminded},
        )
    return reminded, already


def intake_reminders_sweep(*, organization, now, site_url=""):
    """The ``programs.intake`` sweep: remind each person whose unfinished intake is due a
    reminder by their program's ``intake_reminder_days`` (after enrolment, then every that
    many days, three times at most; one a day). Returns how many reminders it stored.
    Cheap when nothing is due: one query."""
    due = intake_reminders_due(organization=organization, now=now)
    if not due:
        return 0
    created_count = 0
    for participants in open_intakes(organization=organization, user_ids=due).values():
        _nudge, created = _remind(
            participants, organization=organization, site_url=site_url, now=now
        )
        created_count += int(created)
    return created_count
