"""A program's reminder settings (X8, B2–B6): created with the program, changed by its
admin on the program's reminders page; every change is audited."""

from django.db import transaction

from mentorship.core.models import model_update
from mentorship.tenancy.audit import audit_record
from mentorship.tenancy.models import register_audit_actions

from ..models import REMINDER_FIELDS, ProgramReminders
from ..selectors.reminders import program_reminders

register_audit_actions({"program.reminders_updated": "Changed a program's reminder settings"})


def program_reminders_create(*, program):
    """The program's reminder settings with the defaults (a new program's receiver calls
    it); an existing row is returned as it is."""
    found, _ = ProgramReminders.objects.get_or_create(
        organization_id=program.organization_id, program=program
    )
    return found


@transaction.atomic
def program_reminders_update(*, program, by, **fields):
    """Change a program's reminder settings; refuses a value out of its range next to its
    field and then changes nothing. Returns the settings."""
    unknown = set(fields) - set(REMINDER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown reminder settings: {', '.join(sorted(unknown))}")
    current = program_reminders(program=program)
    if current.pk is None:  # an older program without its row: write it now
        for key, value in fields.items():
            setattr(current, key, value)
        current.full_clean()
        current.save()
        changes = {key: [None, value] for key, value in fields.items()}
    else:
        changes = model_update(current, fields, fields=REMINDER_FIELDS)
    if changes:
        audit_record(
            organization=program.organization,
            actor=by,
            action="program.reminders_updated",
            target=program,
            data=changes,
        )
    return current
