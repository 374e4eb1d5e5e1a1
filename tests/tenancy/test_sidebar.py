"""The organisation sidebar is rendered once per organisation, role and page and kept
(``mentorship.tenancy.navigation.sidebar_html``); what it shows is its key, so a renamed
organisation or a changed role shows at once."""

import re

from django.urls import reverse

from mentorship.tenancy import navigation
from mentorship.tenancy.models import Role


def _sidebar(client, org, name="member_list"):
    page = client.get(reverse(name, args=[org.slug])).content.decode()
    return re.search(r'<nav class="sidebar".*?</nav>', page, re.S).group(0)


def test_a_page_seen_again_renders_no_new_sidebar(org, as_admin):
    _sidebar(as_admin, org)
    misses = navigation._sidebar.cache_info().misses
    _sidebar(as_admin, org)
    assert navigation._sidebar.cache_info().misses == misses


def test_the_sidebar_marks_the_page_it_is_on(org, as_admin):
    members = _sidebar(as_admin, org)
    invitations = _sidebar(as_admin, org, "invitation_list")
    assert f'href="/o/{org.slug}/members/" aria-current="page"' in members
    assert 'aria-current="page">Invitations' in invitations
    assert 'aria-current="page">Invitations' not in members


def test_a_renamed_organisation_shows_its_new_name_in_the_sidebar(org, as_admin):
    assert org.name in _sidebar(as_admin, org)
    old = org.name
    org.name = "Renamed Fitness Guild"
    org.save()
    sidebar = _sidebar(as_admin, org)
    assert "Renamed Fitness Guild" in sidebar and old not in sidebar


def test_a_changed_role_changes_the_sidebar(org, admin, as_admin):
    assert "Audit log" in _sidebar(as_admin, org, "org_home")
    membership = admin.memberships.get(organization=org)
    membership.role = Role.MEMBER
    membership.save()
    sidebar = _sidebar(as_admin, org, "org_home")
    assert "Audit log" not in sidebar and "Member" in sidebar
