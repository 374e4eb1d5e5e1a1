"""Every program gets its matching settings row (with the defaults) if it has none: from
now on the row is created with the program and a page that shows the settings only reads."""

from django.db import migrations


def forwards(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    MatchingSettings = apps.get_model("matching", "MatchingSettings")
    missing = Program._base_manager.filter(matching_settings__isnull=True).values_list(
        "pk", "organization_id"
    )
    MatchingSettings._base_manager.bulk_create(
        [MatchingSettings(program_id=pk, organization_id=org_id) for pk, org_id in missing]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0006_message_kind_pairing_offered"),
        ("programs", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
