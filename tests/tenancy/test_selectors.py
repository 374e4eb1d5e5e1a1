"""The tenancy reads: each answers for one organisation only, in a fixed number of queries."""

from mentorship.tenancy import selectors
from mentorship.tenancy.models import Role
from tests.factories import AuditEventFactory, MembershipFactory, UserFactory
from tests.utils import max_queries


def test_membership_counts_count_each_role_of_the_organisation_only(
    org, other_org, admin, leader, member, stranger
):
    MembershipFactory.create_batch(2, organization=org)
    MembershipFactory(organization=other_org, role=Role.LEADER)
    with max_queries(1):
        total, by_role = selectors.membership_counts(organization=org)
    assert total == 5
    assert by_role == {"admin": 1, "leader": 1, "member": 3}


def test_membership_list_and_admin_count_are_the_organisations(
    org, other_org, admin, member, stranger
):
    assert {m.user for m in selectors.membership_list(organization=org)} == {admin, member}
    assert selectors.admin_count(organization=org) == 1
    assert selectors.admin_count(organization=other_org) == 1


def test_recent_audit_events_are_the_newest_of_the_organisation(org, other_org, admin):
    events = [AuditEventFactory(organization=org, actor=admin) for _ in range(8)]
    AuditEventFactory(organization=other_org)
    with max_queries(1):
        recent = selectors.audit_events_recent(organization=org)
        assert [e.actor for e in recent] == [admin] * 6  # actors came with the rows
    assert [e.pk for e in recent] == [e.pk for e in reversed(events)][:6]
    assert len(selectors.audit_event_list(organization=org)) == 8


def test_memberships_of_user_are_the_persons_own_across_organisations(
    org, other_org, admin, member
):
    MembershipFactory(organization=other_org, user=admin)
    with max_queries(1):
        organizations = {m.organization.slug for m in selectors.memberships_of_user(user=admin)}
    assert organizations == {"acme", "globex"}
    assert list(selectors.memberships_of_user(user=UserFactory())) == []


def test_membership_by_slug_is_the_persons_own_or_none(org, other_org, admin, stranger):
    with max_queries(1):
        found = selectors.membership_by_slug(user=admin, slug="acme")
        assert (found.user_id, found.organization.name) == (admin.pk, "Acme Mentoring")
    assert selectors.membership_by_slug(user=admin, slug="globex") is None
    assert selectors.membership_by_slug(user=admin, slug="no-such-org") is None
