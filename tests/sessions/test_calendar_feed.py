"""The personal calendar feed (S2): created and revoked on /me/calendar/, fetched without
signing in (its URL names no organisation, so the organisation middleware does not ask for a
member), METHOD:PUBLISH with only its owner's sessions of that organisation, no notes; a
revoked secret answers 404. Parsed with icalendar and vobject."""

from datetime import timedelta

import vobject
from django.test import Client
from django.urls import resolve, reverse
from icalendar import Calendar

from matching.models import Pairing
from mentorship.tenancy.models import Membership
from sessions.models import CalendarFeed, Session
from sessions.services.scheduling import calendar_feed_create, calendar_feed_revoke
from tests.matching.factories import cohort_with_people, pair
from tests.programs.factories import enrol
from tests.sessions.factories import make_session


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def fetch(feed, client=None):
    return (client or Client()).get(
        reverse("calendar_feed_ics", kwargs={"calendarfeed_slug": feed.slug})
    )


def test_the_feed_url_names_no_organisation_so_the_middleware_lets_it_through(org):
    url = reverse("calendar_feed_ics", kwargs={"calendarfeed_slug": "abc"})
    assert not url.startswith("/o/")
    assert "org_slug" not in resolve(url).kwargs


def test_an_unknown_or_revoked_secret_is_404(org, mentor_user):
    assert (
        Client()
        .get(reverse("calendar_feed_ics", kwargs={"calendarfeed_slug": "no-such-secret"}))
        .status_code
        == 404
    )
    feed = calendar_feed_create(organization=org, user=mentor_user)
    assert fetch(feed).status_code == 200
    new = calendar_feed_revoke(organization=org, user=mentor_user)
    assert new.slug != feed.slug
    assert fetch(feed).status_code == 404
    assert fetch(new).status_code == 200


def test_a_person_who_left_the_organisation_has_no_feed(org, mentor_user):
    feed = calendar_feed_create(organization=org, user=mentor_user)
    Membership.objects.for_org(org).filter(user=mentor_user).delete()
    assert fetch(feed).status_code == 404


def test_the_feed_holds_only_its_owners_sessions_of_that_organisation(
    org, other_org, pair_cohort, mentor_user
):
    _, pairing, other = pair_cohort
    mine = make_session(pairing, title="Mine upcoming", pre_work="SECRET PRE-WORK")
    mine.blocks.update(notes="SECRET NOTES")
    past = make_session(
        pairing, starts_in=-timedelta(days=3), status=Session.Status.COMPLETED, title="Mine past"
    )
    make_session(pairing, status=Session.Status.CANCELLED, title="Mine cancelled")
    make_session(other, title="Someone else's")
    # The same person mentors in another organisation too: not in this organisation's feed.
    cohort, mentors, mentees, _ = cohort_with_people(other_org, mentors=1, mentees=1)
    elsewhere_mentor = enrol(cohort, user=mentor_user, role="mentor")
    elsewhere = pair(mentees[0], elsewhere_mentor, days_ago=3)
    make_session(elsewhere, title="Other organisation's")
    feed = calendar_feed_create(organization=org, user=mentor_user)

    response = fetch(feed)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert "SECRET" not in text and "mailto:" not in text
    parsed = Calendar.from_ical(text)
    assert parsed["METHOD"] == "PUBLISH"
    uids = {str(event["UID"]) for event in parsed.events}
    assert uids == {f"session-{mine.uid}@mentorship", f"session-{past.uid}@mentorship"}
    other_parse = vobject.readOne(text)
    assert sorted(e.uid.value for e in other_parse.vevent_list) == sorted(uids)
    summaries = {e.summary.value for e in other_parse.vevent_list}
    assert summaries == {
        f"Mine upcoming with {pairing.mentee.user}",
        f"Mine past with {pairing.mentee.user}",
    }
    assert Pairing.objects.for_org(other_org).count() == 1


def test_the_page_creates_shows_and_revokes_the_feed(org, mentor_user):
    client = client_for(mentor_user)
    url = reverse("my_calendar_feed", args=[org.slug])
    assert "Create my calendar feed" in client.get(url).content.decode()
    client.post(url, {"action": "create"})
    client.post(url, {"action": "create"})  # twice: still one feed
    feed = CalendarFeed.objects.for_org(org).get(user=mentor_user)
    page = client.get(url).content.decode()
    assert f"/calendar/{feed.slug}.ics" in page
    assert f"webcal://testserver/calendar/{feed.slug}.ics" in page
    client.post(url, {"action": "revoke"})
    feeds = CalendarFeed.objects.for_org(org).filter(user=mentor_user)
    assert feeds.count() == 2
    live = feeds.get(revoked_at__isnull=True)
    assert live.slug != feed.slug
    assert fetch(feed).status_code == 404


def test_signed_in_as_someone_else_the_feed_is_still_only_the_owners(org, pair_cohort, mentor_user):
    _, pairing, other = pair_cohort
    make_session(other, title="Someone else's")
    feed = calendar_feed_create(organization=org, user=mentor_user)
    text = fetch(feed, client_for(other.mentor.user)).content.decode()
    assert "Someone else" not in text


def test_calendar_applications_may_ask_with_head(org, mentor_user):
    feed = calendar_feed_create(organization=org, user=mentor_user)
    url = reverse("calendar_feed_ics", kwargs={"calendarfeed_slug": feed.slug})
    assert Client().head(url).status_code == 200
    assert Client().post(url).status_code == 405
