"""The inbox (B6): a person's own nudges of one organisation, newest first, All / Unread,
mark one read or unread and all read (plain POST and htmx), links made local; the bell."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications.models import Nudge
from tests.notifications.factories import NudgeFactory
from tests.utils import assert_flat_queries, max_queries

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _inbox(org):
    return reverse("inbox", args=[org.slug])


def _nudge(org, person, **fields):
    return NudgeFactory(organization=org, recipient=person, **fields)


# --- refused first ---------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, org):
    response = client.get(_inbox(org))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_stranger_gets_404(as_stranger, org):
    assert as_stranger.get(_inbox(org)).status_code == 404


def test_someone_elses_nudge_cannot_be_marked(as_member, org, admin, member):
    theirs = _nudge(org, admin)
    for name in ("inbox_read", "inbox_unread"):
        response = as_member.post(reverse(name, args=[org.slug, theirs.pk]))
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_organisations_nudge_of_the_same_person_is_a_404(as_member, org, other_org, member):
    elsewhere = _nudge(other_org, member)
    response = as_member.post(reverse("inbox_read", args=[org.slug, elsewhere.pk]))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.read_at is None


def test_mark_all_read_leaves_others_and_other_organisations_alone(
    as_member, org, other_org, admin, member
):
    mine = _nudge(org, member)
    theirs = _nudge(org, admin)
    elsewhere = _nudge(other_org, member)
    as_member.post(reverse("inbox_read_all", args=[org.slug]))
    mine.refresh_from_db(), theirs.refresh_from_db(), elsewhere.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None and elsewhere.read_at is None


def test_marking_is_post_only(as_member, org, member):
    nudge = _nudge(org, member)
    assert as_member.get(reverse("inbox_read", args=[org.slug, nudge.pk])).status_code == 405
    assert as_member.get(reverse("inbox_read_all", args=[org.slug])).status_code == 405
    nudge.refresh_from_db()
    assert nudge.read_at is None


# --- every role reads their own ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "leader", "member"])
def test_every_role_sees_only_their_own_nudges(request, org, other_org, admin, leader, member, who):
    person = request.getfixturevalue(who)
    client = request.getfixturevalue(f"as_{who}")
    _nudge(org, person, title="Mine to read")
    for other in {admin, leader, member} - {person}:
        _nudge(org, other, title=f"Not mine {other.pk}")
    _nudge(other_org, person, title="Of another organisation")
    page = client.get(_inbox(org)).content.decode()
    assert "Mine to read" in page
    assert "Not mine" not in page
    assert "Of another organisation" not in page


def test_newest_first_with_the_unread_marker_and_the_person_zone(as_member, org, member):
    older = _nudge(org, member, title="The older one", read_at=timezone.now())
    newer = _nudge(org, member, title="The newer one")
    Nudge.objects.for_org(org).filter(pk=older.pk).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    page = as_member.get(_inbox(org)).content.decode()
    assert page.index("The newer one") < page.index("The older one")
    assert f'id="nudge-{newer.pk}"' in page
    assert f'inbox-item inbox-unread" id="nudge-{newer.pk}"' in page
    assert f'inbox-item" id="nudge-{older.pk}"' in page
    assert "Unread: </span>" in page
    assert "Times are in Europe/London" in page


def test_the_unread_filter(as_member, org, member):
    _nudge(org, member, title="Still unread")
    _nudge(org, member, title="Read already", read_at=timezone.now())
    page = as_member.get(_inbox(org) + "?show=unread").content.decode()
    assert "Still unread" in page and "Read already" not in page
    assert 'aria-current="page">Unread</a>' in page


def test_the_empty_states(as_member, org):
    page = as_member.get(_inbox(org)).content.decode()
    assert (
        "Nothing yet: reminders and updates about your sessions, plan and matching arrive here."
        in page
    )
    assert "Mark all read" not in page
    page = as_member.get(_inbox(org) + "?show=unread").content.decode()
    assert "Nothing unread" in page


def test_the_inbox_links_to_the_preferences(as_member, org):
    page = as_member.get(_inbox(org)).content.decode()
    assert reverse("nudge_preferences", args=[org.slug]) in page


def _opens(client, org, nudge):
    """Where following the nudge's item from the inbox leads (it goes through inbox_open)."""
    return client.get(reverse("inbox_open", args=[org.slug, nudge.pk]))["Location"]


@override_settings(SITE_URL="https://mentoring.example")
def test_links_to_this_site_become_paths_others_stay(as_member, org, member):
    here = _nudge(
        org, member, title="Here", link="https://mentoring.example/o/acme/me/habits/?x=1#top"
    )
    path = _nudge(org, member, title="As a path", link="/o/acme/me/profile/")
    _nudge(org, member, title="Elsewhere", link="https://calendar.example/event/1")
    _nudge(org, member, title="Not a link", link="javascript:alert(1)")
    page = as_member.get(_inbox(org)).content.decode()
    for nudge in (here, path):
        assert f'href="{reverse("inbox_open", args=[org.slug, nudge.pk])}"' in page
    assert 'href="https://calendar.example/event/1" rel="noopener"' in page
    assert "javascript:" not in page
    assert "https://mentoring.example" not in page
    assert _opens(as_member, org, here) == "/o/acme/me/habits/?x=1#top"
    assert _opens(as_member, org, path) == "/o/acme/me/profile/"


