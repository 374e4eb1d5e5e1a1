"""The invitation e-mail's stored kind is now "accounts.invitation" (was "invitation").

Renaming the kind of the rows already stored keeps their unique key intact, so an invitation
already sent is not sent a second time under the new name.
"""

from django.db import migrations

OLD, NEW = "invitation", "accounts.invitation"


def forwards(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    Message._base_manager.filter(kind=OLD).update(kind=NEW)


def backwards(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    Message._base_manager.filter(kind=NEW).update(kind=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invitation_note"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
