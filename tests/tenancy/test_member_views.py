"""The member pages: the list (filter, search, pagination, htmx), a role change (an htmx row
or a redirect), removal (asked first; never the last admin), and their query budgets.
Refusals for every organisation page are in test_views.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentorship.tenancy.models import AuditEvent, Membership, Role
from mentorship.tenancy.pagination import PAGE_SIZE
from tests.factories import MembershipFactory
from tests.utils import assert_flat_queries

from .pages import HTMX, membership_of, page_messages, snapshot, url

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


def test_membership_rows_keep_their_join_date(org, admin, as_admin):
    """The list shows when each person joined, in the organisation's time zone."""
    membership = membership_of(org, admin)
    joined = timezone.now() - timedelta(days=3)
    Membership.objects.for_org(org).filter(pk=membership.pk).update(joined_at=joined)
    response = as_admin.get(url("member_list", org))
    assert joined.astimezone(org.zoneinfo).strftime("%-d %b %Y") in response.content.decode()


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


# --- query budgets -------------------------------------------------------------------------


def test_member_list_query_budget(org, admin, as_admin):
    def grow():
        MembershipFactory.create_batch(4, organization=org, role=Role.LEADER)

    assert_flat_queries(as_admin, reverse("member_list", args=[org.slug]), grow, n=9)


def test_member_remove_query_budget(org, admin, member, as_admin):
    target = membership_of(org, member)

    def grow():
        for _ in range(2):
            MembershipFactory(user=admin)  # more organisations in the switcher
            MembershipFactory(organization=org)

    assert_flat_queries(as_admin, reverse("member_remove", args=[org.slug, target.pk]), grow, n=6)
