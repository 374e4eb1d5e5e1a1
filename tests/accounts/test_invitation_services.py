"""Invitation services: create, resend, revoke, accept. Bad input changes nothing."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentorship.accounts.invitations import InvalidInvitation, invitation_token
from mentorship.accounts.models import Invitation
from mentorship.accounts.selectors import invitation_by_token
from mentorship.accounts.services import (
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)
from mentorship.notifications.models import Message
from mentorship.tenancy.models import AuditEvent, Membership, Role
from tests.factories import InvitationFactory, UserFactory

SITE = "https://mentor.example/"


def state(org):
    """Everything an invitation service may touch in ``org``."""
    return (
        sorted(Membership.objects.for_org(org).values_list("user_id", "role")),
        sorted(
            Invitation.objects.for_org(org).values_list(
                "pk", "nonce", "accepted_at", "revoked_at", "sent_count"
            )
        ),
        Message.objects.for_org(org).count(),
        AuditEvent.objects.for_org(org).count(),
    )


def create(org, admin, email="new.person@example.org", role=Role.MEMBER, **kwargs):
    return invitation_create(
        organization=org, email=email, role=role, by=admin, site_url=SITE, **kwargs
    )


def link_in(message):
    return re.search(r"https://mentor\.example(/invitations/[^\s]+/)", message.body)[1]


# --- create --------------------------------------------------------------------------------


def test_create_stores_audits_and_mails_once_after_commit(
    org, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation = create(
            org, admin, email=" New.Person@Example.org ", role=Role.LEADER, name="Nia"
        )

    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.person@example.org",
        Role.LEADER,
        admin,
    )
    assert invitation.is_open
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert len(callbacks) == 1
    [event] = AuditEvent.objects.for_org(org)
    assert (event.action, event.data) == (
        "invitation.created",
        {"email": "new.person@example.org", "role": "leader"},
    )
    [message] = Message.objects.for_org(org)
    assert (message.kind, message.subject_key, message.status) == (
        "accounts.invitation",
        f"invitation:{invitation.pk}",
        Message.Status.SENT,
    )
    [sent] = mail.outbox
    assert sent.to == ["new.person@example.org"]
    assert sent.subject == "You are invited to Acme Mentoring"
    assert "Hello Nia" in sent.body
    assert "as a leader" in sent.body
    assert invitation_by_token(token=link_in(sent).split("/")[2]) == invitation


def test_nothing_is_mailed_when_the_transaction_rolls_back(org, admin):
    # Without a commit, on_commit never fires: no e-mail for an invitation that never was.
    create(org, admin)
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["not-an-address", "", "a@", "@example.org", "a b@example.org"])
def test_create_refuses_a_bad_address(email, org, admin):
    before = state(org)
    with pytest.raises(ValidationError) as error:
        create(org, admin, email=email)
    assert error.value.message_dict == {"email": ["Enter a valid e-mail address."]}
    assert state(org) == before


def test_create_refuses_an_unknown_role(org, admin):
    before = state(org)
    with pytest.raises(ValidationError) as error:
        create(org, admin, role="owner")
    assert "role" in error.value.message_dict
    assert state(org) == before


def test_create_refuses_a_second_open_invitation_for_the_same_address(org, admin):
    create(org, admin, email="dup@example.org")
    before = state(org)
    with pytest.raises(ValidationError) as error:
        create(org, admin, email="DUP@example.org")
    assert error.value.message_dict["email"] == [
        "dup@example.org already has an open invitation: resend it from the list."
    ]
    assert state(org) == before


def test_create_allows_a_new_invitation_once_the_old_one_is_closed(org, admin):
    InvitationFactory(organization=org, email="back@example.org", expired=True)
    InvitationFactory(organization=org, email="back@example.org", revoked=True)
    assert create(org, admin, email="back@example.org").is_open


def test_create_refuses_someone_already_a_member(org, admin, member):
    before = state(org)
    with pytest.raises(ValidationError) as error:
        create(org, admin, email=member.email.upper())
    assert error.value.message_dict["email"] == [
        f"{member.email} is already a member of {org.name}."
    ]
    assert state(org) == before


def test_the_same_address_may_be_invited_by_two_organisations(org, other_org, admin, stranger):
    create(org, admin, email="popular@example.org")
    create(other_org, stranger, email="popular@example.org")
    assert Invitation.objects.for_org(other_org).pending().count() == 1


# --- resend and revoke ---------------------------------------------------------------------


def test_resend_rotates_the_link_and_mails_again(org, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = create(org, admin)
    old_token = invitation_token(invitation)

    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(invitation=invitation, by=admin, site_url=SITE)

    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    with pytest.raises(InvalidInvitation, match="no longer valid"):
        invitation_by_token(token=old_token)
    assert invitation_by_token(token=invitation_token(invitation)) == invitation
    assert len(mail.outbox) == 2
    assert link_in(mail.outbox[1]) != link_in(mail.outbox[0])
    assert Message.objects.for_org(org).count() == 2
    assert AuditEvent.objects.for_org(org).filter(action="invitation.resent").count() == 1


def test_resend_renews_an_expired_invitation(org, admin):
    invitation = InvitationFactory(organization=org, invited_by=admin, expired=True)
    invitation_resend(invitation=invitation, by=admin, site_url=SITE)
    invitation.refresh_from_db()
    assert invitation.is_open


@pytest.mark.parametrize("trait", ["accepted", "revoked"])
def test_resend_refuses_a_closed_invitation(trait, org, admin):
    invitation = InvitationFactory(organization=org, invited_by=admin, **{trait: True})
    before = state(org)
    with pytest.raises(ValidationError, match="Only an open or expired invitation"):
        invitation_resend(invitation=invitation, by=admin, site_url=SITE)
    assert state(org) == before


def test_revoke_closes_the_link_and_audits(org, admin):
    invitation = create(org, admin)
    invitation_revoke(invitation=invitation, by=admin)
    assert invitation.status == "revoked"
    with pytest.raises(InvalidInvitation, match="withdrawn"):
        invitation_by_token(token=invitation_token(invitation))
    assert AuditEvent.objects.for_org(org).filter(action="invitation.revoked").count() == 1


@pytest.mark.parametrize("trait", ["accepted", "revoked", "expired"])
def test_revoke_refuses_a_closed_invitation(trait, org, admin):
    invitation = InvitationFactory(organization=org, invited_by=admin, **{trait: True})
    before = state(org)
    with pytest.raises(ValidationError, match=f"already {trait}"):
        invitation_revoke(invitation=invitation, by=admin)
    assert state(org) == before


# --- accept --------------------------------------------------------------------------------


def test_accept_joins_with_the_invited_role_and_audits(org, admin):
    invitation = InvitationFactory(
        organization=org, email="joiner@example.org", role=Role.LEADER, name="Jo Iner"
    )
    person = UserFactory(email="joiner@example.org", name="")

    membership = invitation_accept(token=invitation_token(invitation), user=person)

    assert (membership.organization, membership.user, membership.role) == (
        org,
        person,
        Role.LEADER,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.status == "accepted"
    person.refresh_from_db()
    assert person.name == "Jo Iner"  # the invitation's name fills an empty profile
    [event] = AuditEvent.objects.for_org(org).filter(action="invitation.accepted")
    assert event.actor == person
    assert event.data["new_member"] is True


def test_accept_by_the_wrong_person_is_refused(org, admin, member):
    invitation = InvitationFactory(organization=org, email="someone.else@example.org")
    before = state(org)
    with pytest.raises(InvalidInvitation, match="sent to someone.else@example.org"):
        invitation_accept(token=invitation_token(invitation), user=member)
    assert state(org) == before


def test_a_link_works_once(org, admin):
    invitation = InvitationFactory(organization=org, email="once@example.org")
    person = UserFactory(email="once@example.org")
    token = invitation_token(invitation)
    invitation_accept(token=token, user=person)
    before = state(org)
    with pytest.raises(InvalidInvitation, match="already been used"):
        invitation_accept(token=token, user=person)
    assert state(org) == before


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("garbage", "not valid"),
        ("", "not valid"),
        ("eyJpIjoxLCJuIjoiYWJjIn0:1tTampered:abcdef", "not valid"),
    ],
    ids=["garbage", "empty", "forged"],
)
def test_an_invalid_token_is_refused(token, message, db):
    with pytest.raises(InvalidInvitation, match=message):
        invitation_by_token(token=token)


def test_a_link_for_a_deleted_invitation_is_refused(org):
    invitation = InvitationFactory(organization=org)
    token = invitation_token(invitation)
    Invitation.objects.for_org(org).filter(pk=invitation.pk).delete()
    with pytest.raises(InvalidInvitation, match="no longer valid"):
        invitation_by_token(token=token)
