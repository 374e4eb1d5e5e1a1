"""The directory's e-mails were stored as kinds "offering_request_new", "_answer" and
"_expired"; they are now "matching.offering_request_<event>", like every matching e-mail.
Stored rows are renamed so that a request announced before is not announced again (the
message's unique key includes its kind)."""

from django.db import migrations

RENAMED = {
    "offering_request_new": "matching.offering_request_new",
    "offering_request_answer": "matching.offering_request_answer",
    "offering_request_expired": "matching.offering_request_expired",
}


def forwards(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    for old, new in RENAMED.items():
        Message._base_manager.filter(kind=old).update(kind=new)


def backwards(apps, schema_editor):
    Message = apps.get_model("notifications", "Message")
    for old, new in RENAMED.items():
        Message._base_manager.filter(kind=new).update(kind=old)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0007_matching_settings_every_program"),
        ("notifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
