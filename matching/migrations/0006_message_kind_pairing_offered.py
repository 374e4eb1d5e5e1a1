"""The new-pairing e-mail of a published run was stored as kind "pairing_published"; it is
now the one "matching.pairing_offered" e-mail. Stored rows are renamed so that a pairing
announced before is not announced again (the message's key includes its kind)."""

from django.db import migrations

OLD, NEW = "pairing_published", "matching.pairing_offered"


def forwards(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    Message._base_manager.filter(kind=OLD).update(kind=NEW)


def backwards(apps, schema_editor):
    # Only rows of published runs were "pairing_published"; they name no topic and were
    # sent for pairings with a run, but the message does not say so: leave them renamed.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0005_offering_competency_link"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
