"""Invitation pages: the admin's list and form, revoke and resend, and the invited person's
way in, through sign-up or sign-in. Refusals first."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.adapters import PENDING_INVITATION
from mentorship.accounts.invitations import invitation_payload, invitation_token
from mentorship.accounts.models import Invitation, User
from mentorship.notifications.models import Message
from mentorship.tenancy.models import AuditEvent, Membership, Role
from tests.factories import DEFAULT_PASSWORD, InvitationFactory, MembershipFactory, UserFactory
from tests.utils import assert_flat_queries, max_queries

NEW_PASSWORD = "a-long-unusual-passphrase-42"


def list_url(org):
    return reverse("invitation_list", args=[org.slug])


def accept_url(invitation):
    return reverse("invitation_accept", args=[invitation_token(invitation)])


def state(org):
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


@pytest.fixture
def invitation(org, admin):
    return InvitationFactory(
        organization=org, email="nina.new@example.org", role=Role.LEADER, invited_by=admin
    )


# --- refusals on the admin pages -------------------------------------------------------------


@pytest.mark.parametrize("action", ["invitation_revoke", "invitation_resend"])
def test_member_and_leader_cannot_revoke_or_resend(action, org, invitation, as_member, as_leader):
    before = state(org)
    target = reverse(action, args=[org.slug, invitation.pk])
    assert as_member.post(target).status_code == 403
    assert as_leader.post(target).status_code == 403
    assert state(org) == before


@pytest.mark.parametrize("action", ["invitation_revoke", "invitation_resend"])
def test_a_stranger_cannot_revoke_or_resend(action, org, invitation, as_stranger):
    before = state(org)
    assert as_stranger.post(reverse(action, args=[org.slug, invitation.pk])).status_code == 404
    assert state(org) == before


@pytest.mark.parametrize("action", ["invitation_revoke", "invitation_resend"])
def test_revoke_and_resend_only_accept_post(action, org, invitation, as_admin):
    before = state(org)
    assert as_admin.get(reverse(action, args=[org.slug, invitation.pk])).status_code == 405
    assert state(org) == before


def test_an_invitation_of_another_organisation_is_not_found(org, other_org, admin, as_admin):
    foreign = InvitationFactory(organization=other_org)
    before = state(other_org)
    assert (
        as_admin.post(reverse("invitation_revoke", args=[org.slug, foreign.pk])).status_code == 404
    )
    assert state(other_org) == before


# --- the list and the form -----------------------------------------------------------------


def test_invitation_list_shows_open_invitations_by_default(org, admin, invitation, as_admin):
    closed = InvitationFactory(organization=org, email="closed@example.org", revoked=True)

    open_only = as_admin.get(list_url(org))
    everything = as_admin.get(list_url(org), {"status": "all"})

    assert [i.pk for i in open_only.context["page"].object_list] == [invitation.pk]
    assert {i.pk for i in everything.context["page"].object_list} == {invitation.pk, closed.pk}
    assert "closed@example.org" not in open_only.content.decode()


def test_inviting_through_the_form_sends_one_email(
    org, admin, as_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(
            list_url(org), {"email": "Fresh@Example.org", "name": "Fre Sh", "role": "member"}
        )

    assert response.status_code == 302
    assert response.url == list_url(org)
    invitation = Invitation.objects.for_org(org).get()
    assert (invitation.email, invitation.invited_by) == ("fresh@example.org", admin)
    [sent] = mail.outbox
    assert sent.to == ["fresh@example.org"]
    assert "http://testserver/invitations/" in sent.body
    assert "Invitation sent to fresh@example.org." in as_admin.get(list_url(org)).content.decode()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-address", "Enter a valid email address."),
        ("", "This field is required."),
        ("nina.new@example.org", "nina.new@example.org already has an open invitation"),
        ("mia.member@acme.example", "mia.member@acme.example is already a member of Acme"),
    ],
    ids=["malformed", "empty", "duplicate", "member"],
)
def test_a_bad_invitation_is_explained_on_the_page_and_nothing_is_saved(
    email, message, org, admin, member, invitation, as_admin, django_capture_on_commit_callbacks
):
    before = state(org)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(list_url(org), {"email": email, "role": "member"})

    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert 'aria-invalid="true"' in content
    assert state(org) == before
    assert mail.outbox == []


def test_revoke_from_the_list(org, admin, invitation, as_admin):
    response = as_admin.post(reverse("invitation_revoke", args=[org.slug, invitation.pk]))
    assert response.url == list_url(org) + "?status=all"
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    follow = as_admin.get(response.url)
    assert "The invitation to nina.new@example.org was revoked." in follow.content.decode()


def test_revoking_twice_says_why_and_changes_nothing(org, admin, invitation, as_admin):
    as_admin.post(reverse("invitation_revoke", args=[org.slug, invitation.pk]))
    before = state(org)
    response = as_admin.post(reverse("invitation_revoke", args=[org.slug, invitation.pk]))
    assert "This invitation is already revoked." in as_admin.get(response.url).content.decode()
    assert state(org) == before


def test_resend_from_the_list_makes_the_old_link_stop_working(
    org, admin, invitation, as_admin, django_capture_on_commit_callbacks
):
    old_link = accept_url(invitation)

    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(reverse("invitation_resend", args=[org.slug, invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    assert len(mail.outbox) == 1
    assert accept_url(invitation) in mail.outbox[0].body
    old = Client().get(old_link)
    assert old.status_code == 400
    assert "no longer valid" in old.content.decode()
    assert Client().get(accept_url(invitation)).status_code == 200


# --- the invited person's way in ------------------------------------------------------------


def test_a_newcomer_signs_up_through_the_link_without_a_verification_mail(org, invitation):
    client = Client()

    landing = client.get(accept_url(invitation))

    assert landing.status_code == 200
    assert "Join Acme Mentoring" in landing.content.decode()
    # The link's own invitation (a token carries the second it was signed: compare payloads).
    assert invitation_payload(client.session[PENDING_INVITATION]) == (
        invitation.pk,
        invitation.nonce,
    )
    signup = client.post(
        reverse("account_signup"),
        {
            "email": "nina.new@example.org",
            "name": "Nina New",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    # The link proved the address: no verification mail, signed in, back to the invitation.
    assert signup.status_code == 302
    # (Its token may be signed a second later than ours: compare what it carries.)
    prefix, token = signup.url.rstrip("/").rsplit("/", 1)
    assert prefix == accept_url(invitation).rstrip("/").rsplit("/", 1)[0]
    assert invitation_payload(token) == (invitation.pk, invitation.nonce)
    assert mail.outbox == []
    person = User.objects.get(email="nina.new@example.org")
    assert EmailAddress.objects.get(user=person).verified
    assert client.session["_auth_user_id"] == str(person.pk)

    assert 'value="accept"' in client.get(signup.url).content.decode()
    joined = client.post(signup.url, {"action": "accept"})

    assert joined.url == reverse("org_home", args=[org.slug])
    assert Membership.objects.for_org(org).get(user=person).role == Role.LEADER
    assert PENDING_INVITATION not in client.session
    assert "Welcome to Acme Mentoring." in client.get(joined.url).content.decode()


def test_someone_with_an_account_signs_in_through_the_link_and_joins(org, other_org, invitation):
    person = UserFactory(email="nina.new@example.org")
    MembershipFactory(organization=other_org, user=person)
    client = Client()
    link = accept_url(invitation)  # once: the token is timestamped to the second
    client.get(link)

    signin = client.post(
        reverse("account_login"), {"login": "nina.new@example.org", "password": DEFAULT_PASSWORD}
    )

    assert signin.url == link
    joined = client.post(signin.url, {"action": "accept"})
    assert joined.url == reverse("org_home", args=[org.slug])
    home = client.get(joined.url)
    assert home.status_code == 200
    assert {m.organization for m in home.context["my_memberships"]} == {org, other_org}


def test_a_signed_in_invitee_joins_in_one_step(org, invitation):
    person = UserFactory(email="nina.new@example.org")
    client = Client()
    client.force_login(person)
    assert b"Join Acme Mentoring" in client.get(accept_url(invitation)).content
    response = client.post(accept_url(invitation), {"action": "accept"})
    assert response.url == reverse("org_home", args=[org.slug])
    assert Membership.objects.for_org(org).filter(user=person).exists()


def test_the_wrong_account_is_refused_and_offered_a_switch(org, invitation, as_stranger):
    before = state(org)

    page = as_stranger.get(accept_url(invitation))
    assert page.status_code == 200
    assert "This invitation is for nina.new@example.org" in page.content.decode()
    refused = as_stranger.post(accept_url(invitation), {"action": "accept"})

    assert refused.status_code == 400
    assert "This invitation was sent to nina.new@example.org" in refused.content.decode()
    assert state(org) == before

    switch = as_stranger.post(accept_url(invitation), {"action": "switch"})
    assert switch.url == reverse("account_login")
    assert "_auth_user_id" not in as_stranger.session
    assert invitation_payload(as_stranger.session[PENDING_INVITATION]) == (
        invitation.pk,
        invitation.nonce,
    )


def _tampered(token):
    head, _, signature = token.rpartition(":")
    return f"{head}:{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"


BAD_LINKS = {
    "garbage": (lambda inv: "not-a-token", "This invitation link is not valid."),
    "tampered": (
        lambda inv: _tampered(invitation_token(inv)),
        "This invitation link is not valid.",
    ),
    "truncated": (lambda inv: invitation_token(inv)[:-6], "This invitation link is not valid."),
}


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("kind", BAD_LINKS)
def test_a_wrong_or_tampered_link_is_refused(kind, signed_in, org, invitation):
    make_token, message = BAD_LINKS[kind]
    client = Client()
    if signed_in:
        client.force_login(UserFactory(email="nina.new@example.org"))
    target = reverse("invitation_accept", args=[make_token(invitation)])
    before = state(org)

    for response in [client.get(target), client.post(target, {"action": "accept"})]:
        assert response.status_code == 400
        assert message in response.content.decode()
        assert "Nothing was changed." in response.content.decode()
    assert state(org) == before
    assert PENDING_INVITATION not in client.session


@pytest.mark.parametrize(
    ("close", "message"),
    [
        ("used", "This invitation has already been used."),
        ("revoked", "This invitation was withdrawn by the organisation."),
        ("expired_row", "This invitation has expired."),
    ],
)
def test_a_closed_invitation_is_refused(close, message, org, admin, invitation):
    person = UserFactory(email="nina.new@example.org")
    rows = Invitation.objects.for_org(org).filter(pk=invitation.pk)
    if close == "used":
        client = Client()
        client.force_login(person)
        client.post(accept_url(invitation), {"action": "accept"})
    elif close == "revoked":
        rows.update(revoked_at=timezone.now())
    else:
        rows.update(expires_at=timezone.now() - timedelta(minutes=1))
    invitation.refresh_from_db()
    before = state(org)
    client = Client()
    client.force_login(person)

    for response in [Client().get(accept_url(invitation)), client.post(accept_url(invitation))]:
        assert response.status_code == 400
        assert message in response.content.decode()
    assert state(org) == before


def test_an_expired_signature_is_refused(org, invitation, settings):
    token = invitation_token(invitation)
    later = time.time() + (settings.INVITATION_MAX_AGE_DAYS + 1) * 86400
    before = state(org)
    client = Client()
    client.force_login(UserFactory(email="nina.new@example.org"))

    with mock.patch("time.time", return_value=later):
        page = client.get(reverse("invitation_accept", args=[token]))
        post = client.post(reverse("invitation_accept", args=[token]), {"action": "accept"})

    for response in [page, post]:
        assert response.status_code == 400
        assert "This invitation has expired." in response.content.decode()
    assert state(org) == before


def test_the_invitation_page_query_budget(org, invitation):
    client = Client()
    client.get(accept_url(invitation))
    with max_queries(6):
        assert client.get(accept_url(invitation)).status_code == 200


def test_invitation_list_query_budget(org, admin, as_admin):
    def grow():
        for _ in range(3):
            InvitationFactory(organization=org, invited_by=UserFactory())

    assert_flat_queries(as_admin, reverse("invitation_list", args=[org.slug]), grow, n=8)
    assert_flat_queries(
        as_admin,
        reverse("invitation_list", args=[org.slug]) + "?status=all",
        lambda: InvitationFactory.create_batch(2, organization=org, revoked=True),
        n=8,
    )
