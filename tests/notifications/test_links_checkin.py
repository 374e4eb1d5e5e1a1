"""The habit check-in link (B2, B6): ``/nudges/checkin/<token>/``, without signing in. GET
asks "Did you … today?" and changes nothing (mail scanners open links); POST checks in
through the sessions app, marks the nudge acted on and shows the streak. Single use, that
day only, forged or expired refused, a person who left refused."""

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from mentorship.notifications import tokens
from mentorship.notifications.links import CHECKIN_KIND
from mentorship.notifications.models import Category, Nudge
from mentorship.tenancy.models import Membership
from sessions.models import HabitCheckIn
from sessions.services.habits import mentee_today
from tests.notifications.factories import NudgeFactory
from tests.sessions.conftest import mentee_user, pair_cohort, pairing, session  # noqa: F401
from tests.sessions.factories import MicroHabitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def habit(session):  # noqa: F811
    habit = MicroHabitFactory(session=session, text="cue the first rep out loud")
    habit.starts_on = mentee_today(habit) - timedelta(days=10)
    habit.save()
    return habit


def _nudge(habit, day):
    return NudgeFactory(
        organization=habit.organization,
        recipient=habit.mentee,
        kind=CHECKIN_KIND,
        category=Category.PLANS,
        subject_key=f"habit:{habit.pk}",
        period=day.isoformat(),
        title=f"Did you {habit.text} today?",
    )


def _url(habit, day, user=None):
    return tokens.checkin_url(
        organization_id=habit.organization_id,
        user_id=(user or habit.mentee).pk,
        subject_key=f"habit:{habit.pk}",
        period=day.isoformat(),
    )


@pytest.fixture
def today(habit):
    return mentee_today(habit)


def _checkins(habit):
    return list(HabitCheckIn.objects.for_org(habit.organization).filter(habit=habit))


# --- refused first ---------------------------------------------------------------------------


def test_a_forged_token_is_a_400(client, habit, today):
    nudge = _nudge(habit, today)
    for url in (reverse("nudge_checkin", args=["forged"]), _url(habit, today)[:-6] + "xx/"):
        response = client.post(url, {"state": "done"})
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert _checkins(habit) == []
    nudge.refresh_from_db()
    assert nudge.acted_at is None


def test_an_unsubscribe_token_is_no_check_in_link(client, habit, today):
    _nudge(habit, today)
    token = tokens.unsubscribe_token(
        organization_id=habit.organization_id, user_id=habit.mentee_id, category="plans"
    )
    assert client.post(reverse("nudge_checkin", args=[token])).status_code == 400
    assert _checkins(habit) == []


def test_an_expired_token_is_refused(client, habit, today):
    _nudge(habit, today)
    url = _url(habit, today)
    with mock.patch.object(tokens, "CHECKIN_MAX_AGE", -1):
        response = client.post(url, {"state": "done"})
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert _checkins(habit) == []


def test_a_link_with_no_nudge_behind_it_is_refused(client, habit, today):
    response = client.post(_url(habit, today), {"state": "done"})
    assert response.status_code == 400
    assert _checkins(habit) == []


def test_a_link_naming_another_person_finds_no_nudge(client, habit, today, pairing):  # noqa: F811
    _nudge(habit, today)
    mentor = pairing.mentor.user
    response = client.post(_url(habit, today, user=mentor), {"state": "done"})
    assert response.status_code == 400
    assert _checkins(habit) == []


def test_a_person_who_left_is_refused(client, habit, today):
    _nudge(habit, today)
    Membership.objects.for_org(habit.organization).filter(user=habit.mentee).delete()
    response = client.post(_url(habit, today), {"state": "done"})
    assert response.status_code == 403
    assert "no longer a member" in response.content.decode()
    assert _checkins(habit) == []


def test_a_get_changes_nothing(client, habit, today):
    nudge = _nudge(habit, today)
    response = client.get(_url(habit, today))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Did you “cue the first rep out loud” today?" in html
    assert 'name="state" value="done"' in html and 'name="state" value="skipped"' in html
    assert _checkins(habit) == []
    nudge.refresh_from_db()
    assert nudge.acted_at is None and nudge.read_at is None


