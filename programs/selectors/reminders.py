"""Reads of a program's reminder settings (:class:`~programs.models.ProgramReminders`) for
its page, the reminder sweeps and the notification policy. A read never writes: the row is
created with the program (``programs.receivers``)."""

from django.db.models import Min

from mentorship.notifications.policy import DEFAULT_DAILY_CAP

from ..models import Participant, ProgramReminders


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
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return program.matching_settings.calibration_day
    except ObjectDoesNotExist:  # an older program before matching's data migration
        related = type(program)._meta.get_field("matching_settings").related_model
        return related._meta.get_field("calibration_day").default
