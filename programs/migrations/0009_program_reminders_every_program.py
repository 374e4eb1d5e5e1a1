"""Every program gets its reminder settings row (with the defaults) if it has none: from now
on the row is created with the program and a page or a sweep that reads it only reads."""

from django.db import migrations


def forwards(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    ProgramReminders = apps.get_model("programs", "ProgramReminders")
    missing = Program._base_manager.filter(reminders__isnull=True).values_list(
        "pk", "organization_id"
    )
    ProgramReminders._base_manager.bulk_create(
        [ProgramReminders(program_id=pk, organization_id=org_id) for pk, org_id in missing]
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0008_program_reminders")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
