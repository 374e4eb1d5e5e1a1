"""My habits, Mentees' habits and the check-in endpoints (sessions/views/habits.py): each
role, negatives first; htmx in place and the forms without JavaScript; query budgets flat
as habits and check-ins grow."""

from datetime import timedelta

import pytest
from django.urls import reverse

from sessions.models import HabitCheckIn
from sessions.services import habits as services
from tests.programs.factories import client_for
from tests.sessions.factories import MicroHabitFactory, make_session
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def habit(session):
    habit = MicroHabitFactory(session=session, text="Cue the first rep out loud")
    habit.starts_on = services.mentee_today(habit) - timedelta(days=20)
    habit.save()
    return habit


def _post(client, name, habit, **data):
    return client.post(
        reverse(name, args=[habit.organization.slug, habit.pk]), data, **data.pop("headers", {})
    )


def _check_in(client, habit, day, state="done", **headers):
    url = reverse("habit_check_in", args=[habit.organization.slug, habit.pk])
    return client.post(url, {"day": day.isoformat(), "state": state}, **headers)


# --- who may check in: negatives first


def test_a_stranger_gets_404(habit, as_stranger):
    today = services.mentee_today(habit)
    assert _check_in(as_stranger, habit, today).status_code == 404


@pytest.mark.parametrize("who", ["admin", "leader", "member"])
def test_staff_and_other_members_get_404(habit, who, request):
    client = request.getfixturevalue(f"as_{who}")
    assert _check_in(client, habit, services.mentee_today(habit)).status_code == 404
    assert not HabitCheckIn.objects.for_org(habit.organization).exists()


def test_another_pairs_mentor_gets_404(habit, pair_cohort):
    client = client_for(pair_cohort[2].mentor.user)
    assert _check_in(client, habit, services.mentee_today(habit)).status_code == 404
    url = reverse("habit_pause", args=[habit.organization.slug, habit.pk])
    assert client.post(url).status_code == 404


def test_the_mentor_may_not_check_in_but_may_pause(habit, mentor_user):
    client = client_for(mentor_user)
    response = _check_in(client, habit, services.mentee_today(habit))
    assert response.status_code == 302
    assert not HabitCheckIn.objects.for_org(habit.organization).exists()
    url = reverse("habit_pause", args=[habit.organization.slug, habit.pk])
    response = client.post(url, {"back": "mentees"})
    assert response.url == reverse("mentees_habits", args=[habit.organization.slug])
    habit.refresh_from_db()
    assert habit.paused_at is not None


def test_get_is_refused_on_the_check_in_endpoint(habit):
    client = client_for(habit.mentee)
    url = reverse("habit_check_in", args=[habit.organization.slug, habit.pk])
    assert client.get(url).status_code == 405


# --- the mentee


