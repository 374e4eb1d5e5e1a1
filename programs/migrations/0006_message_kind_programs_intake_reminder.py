"""The intake reminder's stored kind is now "programs.intake_reminder" (was "intake_reminder").

Renaming the kind of the rows already stored keeps their unique key (kind, person, day)
intact, so a person reminded today under the old name is not reminded a second time today.
"""

from django.db import migrations

OLD, NEW = "intake_reminder", "programs.intake_reminder"


def forwards(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    Message._base_manager.filter(kind=OLD).update(kind=NEW)


def backwards(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    Message._base_manager.filter(kind=NEW).update(kind=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0005_resource_competency_link"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
