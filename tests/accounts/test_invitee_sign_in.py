"""An invitee who signs in before following their link lands on their invitation, not on
"Create your organisation" (issue 8)."""

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from mentorship.accounts import selectors
from mentorship.tenancy.models import Role
from tests.factories import DEFAULT_PASSWORD, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _sign_in(email):
    client = Client()
    answer = client.post(reverse("account_login"), {"login": email, "password": DEFAULT_PASSWORD})
    assert answer.status_code == 302
    return client, answer.url


def test_an_invitee_without_an_organisation_lands_on_their_invitation(org, admin):
    invitation = InvitationFactory(
        organization=org, email="nina.new@example.org", role=Role.MEMBER, invited_by=admin
    )
    UserFactory(email="nina.new@example.org")
    client, url = _sign_in("Nina.New@example.org")
    match = resolve(url)
    assert match.url_name == "invitation_accept"
    assert selectors.invitation_by_token(token=match.kwargs["token"]) == invitation
    page = client.get(url)
    assert page.status_code == 200
    assert "Create your organisation" not in page.content.decode()


def test_a_closed_invitation_is_not_offered(org, admin):
    InvitationFactory(
        organization=org,
        email="nina.new@example.org",
        invited_by=admin,
        revoked_at=timezone.now(),
    )
    UserFactory(email="nina.new@example.org")
    _client, url = _sign_in("nina.new@example.org")
    assert resolve(url).url_name == "home"


def test_a_member_signs_in_to_their_organisation_as_before(org, other_org, admin):
    InvitationFactory(organization=org, email="nina.new@example.org", invited_by=admin)
    person = UserFactory(email="nina.new@example.org")
    MembershipFactory(organization=other_org, user=person)
    _client, url = _sign_in("nina.new@example.org")
    assert resolve(url).url_name == "home"