def test_the_address_the_person_uses_counts_as_this_site(as_member, org, member):
    nudge = _nudge(org, member, title="Here", link="http://testserver/o/acme/me/profile/")
    page = as_member.get(_inbox(org)).content.decode()
    assert f'href="{reverse("inbox_open", args=[org.slug, nudge.pk])}"' in page
    assert _opens(as_member, org, nudge) == "/o/acme/me/profile/"


def test_pages_of_25(as_member, org, member):
    NudgeFactory.create_batch(27, organization=org, recipient=member)
    page = as_member.get(_inbox(org)).content.decode()
    assert page.count('class="inbox-item') == 25
    assert "Page 1 of 2" in page
    page2 = as_member.get(_inbox(org) + "?page=2").content.decode()
    assert page2.count('class="inbox-item') == 2


# --- mark read / unread / all ----------------------------------------------------------------


def test_mark_one_read_without_javascript_goes_back_where_the_person_was(as_member, org, member):
    nudge = _nudge(org, member)
    response = as_member.post(
        reverse("inbox_read", args=[org.slug, nudge.pk]), {"show": "unread", "page": "2"}
    )
    assert response.status_code == 302
    assert response["Location"] == _inbox(org) + "?show=unread&page=2"
    nudge.refresh_from_db()
    assert nudge.read_at is not None


def test_a_redirect_never_leaves_the_inbox(as_member, org, member):
    nudge = _nudge(org, member)
    response = as_member.post(
        reverse("inbox_read", args=[org.slug, nudge.pk]),
        {"show": "https://evil.example", "page": "//evil.example"},
    )
    assert response["Location"] == _inbox(org)


