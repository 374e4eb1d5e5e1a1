"""Organisation pages: refusals first (stranger 404, anonymous to sign-in, member and leader
403 on admin pages), then the front door, the organisation's home, creating an organisation
and its settings, then those pages' query budgets. Members: test_member_views.py; the audit
log: test_audit_views.py; invitations: tests/accounts/test_invitation_views.py."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentorship.tenancy.models import AuditEvent, Membership, Organization, Role
from mentorship.tenancy.scoping import unscoped_queries
from tests.factories import (
    AuditEventFactory,
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.matching.factories import PairingFactory
from tests.programs.factories import enrol, make_cohort
from tests.utils import assert_flat_queries

from .pages import ADMIN_PAGES, membership_of, page_messages, snapshot, url

# --- refusals --------------------------------------------------------------------------------

ALL_REQUESTS = [
    ("get", "org_home", False),
    ("get", "member_list", False),
    ("get", "invitation_list", False),
    ("post", "invitation_list", False),
    ("get", "audit_log", False),
    ("get", "organization_settings", False),
    ("post", "organization_settings", False),
    ("post", "member_change_role", True),
    ("get", "member_remove", True),
    ("post", "member_remove", True),
]
ADMIN_REQUESTS = [r for r in ALL_REQUESTS if r[1] != "org_home"]


def _target(name, org, needs_membership, member):
    args = [membership_of(org, member).pk] if needs_membership else []
    return url(name, org, *args)


POST_DATA = {"role": "admin", "name": "Hijacked", "time_zone": "UTC", "email": "x@example.org"}


@pytest.mark.parametrize(("method", "name", "needs_membership"), ALL_REQUESTS)
def test_a_stranger_gets_404(method, name, needs_membership, org, admin, member, as_stranger):
    before = snapshot(org)
    response = getattr(as_stranger, method)(_target(name, org, needs_membership, member), POST_DATA)
    assert response.status_code == 404
    assert snapshot(org) == before


@pytest.mark.parametrize(("method", "name", "needs_membership"), ALL_REQUESTS)
def test_anonymous_people_are_sent_to_sign_in(method, name, needs_membership, org, admin, member):
    before = snapshot(org)
    response = getattr(Client(), method)(_target(name, org, needs_membership, member), POST_DATA)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert snapshot(org) == before


@pytest.mark.parametrize(("method", "name", "needs_membership"), ADMIN_REQUESTS)
def test_a_member_gets_403_on_admin_pages(
    method, name, needs_membership, org, admin, member, as_member
):
    before = snapshot(org)
    response = getattr(as_member, method)(_target(name, org, needs_membership, member), POST_DATA)
    assert response.status_code == 403
    assert snapshot(org) == before


@pytest.mark.parametrize(("method", "name", "needs_membership"), ADMIN_REQUESTS)
def test_a_leader_gets_403_on_admin_pages(
    method, name, needs_membership, org, admin, leader, member, as_leader
):
    before = snapshot(org)
    response = getattr(as_leader, method)(_target(name, org, needs_membership, member), POST_DATA)
    assert response.status_code == 403
    assert b"You cannot use this page" in response.content
    assert snapshot(org) == before


def test_organization_create_needs_a_signed_in_person(db):
    response = Client().get(reverse("organization_create"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- org_home --------------------------------------------------------------------------------


def test_org_home_for_a_member_shows_no_people_counts(org, admin, member, as_member):
    response = as_member.get(url("org_home", org))
    assert response.status_code == 200
    assert b"Getting started" in response.content
    assert "member_count" not in response.context
    assert b"Recent admin activity" not in response.content
    assert url("member_list", org).encode() not in response.content  # no admin navigation


def test_org_home_for_a_leader_shows_counts_but_not_admin_activity(
    org, admin, leader, member, as_leader
):
    response = as_leader.get(url("org_home", org))
    assert response.status_code == 200
    assert response.context["member_count"] == 3
    assert response.context["role_counts"] == {"admin": 1, "leader": 1, "member": 1}
    assert b"Recent admin activity" not in response.content
    assert "pending_invitations" not in response.context


def test_org_home_for_an_admin_shows_invitations_activity_and_admin_navigation(
    org, admin, member, as_admin
):
    InvitationFactory.create_batch(2, organization=org, invited_by=admin)
    InvitationFactory(organization=org, expired=True)
    AuditEventFactory(organization=org, actor=admin, action="invitation.created")

    response = as_admin.get(url("org_home", org))

    assert response.status_code == 200
    assert response.context["pending_invitations"] == 2
    assert len(response.context["recent_events"]) == 1
    assert b"Recent admin activity" in response.content
    for name in ADMIN_PAGES:
        assert url(name, org).encode() in response.content
    assert as_admin.session["last_org"] == org.slug


# --- home and organisation switching -------------------------------------------------------


def test_home_shows_the_landing_page_to_strangers(db):
    response = Client().get(reverse("home"))
    assert response.status_code == 200
    assert response.templates[0].name == "tenancy/landing.html"


def test_home_sends_a_person_without_an_organisation_to_create_one(db):
    client = Client()
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.url == reverse("organization_create")


def test_home_returns_a_person_to_the_organisation_they_used_last(org, other_org, admin):
    MembershipFactory(organization=other_org, user=admin)
    client = Client()
    client.force_login(admin)
    client.get(url("org_home", other_org))
    assert client.get(reverse("home")).url == url("org_home", other_org)
    client.get(url("org_home", org))
    assert client.get(reverse("home")).url == url("org_home", org)


def test_the_switcher_lists_only_the_persons_own_organisations(org, other_org, admin, as_admin):
    MembershipFactory(organization=other_org, user=admin, role=Role.MEMBER)
    third = OrganizationFactory(name="Initech Guild", slug="initech")
    MembershipFactory(organization=third)

    response = as_admin.get(url("org_home", org))

    memberships = list(response.context["my_memberships"])
    assert {m.organization for m in memberships} == {org, other_org}
    content = response.content.decode()
    assert url("org_home", other_org) in content
    assert "Globex Coaching" in content
    assert "Initech Guild" not in content and url("org_home", third) not in content


# --- organization_create -------------------------------------------------------------------


def test_organization_create_page_creates_and_makes_the_creator_admin(db):
    person = UserFactory()
    client = Client()
    client.force_login(person)
    assert client.get(reverse("organization_create")).status_code == 200

    response = client.post(
        reverse("organization_create"),
        {"name": "Umbrella Mentors", "slug": "umbrella", "time_zone": "Europe/Berlin"},
    )

    organization = Organization.objects.get(slug="umbrella")
    assert response.url == url("org_home", organization)
    assert membership_of(organization, person).role == Role.ADMIN
    assert "Umbrella Mentors is ready. Invite your people next." in page_messages(response)


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("acme", "This address is taken: choose another."),
        ("ACME", "This address is taken: choose another."),
        ("admin", "This address is reserved: choose another."),
        ("-acme", "Use 2 to 50 lower-case letters"),
        ("a", "Use 2 to 50 lower-case letters"),
        ("", "This field is required."),
    ],
    ids=["taken", "taken-upper", "reserved", "malformed", "one-character", "empty"],
)
def test_organization_create_page_explains_a_bad_slug_and_creates_nothing(
    slug, message, org, admin, as_admin
):
    with unscoped_queries():
        before = (Organization.objects.count(), Membership.objects.count())

    response = as_admin.post(
        reverse("organization_create"), {"name": "Another", "slug": slug, "time_zone": "UTC"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["slug"]
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    with unscoped_queries():
        assert (Organization.objects.count(), Membership.objects.count()) == before


# --- settings --------------------------------------------------------------------------------


def test_settings_saves_and_audits(org, admin, as_admin):
    assert as_admin.get(url("organization_settings", org)).status_code == 200
    response = as_admin.post(
        url("organization_settings", org), {"name": "Acme Renamed", "time_zone": "Asia/Tokyo"}
    )
    assert response.url == url("organization_settings", org)
    org.refresh_from_db()
    assert (org.name, org.time_zone, org.slug) == ("Acme Renamed", "Asia/Tokyo", "acme")
    assert AuditEvent.objects.for_org(org).filter(action="organization.updated").exists()


def test_settings_refuses_a_bad_time_zone_and_changes_nothing(org, admin, as_admin):
    before = snapshot(org)
    response = as_admin.post(
        url("organization_settings", org), {"name": "", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "time_zone"}
    assert snapshot(org) == before


# --- query budgets -------------------------------------------------------------------------


def test_org_home_counts_each_role_in_one_query(org, admin, leader, member, as_admin):
    MembershipFactory.create_batch(2, organization=org)  # members
    with CaptureQueriesContext(connection) as queries:
        response = as_admin.get(url("org_home", org))
    assert response.context["member_count"] == 5
    assert response.context["role_counts"] == {"admin": 1, "leader": 1, "member": 3}
    counting = [
        q
        for q in queries
        if 'FROM "tenancy_membership"' in q["sql"] and q["sql"].startswith("SELECT COUNT(")
    ]
    assert len(counting) == 1, counting


def _grow_participations(org, user):
    """Two more cohorts for ``user``, and their home panels' rows: a mentee in one (with an
    active mentor) and a mentor in the other (of one mentee, and asked by two more)."""
    as_mentee = enrol(make_cohort(org), user=user)
    PairingFactory(mentee=as_mentee)
    as_mentor = enrol(make_cohort(org), user=user, role="mentor")
    for status in ["active", "pending", "pending"]:
        PairingFactory(
            mentee=enrol(as_mentor.cohort),
            mentor=as_mentor,
            status=status,
            accepted_at=None,
            accept_by=timezone.now() + timedelta(days=3),
        )


def test_org_home_query_budget(org, admin, as_admin):
    def grow():
        MembershipFactory.create_batch(3, organization=org)
        InvitationFactory.create_batch(3, organization=org, invited_by=admin)
        for action in ["invitation.created", "membership.removed", "organization.updated"]:
            AuditEventFactory(organization=org, actor=UserFactory(), action=action)
        _grow_participations(org, admin)

    # The page, its counts and activity, the person's participations (read once for every
    # panel), their pairings (read once for My mentoring and the mentee's day) and the
    # sessions panels (the mentee's day and the mentor's mentees:
    # tests/sessions/test_home_panels.py).
    assert_flat_queries(as_admin, reverse("org_home", args=[org.slug]), grow, n=21)


def test_org_home_query_budget_for_a_member_with_programs_and_pairings(org, member, as_member):
    def grow():
        _grow_participations(org, member)

    assert_flat_queries(as_member, reverse("org_home", args=[org.slug]), grow, n=18)
    response = as_member.get(reverse("org_home", args=[org.slug]))
    assert [p.key for p in response.context["home_panels"]] == [
        "my-day",
        "my-mentees",
        "my-programs",
        "my-mentoring",
    ]
    assert "4 pairings waiting for your answer" in response.content.decode()


def test_organization_settings_query_budget(org, admin, as_admin):
    def grow():
        for _ in range(3):
            MembershipFactory(user=admin)  # more organisations in the switcher

    assert_flat_queries(as_admin, reverse("organization_settings", args=[org.slug]), grow, n=6)


def test_organization_create_query_budget(org, admin, as_admin):
    def grow():
        MembershipFactory.create_batch(3, user=admin)

    assert_flat_queries(as_admin, reverse("organization_create"), grow, n=5)
