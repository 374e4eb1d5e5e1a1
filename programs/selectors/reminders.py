"""Reads of a program's reminder settings (:class:`~programs.models.ProgramReminders`) for
its page, the reminder sweeps and the notification policy. A read never writes: the row is
created with the program (``programs.receivers``)."""

from datetime import date, timedelta

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Min, Q
from django.utils import timezone

from mentorship.notifications.models import Nudge
from mentorship.notifications.policy import DEFAULT_DAILY_CAP

from ..emails import INTAKE_REMINDER
from ..models import Cohort, Participant, ProgramReminders
from .people import INTAKE_ROLES, reminder_key


def program_reminders(*, program) -> ProgramReminders:
    """The program's reminder settings. Should the row be missing, an unsaved instance with
    the defaults answers (the service that changes them saves it)."""
    found = ProgramReminders.objects.filter(
        organization_id=program.organization_id, program=program
    ).first()
    if found is None:
        found = ProgramReminders(organization_id=program.organization_id, program=program)
    return found


def reminders_by_program(*, organization, program_ids):
    """``{program id: ProgramReminders}`` for these programs of the organisation, one query;
    a program without its row gets the defaults (unsaved)."""
    program_ids = set(program_ids)
    found = {
        row.program_id: row
        for row in ProgramReminders.objects.for_org(organization).filter(program_id__in=program_ids)
    }
    for program_id in program_ids - set(found):
        found[program_id] = ProgramReminders(organization_id=organization.pk, program_id=program_id)
    return found


def daily_email_cap(*, organization, user):
    """How many e-mails a day ``user`` gets in ``organization``: the lowest
    ``daily_email_cap`` of the programs of their active participations there, or the
    default (3) when they take part in none. One query."""
    user_id = getattr(user, "pk", user)
    lowest = (
        ProgramReminders.objects.for_org(organization)
        .filter(
            program__cohorts__participants__user_id=user_id,
            program__cohorts__participants__status=Participant.Status.ACTIVE,
        )
        .aggregate(cap=Min("daily_email_cap"))["cap"]
    )
    return DEFAULT_DAILY_CAP if lowest is None else lowest


def calibration_day(*, program):
    """The day of a pairing when both sides are asked how it fits: a matching setting,
    edited on the program's matching settings page (read through the reverse relation, so
    programs does not import matching, which depends on it)."""
    try:
        return program.matching_settings.calibration_day
    except ObjectDoesNotExist:  # an older program before matching's data migration
        related = type(program)._meta.get_field("matching_settings").related_model
        return related._meta.get_field("calibration_day").default


# --- intake reminders -----------------------------------------------------------------------

INTAKE_SWEEP_TIMES = 3  # unasked intake reminders a person gets at most after an enrolment
# A draft cohort has not opened yet and a completed one is over: no unasked reminders there.
INTAKE_COHORT_STATUSES = [Cohort.Status.ENROLLING, Cohort.Status.MATCHING, Cohort.Status.ACTIVE]


def intake_reminders_due(*, organization, now):
    """Ids of the people an unasked intake reminder is due to at ``now``: an active mentor
    or mentee of an enrolling, matching or active cohort (of a program not archived) who
    has not finished their intake, enrolled
    ``intake_reminder_days`` (their program's setting, 0 = off) or more days ago, and
    reminded fewer than three times since, the last time ``intake_reminder_days`` or more
    days ago. Days are the organisation's dates (a reminder's period is its date); any
    intake reminder counts, an admin's too. One query when nobody is pending, two else."""
    zone = organization.zoneinfo
    local = timezone.localtime(now, zone)
    today = local.date()
    start_of_today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    pending = list(
        Participant.objects.for_org(organization)
        .filter(
            status=Participant.Status.ACTIVE,
            role__in=INTAKE_ROLES,
            enrolled_at__lt=start_of_today,  # enrolled on an earlier day
            cohort__status__in=INTAKE_COHORT_STATUSES,
            cohort__program__archived_at__isnull=True,
            cohort__program__reminders__intake_reminder_days__gt=0,
        )
        .filter(
            Q(mentee_intake__completed_at__isnull=True)
            & Q(mentor_intake__completed_at__isnull=True)
        )
        .values_list("user_id", "enrolled_at", "cohort__program__reminders__intake_reminder_days")
    )
    if not pending:
        return []
    days_of = {}
    for user_id, enrolled_at, every in pending:
        enrolled_on = timezone.localtime(enrolled_at, zone).date()
        if enrolled_on + timedelta(days=every) <= today:
            days_of.setdefault(user_id, []).append((enrolled_on, every))
    if not days_of:
        return []
    sent = {}
    for subject_key, period in (
        Nudge.objects.for_org(organization)
        .filter(kind=INTAKE_REMINDER.kind, subject_key__in=[reminder_key(pk) for pk in days_of])
        .values_list("subject_key", "period")
    ):
        try:
            day = date.fromisoformat(period)
        except ValueError:
            continue
        sent.setdefault(int(subject_key.split(":", 1)[1]), []).append(day)
    due = []
    for user_id, enrolments in days_of.items():
        days = sent.get(user_id, [])
        for enrolled_on, every in enrolments:
            since = [day for day in days if day >= enrolled_on]
            if len(since) < INTAKE_SWEEP_TIMES and (
                not since or max(since) + timedelta(days=every) <= today
            ):
                due.append(user_id)
                break
    return sorted(due)
