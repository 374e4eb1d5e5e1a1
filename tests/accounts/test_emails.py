"""The accounts e-mails: one kind, "accounts.invitation", its text from its template; rows
stored under the former kind are renamed, so nobody is sent an invitation twice."""

import importlib

from django.apps import apps
from django.core import mail

from mentorship.accounts import emails
from mentorship.accounts.services import invitation_create
from mentorship.notifications.emails import email_render
from mentorship.notifications.models import Message
from mentorship.tenancy.models import Role
from tests.factories import InvitationFactory, MessageFactory

rename = importlib.import_module(
    "mentorship.accounts.migrations.0004_message_kind_accounts_invitation"
)


def test_the_invitation_email_is_stored_under_its_kind(
    org, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(organization=org, email="new@example.org", role=Role.MEMBER, by=admin)
    assert list(Message.objects.for_org(org).values_list("kind", flat=True)) == [
        "accounts.invitation"
    ]
    assert emails.INVITATION.kind == "accounts.invitation"
    assert mail.outbox[0].subject == "You are invited to Acme Mentoring"


def test_the_invitation_email_reads_its_template(org, admin):
    invitation = InvitationFactory(organization=org, name="Nia", invited_by=admin, note="Hi!")
    subject, body = email_render(
        emails.INVITATION, {"invitation": invitation, "link": "https://x.test/i/t/"}
    )
    assert subject == "You are invited to Acme Mentoring"
    assert body.startswith("Hello Nia,")
    assert "Hi!" in body and "https://x.test/i/t/" in body


def test_the_migration_renames_stored_invitation_rows_and_back(org, other_org):
    old = MessageFactory(organization=org, kind="invitation")
    other = MessageFactory(organization=other_org, kind="invitation")
    unrelated = MessageFactory(organization=org, kind="programs.intake_reminder")

    rename.forwards(apps, None)
    kinds = dict(Message.objects.unscoped().values_list("pk", "kind"))
    assert (kinds[old.pk], kinds[other.pk], kinds[unrelated.pk]) == (
        "accounts.invitation",
        "accounts.invitation",
        "programs.intake_reminder",
    )

    rename.backwards(apps, None)
    assert Message.objects.for_org(org).get(pk=old.pk).kind == "invitation"