def test_another_days_link_points_to_the_habits_page(client, habit, today):
    yesterday = today - timedelta(days=1)
    _nudge(habit, yesterday)
    for method in ("get", "post"):
        response = getattr(client, method)(_url(habit, yesterday), {"state": "done"})
        html = response.content.decode()
        assert (
            f"This link was for {yesterday:%A %-d %B %Y}; check in from your habits page." in html
        )
        assert reverse("my_habits", args=[habit.organization.slug]) in html
    assert response.status_code == 409
    assert _checkins(habit) == []


def test_a_used_link_says_so_and_checks_in_nothing_more(client, habit, today):
    _nudge(habit, today)
    url = _url(habit, today)
    client.post(url, {"state": "done"})
    response = client.post(url, {"state": "skipped"})
    assert response.status_code == 409
    assert "This link was used" in response.content.decode()
    assert [c.state for c in _checkins(habit)] == ["done"]
    assert "This link was used" in client.get(url).content.decode()


def test_a_bad_state_is_refused_and_the_link_stays_usable(client, habit, today):
    nudge = _nudge(habit, today)
    response = client.post(_url(habit, today), {"state": "maybe"})
    assert response.status_code == 409
    assert "Choose done or skipped." in response.content.decode()
    nudge.refresh_from_db()
    assert nudge.acted_at is None
    assert _checkins(habit) == []


def test_a_day_checked_in_already_from_the_habits_page_is_refused(client, habit, today):
    nudge = _nudge(habit, today)
    HabitCheckIn.objects.create(
        organization=habit.organization, habit=habit, day=today, state="skipped"
    )
    response = client.post(_url(habit, today), {"state": "done"})
    assert response.status_code == 409
    assert "already checked in as skipped" in response.content.decode()
    nudge.refresh_from_db()
    assert nudge.acted_at is None


def test_the_page_is_not_cached_indexed_or_referred(client, habit, today):
    _nudge(habit, today)
    response = client.get(_url(habit, today))
    assert response["Referrer-Policy"] == "same-origin"  # never to another site
    assert "no-store" in response["Cache-Control"]


# --- done ------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["done", "skipped"])
def test_a_post_checks_in_marks_the_nudge_and_shows_the_streak(habit, today, state):
    nudge = _nudge(habit, today)
    for back in (1, 2):
        HabitCheckIn.objects.create(
            organization=habit.organization,
            habit=habit,
            day=today - timedelta(days=back),
            state="done",
        )
    client = Client(enforce_csrf_checks=True)
    url = _url(habit, today)
    client.get(url)  # the page sets the CSRF cookie its form posts back
    response = client.post(
        url, {"state": state, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "is checked in for" in html
    checkin = HabitCheckIn.objects.for_org(habit.organization).get(habit=habit, day=today)
    assert checkin.state == state
    nudge.refresh_from_db()
    assert nudge.acted_at is not None and nudge.read_at is not None
    streak = 3 if state == "done" else 2
    assert f"<strong>{streak} days</strong>" in html


def test_the_check_in_needs_the_pages_csrf_token(habit, today):
    _nudge(habit, today)
    client = Client(enforce_csrf_checks=True)
    response = client.post(_url(habit, today), {"state": "done"})
    assert response.status_code == 403
    assert _checkins(habit) == []


def test_the_inbox_links_the_check_in_as_a_path(habit, today, settings):
    nudge = _nudge(habit, today)
    path = _url(habit, today)  # once: a token signed a second later differs
    settings.SITE_URL = "https://mentoring.example"
    Nudge.objects.for_org(habit.organization).filter(pk=nudge.pk).update(
        link="https://mentoring.example" + path
    )
    client = Client()
    client.force_login(habit.mentee)
    inbox = reverse("inbox", args=[habit.organization.slug])
    html = client.get(inbox).content.decode()
    opens = reverse("inbox_open", args=[habit.organization.slug, nudge.pk])
    assert f'href="{opens}"' in html  # read when followed, then on to the link
    assert client.get(opens)["Location"] == path
