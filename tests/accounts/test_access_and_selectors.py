"""The accounts getters and reads: an invitation of another organisation answers exactly as a
missing one (404); the invitation list and count are the organisation's own."""

import pytest
from django.http import Http404

from mentorship.accounts import selectors
from mentorship.accounts.access import access_invitation_by_id
from mentorship.tenancy.models import Membership
from tests.factories import InvitationFactory


def _membership(org, user):
    return Membership.objects.for_org(org).get(user=user)


def test_access_invitation_by_id_gives_an_invitation_of_the_organisation(org, admin):
    invitation = InvitationFactory(organization=org)
    found = access_invitation_by_id(membership=_membership(org, admin), invitation_id=invitation.pk)
    assert (found, found.organization) == (invitation, org)


@pytest.mark.parametrize("which", ["another organisation's", "missing"])
def test_access_invitation_by_id_answers_404_alike(which, org, other_org, admin):
    foreign = InvitationFactory(organization=other_org)
    invitation_id = {"another organisation's": foreign.pk, "missing": 2_147_483_000}[which]
    with pytest.raises(Http404):
        access_invitation_by_id(membership=_membership(org, admin), invitation_id=invitation_id)


def test_the_invitation_list_is_open_or_all_of_the_organisation(org, other_org):
    open_one = InvitationFactory(organization=org)
    closed = [
        InvitationFactory(organization=org, expired=True),
        InvitationFactory(organization=org, accepted=True),
        InvitationFactory(organization=org, revoked=True),
    ]
    InvitationFactory(organization=other_org)

    assert list(selectors.invitation_list(organization=org)) == [open_one]
    assert set(selectors.invitation_list(organization=org, status="all")) == {open_one, *closed}
    assert selectors.invitation_pending_count(organization=org) == 1
