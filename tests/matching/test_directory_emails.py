"""The directory's e-mails: declared kinds with the matching. prefix, texts in templates,
and the migration renaming rows stored under the old kinds."""

import importlib

import pytest
from django.apps import apps

from matching import emails
from mentorship.notifications.emails import KINDS
from mentorship.notifications.models import Message

pytestmark = pytest.mark.django_db

DIRECTORY_KINDS = [
    emails.OFFERING_REQUEST_NEW,
    emails.OFFERING_REQUEST_ANSWER,
    emails.OFFERING_REQUEST_EXPIRED,
]
FOLLOW_UP_KINDS = [emails.PAIRING_IDLE, emails.PAIRING_CONCLUDED_IDLE, emails.CALIBRATION_ASK]


@pytest.mark.parametrize("email_kind", DIRECTORY_KINDS + FOLLOW_UP_KINDS, ids=lambda k: k.kind)
def test_each_kind_is_declared_with_its_template(email_kind):
    assert email_kind.kind.startswith("matching.")
    assert KINDS[email_kind.kind] is email_kind
    assert email_kind.template() == f"matching/email/{email_kind.event}.txt"


def test_the_migration_renames_stored_directory_rows(org):
    migration = importlib.import_module("matching.migrations.0008_message_kind_offering_requests")
    for n, old in enumerate(migration.RENAMED):
        Message.objects.create(
            organization=org,
            kind=old,
            subject_key=f"offering_request:{n}",
            recipient_email="a@example.com",
            subject="Request",
            body="",
        )
    migration.forwards(apps, None)
    assert sorted(Message.objects.for_org(org).values_list("kind", flat=True)) == [
        "matching.offering_request_answer",
        "matching.offering_request_expired",
        "matching.offering_request_new",
    ]
    migration.backwards(apps, None)
    assert sorted(Message.objects.for_org(org).values_list("kind", flat=True)) == sorted(
        migration.RENAMED
    )
