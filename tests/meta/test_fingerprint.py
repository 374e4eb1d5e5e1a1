"""The walk's fingerprint of an organisation sees any change to any of its rows (on
PostgreSQL the database hashes them: the same must hold there as in Python)."""

import pytest

from mentorship.tenancy.models import Membership, Role
from tests.factories import MembershipFactory, OrganizationFactory

from .urlwalk import fingerprint

pytestmark = pytest.mark.django_db


def test_a_changed_added_or_deleted_row_changes_the_fingerprint_and_only_its_own():
    org, other = OrganizationFactory(), OrganizationFactory()
    membership = MembershipFactory(organization=org, role=Role.MEMBER)
    MembershipFactory(organization=other)
    before, others = fingerprint(org), fingerprint(other)
    assert fingerprint(org) == before  # stable
    Membership.objects.for_org(org).filter(pk=membership.pk).update(role=Role.LEADER)
    changed = fingerprint(org)
    assert changed != before
    assert fingerprint(other) == others
    Membership.objects.for_org(org).filter(pk=membership.pk).update(role=Role.MEMBER)
    assert fingerprint(org) == before  # the same rows: the same hash
    MembershipFactory(organization=org)
    assert fingerprint(org) not in (before, changed)
