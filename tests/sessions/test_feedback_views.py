"""Pages of the feedback area: the pulse survey (the respondent's only: the partner, a leader
and an admin never see an individual answer), kudos from the session page, the cohort page's
kudos and pulse panel; query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Kudos, PulseAnswer, Session
from sessions.services import feedback as services
from tests.programs.factories import client_for
from tests.sessions.factories import make_session
from tests.sessions.test_feedback_services import complete
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db

SECRET = "Felt rushed in the last block zq7"


@pytest.fixture
def done(pairing):
    return complete(make_session(pairing, starts_in=-timedelta(hours=2)))


@pytest.fixture
def mentee_pulse(org, done):
    return PulseAnswer.objects.for_org(org).get(session=done, respondent=done.mentee)


def pulse_url(org, pulse):
    return reverse("my_pulse", args=[org.slug, pulse.pk])


# --- refusals first -------------------------------------------------------------------------


def test_nobody_but_the_respondent_opens_a_pulse(
    org, done, mentee_pulse, as_stranger, as_leader, as_admin, pair_cohort
):
    url = pulse_url(org, mentee_pulse)
    other_mentor = client_for(pair_cohort[2].mentor.user)
    for client in (
        as_stranger,
        client_for(done.mentor),  # the partner
        other_mentor,  # another pair's mentor
        as_leader,
        as_admin,
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"score": 1}).status_code == 404
    mentee_pulse.refresh_from_db()
    assert mentee_pulse.answered_at is None


def test_an_individual_answer_is_never_shown_to_the_partner_a_leader_or_an_admin(
    org, done, mentee_pulse, as_leader, as_admin, pair_cohort
):
    services.pulse_answer(pulse=mentee_pulse, score=2, comment=SECRET, by=done.mentee)
    session_page = reverse("session_detail", args=[org.slug, done.pk])
    cohort_page = reverse("cohort_detail", args=[org.slug, pair_cohort[0].pk])
    # (The cohort's page is its staff's and facilitators': a mentor reads the session page.)
    for client, urls in (
        (client_for(done.mentor), [session_page]),
        (as_leader, [session_page, cohort_page]),
        (as_admin, [session_page, cohort_page]),
    ):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert SECRET not in body and "Somewhat useful" not in body
    # The respondent sees their own.
    assert SECRET in client_for(done.mentee).get(pulse_url(org, mentee_pulse)).content.decode()
    # Leaders see the aggregate's count, not the mean, below five answers.
    body = as_leader.get(cohort_page).content.decode()
    assert "1 answer: shown from 5" in body


def test_a_kudos_refused_by_another_pairs_mentor_and_a_stranger(
    org, done, as_stranger, pair_cohort
):
    url = reverse("session_kudos", args=[org.slug, done.pk])
    assert as_stranger.post(url, {"text": "Thanks"}).status_code == 404
    assert client_for(pair_cohort[2].mentor.user).post(url, {"text": "Thanks"}).status_code == 404
    assert not Kudos.objects.for_org(org).exists()


def test_a_leader_cannot_send_kudos_for_a_session_they_only_read(org, done, as_leader):
    response = as_leader.post(reverse("session_kudos", args=[org.slug, done.pk]), {"text": "Hi"})
    assert response.status_code == 400
    assert b"Only the two people of the session" in response.content
    assert not Kudos.objects.for_org(org).exists()


# --- the pages ------------------------------------------------------------------------------


def test_the_pulse_page_offers_the_five_anchored_levels_and_answers_once(org, done, mentee_pulse):
    client = client_for(done.mentee)
    url = pulse_url(org, mentee_pulse)
    body = client.get(url).content.decode()
    for level, word in [(1, "Not useful"), (3, "Useful"), (5, "Exceptionally useful")]:
        assert f'value="{level}"' in body and word in body
    assert 'type="radio"' in body
    refused = client.post(url, {"comment": "no score"})
    assert refused.status_code == 400 and b"from 1 to 5" in refused.content
    response = client.post(url, {"score": "4", "comment": "Clear cues"}, follow=True)
    assert b"You answered on" in response.content and b"4 of 5, Very useful" in response.content
    again = client.post(url, {"score": "1"}, follow=True)
    assert b"an answer is final" in again.content
    mentee_pulse.refresh_from_db()
    assert mentee_pulse.score == 4


def test_the_session_panel_links_the_pulse_and_takes_kudos(
    org, done, mentee_pulse, pair_cohort, as_leader
):
    mentee = client_for(done.mentee)
    page = reverse("session_detail", args=[org.slug, done.pk])
    body = mentee.get(page).content.decode()
    assert pulse_url(org, mentee_pulse) in body and "Answer the pulse survey" in body
    assert reverse("session_kudos", args=[org.slug, done.pk]) in body
    too_long = mentee.post(reverse("session_kudos", args=[org.slug, done.pk]), {"text": "x" * 300})
    assert too_long.status_code == 400
    assert b"Kudos are up to 280 characters: this has 300." in too_long.content
    sent = mentee.post(
        reverse("session_kudos", args=[org.slug, done.pk]),
        {"text": "Thank you for the squat cue"},
        follow=True,
    )
    assert b"Thank you for the squat cue" in sent.content
    assert b"You already sent kudos" in sent.content
    # The mentor sees it, and their recognition.
    body = client_for(done.mentor).get(page).content.decode()
    assert "Thank you for the squat cue" in body
    assert "1 session delivered, 1 kudos received" in body
    # ... and so does the cohort's page.
    cohort_page = reverse("cohort_detail", args=[org.slug, pair_cohort[0].pk])
    assert b"Thank you for the squat cue" in as_leader.get(cohort_page).content


def test_a_session_not_completed_takes_no_kudos_yet(org, pairing):
    session = make_session(pairing)
    body = client_for(pairing.mentee.user).get(
        reverse("session_detail", args=[org.slug, session.pk])
    )
    assert b"it is not completed yet" in body.content


def test_the_mean_shows_from_five_answers_on_the_cohort_page(org, pairing, pair_cohort, as_admin):
    for score in (5, 4, 4):
        session = make_session(pairing, status=Session.Status.COMPLETED)
        for role, user in (("mentee", pairing.mentee.user), ("mentor", pairing.mentor.user)):
            PulseAnswer.objects.create(
                organization=org,
                session=session,
                respondent=user,
                role=role,
                score=score,
                answered_at=timezone.now(),
            )
    body = as_admin.get(reverse("cohort_detail", args=[org.slug, pair_cohort[0].pk])).content
    assert b"Pulse: 4.3 of 5" in body and b"from 6 answers" in body


# --- query budgets --------------------------------------------------------------------------


def test_my_pulse_query_budget(org, done, mentee_pulse, pairing):
    def grow():
        for _ in range(2):
            complete(make_session(pairing, starts_in=-timedelta(days=3)))

    assert_flat_queries(
        client_for(done.mentee), reverse("my_pulse", args=[org.slug, mentee_pulse.pk]), grow, n=12
    )


def test_cohort_page_kudos_panel_query_budget(org, pairing, pair_cohort, as_admin):
    def grow():
        for _ in range(2):
            session = complete(make_session(pairing, starts_in=-timedelta(days=3)))
            services.kudos_give(session=session, text="Thanks", by=pairing.mentee.user)
            services.kudos_give(session=session, text="Well done", by=pairing.mentor.user)

    assert_flat_queries(
        as_admin, reverse("cohort_detail", args=[org.slug, pair_cohort[0].pk]), grow
    )


def test_session_page_feedback_panel_is_flat_in_kudos(org, done):
    other = Kudos.objects.create

    def grow():
        # More kudos of other sessions and pulse rows do not add queries to this page.
        for _ in range(2):
            session = complete(make_session(done.pairing, starts_in=-timedelta(days=3)))
            other(
                organization=org,
                session=session,
                giver=done.mentee,
                recipient=done.mentor,
                text="Thanks",
            )

    assert_flat_queries(
        client_for(done.mentor), reverse("session_detail", args=[org.slug, done.pk]), grow
    )


def test_the_cohort_panel_shows_the_newest_kudos_and_counts_them_all(
    org, pairing, pair_cohort, as_leader
):
    for number in range(10):
        session = complete(make_session(pairing, starts_in=-timedelta(days=20 - number)))
        services.kudos_give(session=session, text=f"Thanks number {number}", by=pairing.mentee.user)
    body = as_leader.get(reverse("cohort_detail", args=[org.slug, pair_cohort[0].pk])).content
    assert b"10 kudos in this cohort, the newest 8 shown" in body
    assert b"Thanks number 9" in body and b"Thanks number 1<" not in body