def test_my_habits_shows_figures_buttons_and_the_rule(habit):
    today = services.mentee_today(habit)
    for back in (1, 2, 3):
        HabitCheckIn.objects.create(
            organization=habit.organization,
            habit=habit,
            day=today - timedelta(days=back),
            state="done",
        )
    response = client_for(habit.mentee).get(reverse("my_habits", args=[habit.organization.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cue the first rep out loud" in html
    assert "3 days" in html  # the streak
    assert "<meter" in html and "How streak, adherence and strength are counted" in html
    assert "0.5 ** (sqrt(f) / 13)" in html  # the formula in words, from the docstring
    assert 'name="state" value="done"' in html


def test_check_in_with_htmx_swaps_the_card_and_without_js_redirects(habit):
    client = client_for(habit.mentee)
    today = services.mentee_today(habit)
    response = _check_in(client, habit, today, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<article class="card habit-card" id="habit-')
    assert "done." in html and "1 day" in html
    response = _check_in(client, habit, today - timedelta(days=1))
    assert response.status_code == 302 and response.url.endswith("/me/habits/")
    assert HabitCheckIn.objects.for_org(habit.organization).count() == 2


def test_bad_days_are_refused_in_place(habit):
    client = client_for(habit.mentee)
    today = services.mentee_today(habit)
    html = _check_in(client, habit, today + timedelta(days=1), **HTMX).content.decode()
    assert "You can check in today or up to three days back." in html
    html = _check_in(client, habit, today - timedelta(days=4), **HTMX).content.decode()
    assert "You can check in today or up to three days back." in html
    _check_in(client, habit, today, "skipped")
    response = _check_in(client, habit, today, "done", follow=True)
    assert "already checked in as skipped" in response.content.decode()
    assert HabitCheckIn.objects.for_org(habit.organization).get().state == "skipped"


def test_the_home_panels_check_in_answers_its_row(habit):
    client = client_for(habit.mentee)
    url = reverse("habit_check_in", args=[habit.organization.slug, habit.pk])
    today = services.mentee_today(habit)
    response = client.post(url, {"day": today.isoformat(), "state": "done", "back": "home"}, **HTMX)
    assert f'id="today-habit-{habit.pk}"' in response.content.decode()
    response = client.post(
        url, {"day": (today - timedelta(days=1)).isoformat(), "state": "done", "back": "home"}
    )
    assert response.url == reverse("org_home", args=[habit.organization.slug])


def test_pause_resume_and_end_from_my_habits(habit):
    client = client_for(habit.mentee)
    html = _post(client, "habit_pause", habit, headers=HTMX).content.decode()
    assert "Paused" in html and "Resume" in html
    html = _post(client, "habit_resume", habit, headers=HTMX).content.decode()
    assert "Pause" in html
    response = _post(client, "habit_end", habit)
    assert response.status_code == 302
    html = client.get(reverse("my_habits", args=[habit.organization.slug])).content.decode()
    assert "Ended habits" in html and "No habits to practise" in html


def test_empty_states(org, mentee_user, mentor_user):
    html = client_for(mentee_user).get(reverse("my_habits", args=[org.slug])).content.decode()
    assert "No habits to practise" in html
    # A mentee who mentors nobody is not sent to a page of mentees they do not have.
    assert reverse("mentees_habits", args=[org.slug]) not in html
    html = client_for(mentor_user).get(reverse("my_habits", args=[org.slug])).content.decode()
    assert reverse("mentees_habits", args=[org.slug]) in html
    html = client_for(mentor_user).get(reverse("mentees_habits", args=[org.slug])).content.decode()
    assert "No live habit" in html


def test_mentees_habits_shows_adherence_and_strength_of_my_mentees_only(
    habit, mentor_user, pair_cohort
):
    other = make_session(pair_cohort[2])
    MicroHabitFactory(session=other, text="Someone else's habit")
    html = (
        client_for(mentor_user)
        .get(reverse("mentees_habits", args=[habit.organization.slug]))
        .content.decode()
    )
    assert "Cue the first rep out loud" in html
    assert "Someone else&#x27;s habit" not in html and "Someone else's habit" not in html
    assert "Adherence, 14 days" in html and "<meter" in html
    # The Strength column's cell does not say "Strength" again (screen readers hear it).
    assert '<span class="sr-only">Strength </span>' in html


# --- budgets


def _grow(session):
    def grow():
        for n in range(2):
            habit = MicroHabitFactory(session=session, text=f"Habit {n}")
            habit.starts_on = services.mentee_today(habit) - timedelta(days=30)
            habit.save()
            for back in range(1, 4):
                HabitCheckIn.objects.create(
                    organization=habit.organization,
                    habit=habit,
                    day=habit.starts_on + timedelta(days=back),
                    state="done",
                )
            services.habit_pause(habit=habit, by=habit.mentee)

    return grow


def test_my_habits_query_budget(session):
    assert_flat_queries(
        client_for(session.mentee),
        reverse("my_habits", args=[session.organization.slug]),
        _grow(session),
        n=12,
    )


def test_mentees_habits_query_budget(session, mentor_user):
    assert_flat_queries(
        client_for(mentor_user),
        reverse("mentees_habits", args=[session.organization.slug]),
        _grow(session),
        n=14,
    )


def test_habits_today_reads_in_a_fixed_number_of_queries(session):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sessions.selectors.habits import habits_today

    counts = []
    for _ in range(2):
        _grow(session)()
        habit = MicroHabitFactory(session=session, text="Live one")
        habit.starts_on = services.mentee_today(habit) - timedelta(days=5)
        habit.save()
        with CaptureQueriesContext(connection) as queries:
            context = habits_today(organization=session.organization, user=session.mentee)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6  # habits, check-ins, pauses and the zone's reads
    assert [row.habit.text for row in context["habits_today"]] == ["Live one", "Live one"]
