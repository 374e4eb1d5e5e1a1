"""Organisation pages. Refusals first (stranger 404, member and leader 403 on admin pages),
then what each page does, then each page's query budget."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Pairing
from mentorship.accounts.models import Invitation
from mentorship.tenancy.models import AuditEvent, Membership, Organization, Role
from mentorship.tenancy.pagination import PAGE_SIZE
from mentorship.tenancy.scoping import unscoped_queries
from tests.factories import InvitationFactory, MembershipFactory, OrganizationFactory, UserFactory
from tests.programs.factories import (
    enrol,
    make_cohort,
)
from tests.utils import assert_flat_queries

ADMIN_PAGES = ["member_list", "invitation_list", "audit_log", "organization_settings"]
HTMX = {"HX-Request": "true"}


def url(name, org, *args):
    return reverse(name, args=[org.slug, *args])


def membership_of(org, user):
    return Membership.objects.for_org(org).get(user=user)


def snapshot(org):
    """What an admin page could change: memberships, roles, invitations, audit, the org."""
    org_row = Organization.objects.filter(pk=org.pk).values("name", "time_zone").get()
    return (
        sorted(Membership.objects.for_org(org).values_list("user_id", "role")),
        Invitation.objects.for_org(org).count(),
        AuditEvent.objects.for_org(org).count(),
        org_row,
    )


def page_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


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
    AuditEvent.objects.create(organization=org, actor=admin, action="invitation.created")

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


# --- members: list, filter, search, pagination ----------------------------------------------


def test_member_list_shows_every_member(org, admin, leader, member, as_admin):
    response = as_admin.get(url("member_list", org))
    assert response.status_code == 200
    emails = [m.user.email for m in response.context["page"].object_list]
    assert sorted(emails) == sorted([admin.email, leader.email, member.email])
    assert response.context["admin_count"] == 1


def test_member_list_does_not_show_another_organisations_people(
    org, other_org, admin, stranger, as_admin
):
    response = as_admin.get(url("member_list", org))
    assert stranger.email not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "mia.member"}, ["mia.member@acme.example"]),
        ({"q": "MIA"}, ["mia.member@acme.example"]),
        ({"q": "Finance"}, ["leo.leader@acme.example"]),
        ({"role": "leader"}, ["leo.leader@acme.example"]),
        ({"role": "admin", "q": "ada"}, ["ada.admin@acme.example"]),
        ({"role": "member", "q": "ada"}, []),
    ],
    ids=["email", "case", "department", "role", "both", "none"],
)
def test_member_list_filters_by_search_and_role(
    query, expected, org, admin, leader, member, as_admin
):
    Membership.objects.for_org(org).filter(user=leader).update(department="Finance")
    response = as_admin.get(url("member_list", org), query)
    assert [m.user.email for m in response.context["page"].object_list] == expected


def test_member_list_htmx_filter_returns_only_the_results(org, admin, member, as_admin):
    response = as_admin.get(
        url("member_list", org), {"q": "mia"}, headers={**HTMX, "HX-Target": "member-results"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert "mia.member@acme.example" in content
    assert "ada.admin@acme.example" not in content


def test_member_list_paginates_and_keeps_the_filter(org, admin, as_admin):
    MembershipFactory.create_batch(PAGE_SIZE + 5, organization=org, department="Coaching")

    first = as_admin.get(url("member_list", org), {"q": "Coaching"})
    second = as_admin.get(url("member_list", org), {"q": "Coaching", "page": 2})

    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert len(second.context["page"].object_list) == 5
    assert "?q=Coaching&amp;page=2" in first.content.decode()
    assert "Page 2 of 2 · 30 in all" in second.content.decode()
    assert as_admin.get(url("member_list", org), {"page": 99}).context["page"].number == 2


def test_member_list_page_links_work_with_and_without_htmx(org, admin, as_admin):
    MembershipFactory.create_batch(PAGE_SIZE + 5, organization=org, department="Coaching")

    full = as_admin.get(url("member_list", org), {"q": "Coaching"})
    partial = as_admin.get(
        url("member_list", org),
        {"q": "Coaching", "page": 2},
        headers={**HTMX, "HX-Target": "member-results"},
    )

    # Without JavaScript a plain link; with htmx the same address swapped into the results.
    assert 'href="?q=Coaching&amp;page=2" hx-get="?q=Coaching&amp;page=2" rel="next"' in (
        full.content.decode()
    )
    body = partial.content.decode()
    assert "<html" not in body and 'id="member-results"' not in body
    assert len(partial.context["page"].object_list) == 5
    assert 'href="?q=Coaching&amp;page=1" hx-get="?q=Coaching&amp;page=1" rel="prev"' in body
    assert "Page 2 of 2 · 30 in all" in body


# --- members: role change --------------------------------------------------------------------


def test_role_change_by_htmx_returns_the_row(org, admin, member, as_admin):
    membership = membership_of(org, member)

    response = as_admin.post(
        url("member_change_role", org, membership.pk), {"role": "leader"}, headers=HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith("<tr")
    assert f'id="member-{membership.pk}"' in content
    assert "row-saved" in content
    assert "<html" not in content
    assert '<option value="leader" selected>' in content
    assert membership_of(org, member).role == Role.LEADER
    assert AuditEvent.objects.for_org(org).filter(action="membership.role_changed").count() == 1


def test_role_change_by_htmx_explains_the_last_admin_in_the_row(org, admin, member, as_admin):
    membership = membership_of(org, admin)

    response = as_admin.post(
        url("member_change_role", org, membership.pk), {"role": "member"}, headers=HTMX
    )

    content = response.content.decode()
    assert "make someone else admin first" in content
    assert 'role="alert"' in content
    assert '<option value="admin" selected>' in content  # the row shows the role it kept
    assert membership_of(org, admin).role == Role.ADMIN
    assert not AuditEvent.objects.for_org(org).exists()


def test_role_change_without_htmx_redirects_with_a_message(org, admin, member, as_admin):
    membership = membership_of(org, member)
    response = as_admin.post(url("member_change_role", org, membership.pk), {"role": "admin"})
    assert response.url == url("member_list", org)
    assert f"{member} is now Admin." in page_messages(response)
    assert membership_of(org, member).role == Role.ADMIN


def test_role_change_to_an_unknown_role_is_refused(org, admin, member, as_admin):
    membership = membership_of(org, member)
    response = as_admin.post(url("member_change_role", org, membership.pk), {"role": "owner"})
    assert "Choose admin, leader or member." in page_messages(response)
    assert membership_of(org, member).role == Role.MEMBER


def test_role_change_only_accepts_post(org, admin, member, as_admin):
    membership = membership_of(org, member)
    assert as_admin.get(url("member_change_role", org, membership.pk)).status_code == 405


# --- members: removal ------------------------------------------------------------------------


def test_member_remove_asks_first(org, admin, member, as_admin):
    response = as_admin.get(url("member_remove", org, membership_of(org, member).pk))
    assert response.status_code == 200
    assert b"Remove from organisation" in response.content
    assert Membership.objects.for_org(org).filter(user=member).exists()


def test_member_remove_removes_and_audits(org, admin, member, as_admin):
    response = as_admin.post(url("member_remove", org, membership_of(org, member).pk))
    assert response.url == url("member_list", org)
    assert not Membership.objects.for_org(org).filter(user=member).exists()
    assert AuditEvent.objects.for_org(org).filter(action="membership.removed").count() == 1


def test_the_last_admin_cannot_be_removed_and_the_page_says_why(org, admin, member, as_admin):
    before = snapshot(org)
    response = as_admin.post(url("member_remove", org, membership_of(org, admin).pk))
    assert response.status_code == 400
    assert "last admin and cannot be removed" in response.content.decode()
    assert snapshot(org) == before


def test_an_admin_who_removes_themselves_goes_home(org, admin, member, as_admin):
    Membership.objects.for_org(org).filter(user=member).update(role=Role.ADMIN)
    response = as_admin.post(url("member_remove", org, membership_of(org, admin).pk))
    assert response.url == reverse("home")
    assert as_admin.get(url("org_home", org)).status_code == 404


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


# --- audit log -------------------------------------------------------------------------------


@pytest.fixture
def audit_events(org, admin, member, leader):
    def event(action, actor, day):
        row = AuditEvent.objects.create(organization=org, actor=actor, action=action)
        when = datetime(2026, 3, day, 12, 0, tzinfo=UTC)
        AuditEvent.objects.for_org(org).filter(pk=row.pk).update(created_at=when)
        return row

    return {
        "invite": event("invitation.created", admin, 1),
        "role": event("membership.role_changed", admin, 5),
        "accept": event("invitation.accepted", member, 10),
    }


def _shown(response):
    return {e.pk for e in response.context["page"].object_list}


def test_audit_log_lists_the_organisations_events_newest_first(
    org, other_org, stranger, audit_events, as_admin
):
    AuditEvent.objects.create(organization=other_org, actor=stranger, action="invitation.created")
    response = as_admin.get(url("audit_log", org))
    events = list(response.context["page"].object_list)
    assert [e.pk for e in events] == [
        audit_events["accept"].pk,
        audit_events["role"].pk,
        audit_events["invite"].pk,
    ]
    assert "Changed a role" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "membership.role_changed"}, {"role"}),
        ({"since": "2026-03-05"}, {"role", "accept"}),
        ({"until": "2026-03-05"}, {"invite", "role"}),
        ({"since": "2026-03-02", "until": "2026-03-09"}, {"role"}),
        ({"action": "invitation.created", "since": "2026-03-02"}, set()),
    ],
    ids=["action", "since", "until", "range", "none"],
)
def test_audit_log_filters(query, expected, org, audit_events, as_admin):
    response = as_admin.get(url("audit_log", org), query)
    assert _shown(response) == {audit_events[k].pk for k in expected}


def test_audit_log_filters_by_actor(org, member, audit_events, as_admin):
    response = as_admin.get(url("audit_log", org), {"actor": member.pk})
    assert _shown(response) == {audit_events["accept"].pk}


def test_audit_log_offers_only_the_organisations_people_as_actors(
    org, admin, member, stranger, audit_events, as_admin
):
    response = as_admin.get(url("audit_log", org), {"actor": stranger.pk})
    actor_field = response.context["filter"].form.fields["actor"]
    assert stranger not in actor_field.queryset
    assert admin in actor_field.queryset
    assert "actor" in response.context["filter"].form.errors
    assert stranger.email not in response.content.decode()
    assert all(e.organization_id == org.pk for e in response.context["page"].object_list)


def test_audit_log_htmx_returns_only_the_results(org, audit_events, as_admin):
    response = as_admin.get(
        url("audit_log", org),
        {"action": "membership.role_changed"},
        headers={**HTMX, "HX-Target": "audit-results"},
    )
    content = response.content.decode()
    assert "<html" not in content
    assert "Changed a role" in content
    assert "Accepted an invitation" not in content


def test_audit_log_paginates_by_fifty(org, admin, as_admin):
    AuditEvent.objects.bulk_create(
        [AuditEvent(organization=org, actor=admin, action="invitation.created") for _ in range(55)]
    )
    response = as_admin.get(url("audit_log", org), {"page": 2})
    assert len(response.context["page"].object_list) == 5
    assert "Page 2 of 2 · 55 in all" in response.content.decode()


# --- query budgets -------------------------------------------------------------------------


def test_org_home_counts_each_role_in_one_query(org, admin, leader, member, as_admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MembershipFactory.create_batch(2, organization=org)  # members
    with CaptureQueriesContext(connection) as queries:
        response = as_admin.get(url("org_home", org))
    assert response.context["member_count"] == 5
    assert response.context["role_counts"] == {"admin": 1, "leader": 1, "member": 3}
    counting = [
        q for q in queries if 'FROM "tenancy_membership"' in q["sql"] and "COUNT(" in q["sql"]
    ]
    assert len(counting) == 1, counting


def _grow_participations(org, user):
    """Two more cohorts for ``user``, and their home panels' rows: a mentee in one (with an
    active mentor) and a mentor in the other (of one mentee, and asked by two more)."""
    as_mentee = enrol(make_cohort(org), user=user)
    Pairing.objects.create(
        organization=org,
        cohort=as_mentee.cohort,
        mentee=as_mentee,
        mentor=enrol(as_mentee.cohort, role="mentor"),
        status=Pairing.Status.ACTIVE,
        accepted_at=timezone.now(),
    )
    as_mentor = enrol(make_cohort(org), user=user, role="mentor")
    for status in ["active", "pending", "pending"]:
        Pairing.objects.create(
            organization=org,
            cohort=as_mentor.cohort,
            mentee=enrol(as_mentor.cohort),
            mentor=as_mentor,
            status=status,
            accept_by=timezone.now() + timedelta(days=3),
        )


def test_org_home_query_budget(org, admin, as_admin):
    def grow():
        MembershipFactory.create_batch(3, organization=org)
        InvitationFactory.create_batch(3, organization=org, invited_by=admin)
        for action in ["invitation.created", "membership.removed", "organization.updated"]:
            AuditEvent.objects.create(organization=org, actor=UserFactory(), action=action)
        _grow_participations(org, admin)

    assert_flat_queries(as_admin, url("org_home", org), grow, n=15)


def test_org_home_query_budget_for_a_member_with_programs_and_pairings(org, member, as_member):
    def grow():
        _grow_participations(org, member)

    assert_flat_queries(as_member, url("org_home", org), grow, n=10)
    response = as_member.get(url("org_home", org))
    assert [p.key for p in response.context["home_panels"]] == ["my-programs", "my-mentoring"]
    assert "4 pairings waiting for your answer" in response.content.decode()


def test_member_list_query_budget(org, admin, as_admin):
    def grow():
        MembershipFactory.create_batch(4, organization=org, role=Role.LEADER)

    assert_flat_queries(as_admin, url("member_list", org), grow, n=9)


def test_invitation_list_query_budget(org, admin, as_admin):
    def grow():
        for _ in range(3):
            InvitationFactory(organization=org, invited_by=UserFactory())

    assert_flat_queries(as_admin, url("invitation_list", org), grow, n=8)
    assert_flat_queries(
        as_admin,
        url("invitation_list", org) + "?status=all",
        lambda: InvitationFactory.create_batch(2, organization=org, revoked=True),
        n=8,
    )


def test_audit_log_query_budget(org, admin, as_admin):
    def grow():
        for action in ["invitation.created", "membership.removed", "organization.updated"]:
            person = MembershipFactory(organization=org).user
            AuditEvent.objects.create(organization=org, actor=person, action=action)

    assert_flat_queries(as_admin, url("audit_log", org), grow, n=9)


def test_organization_settings_query_budget(org, admin, as_admin):
    def grow():
        for _ in range(3):
            MembershipFactory(user=admin)  # more organisations in the switcher

    assert_flat_queries(as_admin, url("organization_settings", org), grow, n=6)


def test_organization_create_query_budget(org, admin, as_admin):
    def grow():
        MembershipFactory.create_batch(3, user=admin)

    assert_flat_queries(as_admin, reverse("organization_create"), grow, n=5)


def test_membership_rows_keep_their_join_date(org, admin, as_admin):
    """The list shows when each person joined, in the organisation's time zone."""
    membership = membership_of(org, admin)
    joined = timezone.now() - timedelta(days=3)
    Membership.objects.for_org(org).filter(pk=membership.pk).update(joined_at=joined)
    response = as_admin.get(url("member_list", org))
    assert joined.astimezone(org.zoneinfo).strftime("%-d %b %Y") in response.content.decode()