def test_mark_read_with_htmx_answers_the_item_and_the_bell(as_member, org, member):
    nudge = _nudge(org, member, title="Swap me")
    _nudge(org, member, title="Another")
    response = as_member.post(reverse("inbox_read", args=[org.slug, nudge.pk]), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="inbox-item" id="nudge-{nudge.pk}"')
    assert "Mark unread" in html
    assert 'id="nudge-bell"' in html and 'hx-swap-oob="true"' in html
    assert "Inbox, 1 unread" in html


def test_mark_unread_again(as_member, org, member):
    nudge = _nudge(org, member, read_at=timezone.now())
    response = as_member.post(reverse("inbox_unread", args=[org.slug, nudge.pk]), headers=HTMX)
    assert "Mark read" in response.content.decode()
    assert "Inbox, 1 unread" in response.content.decode()
    nudge.refresh_from_db()
    assert nudge.read_at is None


def test_mark_all_read_without_javascript_says_how_many(as_member, org, member):
    NudgeFactory.create_batch(3, organization=org, recipient=member)
    response = as_member.post(reverse("inbox_read_all", args=[org.slug]), follow=True)
    assert "3 nudges marked read." in response.content.decode()
    assert not Nudge.objects.for_org(org).filter(recipient=member).unread().exists()
    again = as_member.post(reverse("inbox_read_all", args=[org.slug]), follow=True)
    assert "Nothing was unread." in again.content.decode()


def test_mark_all_read_with_htmx_answers_the_list_and_the_bell(as_member, org, member):
    NudgeFactory.create_batch(2, organization=org, recipient=member, title="Unread one")
    response = as_member.post(
        reverse("inbox_read_all", args=[org.slug]), {"show": "unread"}, headers=HTMX
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Nothing unread" in html  # the unread filter, now empty
    assert "Inbox, nothing unread" in html and 'hx-swap-oob="true"' in html


def test_the_filter_links_answer_the_results_partial_to_htmx(as_member, org, member):
    _nudge(org, member, title="Partial")
    response = as_member.get(
        _inbox(org) + "?show=unread", headers={**HTMX, "HX-Target": "inbox-results"}
    )
    html = response.content.decode()
    assert "<html" not in html and "Partial" in html


# --- the bell --------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_for_screen_readers_too(as_member, org, member, admin):
    NudgeFactory.create_batch(3, organization=org, recipient=member)
    _nudge(org, member, read_at=timezone.now())
    _nudge(org, admin)
    page = as_member.get(reverse("org_home", args=[org.slug])).content.decode()
    assert f'href="{_inbox(org)}"' in page
    assert "Inbox, 3 unread" in page
    assert '<span class="bell-count" aria-hidden="true">3</span>' in page


def test_the_bell_caps_its_badge_at_99(as_member, org, member):
    NudgeFactory.create_batch(100, organization=org, recipient=member)
    page = as_member.get(_inbox(org) + "?show=unread&page=4").content.decode()
    assert ">99+</span>" in page and "Inbox, 100 unread" in page


def test_no_bell_off_organisation_pages_and_for_anonymous_people(client, as_member, org):
    assert 'id="nudge-bell"' not in client.get(reverse("account_login")).content.decode()
    assert 'id="nudge-bell"' not in as_member.get(reverse("account_email")).content.decode()


def test_the_bell_costs_no_query_of_its_own(as_member, org, member):
    """The same page with and without the bell: as many queries. Its count comes with the
    person's memberships, which the organisation middleware reads for every page."""
    from mentorship.notifications import context_processors

    NudgeFactory.create_batch(2, organization=org, recipient=member)
    url = reverse("my_profile", args=[org.slug])
    as_member.get(url)  # warm
    with max_queries(100) as with_bell:
        page = as_member.get(url).content.decode()
    assert "Inbox, 2 unread" in page
    original = context_processors.bell
    context_processors_module = context_processors
    try:
        context_processors_module.bell = lambda request: {"bell": None}
        from django.template import engines

        engine = engines["django"].engine
        engine.template_context_processors  # noqa: B018 (cached property)
        engine.__dict__.pop("template_context_processors", None)
        with max_queries(100) as without_bell:
            as_member.get(url)
    finally:
        context_processors_module.bell = original
        engines["django"].engine.__dict__.pop("template_context_processors", None)
    nudges = [q["sql"] for q in with_bell.captured_queries if "notifications_nudge" in q["sql"]]
    assert len(with_bell.captured_queries) == len(without_bell.captured_queries)
    assert len(nudges) == 1 and 'FROM "tenancy_membership"' in nudges[0]


def test_the_bell_counts_this_organisations_unread_nudges_only(as_member, org, other_org, member):
    """A person in two organisations: each organisation's bell counts its own."""
    from tests.factories import MembershipFactory

    MembershipFactory(organization=other_org, user=member)
    NudgeFactory.create_batch(2, organization=org, recipient=member)
    NudgeFactory.create_batch(5, organization=other_org, recipient=member)
    _nudge(org, member, read_at=timezone.now())
    here = as_member.get(reverse("org_home", args=[org.slug])).content.decode()
    there = as_member.get(reverse("org_home", args=[other_org.slug])).content.decode()
    assert "Inbox, 2 unread" in here and "Inbox, 5 unread" in there


# --- budget ----------------------------------------------------------------------------------


def test_inbox_query_budget(as_member, org, member):
    assert_flat_queries(
        as_member,
        reverse("inbox", args=[org.slug]),
        lambda: NudgeFactory.create_batch(3, organization=org, recipient=member),
        n=9,
    )


def test_inbox_unread_query_budget(as_member, org, member):
    assert_flat_queries(
        as_member,
        reverse("inbox", args=[org.slug]) + "?show=unread",
        lambda: NudgeFactory.create_batch(3, organization=org, recipient=member),
        n=9,
    )


# --- following an item's link marks it read ------------------------------------------------


def test_opening_someone_elses_nudge_is_a_404_and_changes_nothing(as_member, org, admin):
    theirs = _nudge(org, admin, link=f"/o/{org.slug}/me/sessions/")
    response = as_member.get(reverse("inbox_open", args=[org.slug, theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_an_item_marks_it_read_and_goes_where_it_points(as_member, org, member):
    nudge = _nudge(org, member, link=f"http://testserver/o/{org.slug}/me/sessions/")
    page = as_member.get(_inbox(org)).content.decode()
    assert reverse("inbox_open", args=[org.slug, nudge.pk]) in page
    response = as_member.get(reverse("inbox_open", args=[org.slug, nudge.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/o/{org.slug}/me/sessions/"
    nudge.refresh_from_db()
    assert nudge.read_at is not None


def test_an_item_without_a_link_or_pointing_elsewhere_opens_the_inbox(as_member, org, member):
    for link in ("", "javascript:alert(1)"):
        nudge = _nudge(org, member, link=link)
        response = as_member.get(reverse("inbox_open", args=[org.slug, nudge.pk]))
        assert response["Location"] == _inbox(org)
    elsewhere = _nudge(org, member, link="https://calendar.example/event/1")
    page = as_member.get(_inbox(org)).content.decode()
    assert 'href="https://calendar.example/event/1"' in page  # links elsewhere open directly
    response = as_member.get(reverse("inbox_open", args=[org.slug, elsewhere.pk]))
    assert response["Location"] == _inbox(org)


def test_inbox_open_query_budget(as_member, org, member):
    nudge = _nudge(org, member, link=f"/o/{org.slug}/me/sessions/")
    assert_flat_queries(
        as_member,
        reverse("inbox_open", args=[org.slug, nudge.pk]),
        lambda: NudgeFactory.create_batch(3, organization=org, recipient=member),
        n=6,
        expected_status=302,
    )
