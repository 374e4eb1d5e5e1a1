"""Scheduling pages: My sessions, a pairing's sessions, proposing, the panel's actions.
Negative permission cases first (a stranger, another pair's mentor, a leader, an admin),
then what each may do, and each GET page's query budget."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications.models import Message
from mentorship.tenancy.models import Membership
from programs.models import MenteeIntake
from sessions.access import access_session_by_id
from sessions.models import Session
from sessions.selectors.scheduling import session_schedule_panel
from tests.sessions.factories import builtin, make_session
from tests.utils import assert_flat_queries


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_mentor(pair_cohort):
    return pair_cohort[2].mentor.user


def membership_of(user, org):
    return Membership.objects.for_org(org).select_related("organization").get(user=user)


# --- negatives first --------------------------------------------------------------------------


def test_a_stranger_gets_404_everywhere(as_stranger, org, pairing, session):
    for name, args in [
        ("my_sessions", []),
        ("my_calendar_feed", []),
        ("pairing_sessions", [pairing.pk]),
        ("session_propose", [pairing.pk]),
    ]:
        assert as_stranger.get(reverse(name, args=[org.slug, *args])).status_code == 404
    response = as_stranger.post(reverse("session_cancel", args=[org.slug, session.pk]))
    assert response.status_code == 404


def test_another_pairs_mentor_cannot_see_or_schedule_the_pair(org, pairing, other_mentor):
    client = client_for(other_mentor)
    session = make_session(pairing, status=Session.Status.PROPOSED)
    assert client.get(reverse("pairing_sessions", args=[org.slug, pairing.pk])).status_code == 404
    assert client.get(reverse("session_propose", args=[org.slug, pairing.pk])).status_code == 404
    for name in ["session_confirm", "session_cancel", "session_pre_work", "session_reschedule"]:
        response = client.post(reverse(name, args=[org.slug, session.pk]), {"cancel-reason": "x"})
        assert response.status_code == 404, name
    session.refresh_from_db()
    assert session.status == Session.Status.PROPOSED


def test_a_leader_sees_the_pairs_sessions_metadata_but_cannot_propose_or_act(
    org, pairing, as_leader
):
    session = make_session(pairing, location="SECRET ROOM", pre_work="SECRET PRE-WORK")
    page = as_leader.get(reverse("pairing_sessions", args=[org.slug, pairing.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert session.title in text
    assert "SECRET" not in text
    assert "Propose a session" not in text
    assert as_leader.get(reverse("session_propose", args=[org.slug, pairing.pk])).status_code == 404
    response = as_leader.post(
        reverse("session_cancel", args=[org.slug, session.pk]), {"cancel-reason": "No"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.CONFIRMED


def test_an_admin_cannot_schedule_for_the_pair(org, pairing, as_admin):
    session = make_session(pairing, status=Session.Status.PROPOSED)
    as_admin.post(reverse("session_confirm", args=[org.slug, session.pk]))
    session.refresh_from_db()
    assert session.status == Session.Status.PROPOSED
    assert as_admin.get(reverse("session_propose", args=[org.slug, pairing.pk])).status_code == 404


def test_the_proposer_cannot_confirm_through_the_page(org, pairing, mentor_user):
    session = make_session(pairing, status=Session.Status.PROPOSED, proposed_by=mentor_user)
    response = client_for(mentor_user).post(
        reverse("session_confirm", args=[org.slug, session.pk]), follow=True
    )
    assert "You proposed this time" in response.content.decode()
    session.refresh_from_db()
    assert session.status == Session.Status.PROPOSED


# --- the pair's pages -------------------------------------------------------------------------


def test_propose_shows_the_zone_and_refuses_a_past_time_next_to_the_field(
    org, pairing, mentor_user
):
    MenteeIntake.objects.for_org(org)  # the mentor's intake says UTC
    client = client_for(mentor_user)
    url = reverse("session_propose", args=[org.slug, pairing.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Time (UTC)" in page.content.decode()
    yesterday = timezone.now() - timedelta(days=1)
    response = client.post(
        url,
        {
            "template": builtin(org).pk,
            "date": yesterday.date().isoformat(),
            "time": "10:00",
        },
    )
    assert response.status_code == 400
    assert "Choose a time in the future." in response.content.decode()
    assert not Session.objects.for_org(org).exists()


def test_propose_then_confirm_through_the_pages(org, pairing, mentor_user, mentee_user):
    day = (timezone.now() + timedelta(days=5)).date()
    response = client_for(mentor_user).post(
        reverse("session_propose", args=[org.slug, pairing.pk]),
        {"template": builtin(org).pk, "date": day.isoformat(), "time": "10:00", "location": "Gym"},
    )
    assert response.status_code == 302
    session = Session.objects.for_org(org).get()
    assert (session.status, session.location, session.starts_at.hour) == ("proposed", "Gym", 10)

    mentee = client_for(mentee_user)
    page = mentee.get(reverse("pairing_sessions", args=[org.slug, pairing.pk]))
    assert "Confirm" in page.content.decode() and "Propose another time" in page.content.decode()
    mentee.post(reverse("session_confirm", args=[org.slug, session.pk]))
    session.refresh_from_db()
    assert session.status == Session.Status.CONFIRMED
    kinds = list(Message.objects.for_org(org).values_list("kind", flat=True).order_by("pk"))
    assert kinds.count("sessions.session_confirmed") == 2


def test_reschedule_and_cancel_and_pre_work_through_the_panel(
    org, pairing, mentor_user, mentee_user
):
    session = make_session(pairing, starts_in=timedelta(days=4))
    mentee = client_for(mentee_user)
    day = (timezone.now() + timedelta(days=6)).date().isoformat()
    mentee.post(
        reverse("session_reschedule", args=[org.slug, session.pk]),
        {"move-date": day, "move-time": "11:00", "move-reason": "Exam"},
    )
    session.refresh_from_db()
    assert (session.status, session.sequence, session.proposed_by) == (
        "proposed",
        1,
        mentee_user,
    )
    mentee.post(
        reverse("session_pre_work", args=[org.slug, session.pk]), {"prework-pre_work": "My goals"}
    )
    session.refresh_from_db()
    assert session.pre_work == "My goals"
    # The mentor reads it on the panel, with when it was written.
    page = client_for(mentor_user).get(reverse("pairing_sessions", args=[org.slug, pairing.pk]))
    assert "My goals" in page.content.decode()
    response = mentee.post(
        reverse("session_cancel", args=[org.slug, session.pk]), {"cancel-reason": ""}, follow=True
    )
    assert "This field is required." in response.content.decode()
    mentee.post(reverse("session_cancel", args=[org.slug, session.pk]), {"cancel-reason": "Ill"})
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


def test_a_nonexistent_local_time_is_refused(org, pairing, mentor_user):
    MenteeIntake.objects.for_org(org)
    from programs.models import MentorIntake

    MentorIntake.objects.for_org(org).filter(participant=pairing.mentor).update(
        time_zone="Europe/London"
    )
    response = client_for(mentor_user).post(
        reverse("session_propose", args=[org.slug, pairing.pk]),
        {"template": builtin(org).pk, "date": "2027-03-28", "time": "01:30"},
    )
    assert response.status_code == 400
    assert "does not exist that day" in response.content.decode()


def test_the_panel_shows_both_zones_when_they_differ(org, pairing, mentor_user):
    MenteeIntake.objects.for_org(org).filter(participant=pairing.mentee).update(
        time_zone="America/New_York"
    )
    session = make_session(pairing)
    membership = membership_of(mentor_user, org)
    session = access_session_by_id(membership=membership, session_id=session.pk)
    panel = session_schedule_panel(session=session, membership=membership)["schedule"]
    assert str(panel["zone"]) == "UTC" and str(panel["partner_zone"]) == "America/New_York"
    assert panel["can"] == {
        "confirm": False,
        "counter": False,
        "reschedule": True,
        "cancel": True,
        "no_show": False,
    }


def test_my_sessions_sections_and_filters(org, pair_cohort, mentor_user):
    _, pairing, _ = pair_cohort
    upcoming = make_session(pairing, starts_in=timedelta(days=2), title="Soon")
    to_log = make_session(pairing, starts_in=-timedelta(days=1), title="Yesterday")
    cancelled = make_session(
        pairing, starts_in=timedelta(days=3), status="cancelled", title="Called off"
    )
    client = client_for(mentor_user)
    url = reverse("my_sessions", args=[org.slug])
    text = client.get(url).content.decode()
    assert upcoming.title in text and to_log.title not in text and cancelled.title not in text
    text = client.get(url + "?section=to_log").content.decode()
    assert to_log.title in text and upcoming.title not in text
    text = client.get(url + "?section=past&status=cancelled").content.decode()
    assert cancelled.title in text and to_log.title not in text
    # The mentee has nothing to log.
    text = client_for(pairing.mentee.user).get(url + "?section=to_log").content.decode()
    assert "Nothing left to log" in text
    # htmx asks for the results only.
    fragment = client.get(url, headers={"HX-Request": "true", "HX-Target": "session-results"})
    assert "<h1>" not in fragment.content.decode()


def test_my_sessions_empty_state(org, as_member):
    text = as_member.get(reverse("my_sessions", args=[org.slug])).content.decode()
    assert "No sessions coming up" in text


# --- query budgets ----------------------------------------------------------------------------


def test_my_sessions_budget(org, pairing, mentor_user):
    def grow():
        for days in (1, 2):
            make_session(
                pairing, starts_in=timedelta(days=days, hours=len(Session.objects.for_org(org)) * 2)
            )

    assert_flat_queries(
        client_for(mentor_user), reverse("my_sessions", args=[org.slug]), grow, n=11
    )


def test_pairing_sessions_budget(org, pairing, mentor_user):
    def grow():
        for days in (10, 11):
            make_session(
                pairing, starts_in=-timedelta(days=days + Session.objects.for_org(org).count())
            )

    make_session(
        pairing, starts_in=timedelta(days=1), status="proposed", proposed_by=pairing.mentee.user
    )
    assert_flat_queries(
        client_for(mentor_user),
        reverse("pairing_sessions", args=[org.slug, pairing.pk]),
        grow,
        n=12,
    )


def test_session_propose_budget(org, pairing, mentor_user):
    def grow():
        for days in (1, 2):
            make_session(
                pairing, starts_in=timedelta(days=days + 3 * Session.objects.for_org(org).count())
            )

    assert_flat_queries(
        client_for(mentor_user), reverse("session_propose", args=[org.slug, pairing.pk]), grow, n=11
    )


def test_my_calendar_feed_budget(org, pairing, mentor_user):
    client = client_for(mentor_user)
    client.post(reverse("my_calendar_feed", args=[org.slug]), {"action": "create"})

    def grow():
        make_session(pairing, starts_in=timedelta(days=1 + Session.objects.for_org(org).count()))
        make_session(pairing, starts_in=timedelta(days=2 + Session.objects.for_org(org).count()))

    assert_flat_queries(client, reverse("my_calendar_feed", args=[org.slug]), grow, n=5)


def test_a_leader_is_not_told_a_proposal_waits_for_them(org, pairing, as_leader):
    make_session(pairing, status=Session.Status.PROPOSED, proposed_by=pairing.mentor.user)
    text = as_leader.get(reverse("pairing_sessions", args=[org.slug, pairing.pk])).content
    assert "Waiting for confirmation" in text.decode()
    assert "Waiting for you" not in text.decode()


def test_the_panel_reads_in_a_fixed_number_of_queries(
    org, pairing, mentor_user, django_assert_num_queries
):
    session = make_session(pairing, pre_work="Context")
    membership = membership_of(mentor_user, org)
    session = access_session_by_id(membership=membership, session_id=session.pk)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sessions.selectors.people import zones_of

    with CaptureQueriesContext(connection) as zones:
        zones_of(organization=org, user_ids=[mentor_user.pk, session.mentee_id])
    # Only the two people's zones (zones_of's own fixed reads): nothing per block or session.
    with django_assert_num_queries(len(zones.captured_queries)):
        panel = session_schedule_panel(session=session, membership=membership)
    assert panel["schedule"]["shows_pre_work"] and not panel["schedule"]["writes_pre_work"]


def test_the_side_asked_confirms_or_proposes_another_time(org, pairing, mentee_user):
    session = make_session(pairing, status=Session.Status.PROPOSED)  # by the mentor
    membership = membership_of(mentee_user, org)
    session = access_session_by_id(membership=membership, session_id=session.pk)
    can = session_schedule_panel(session=session, membership=membership)["schedule"]["can"]
    assert can == {
        "confirm": True,
        "counter": True,
        "reschedule": False,
        "cancel": True,
        "no_show": False,
    }


def test_my_mentoring_links_each_pairing_to_its_sessions(org, pairing, mentor_user, mentee_user):
    url = reverse("pairing_sessions", args=[org.slug, pairing.pk])
    for user in (mentor_user, mentee_user):
        page = client_for(user).get(reverse("my_mentoring", args=[org.slug]))
        assert url in page.content.decode()


def test_another_time_and_no_show_through_the_panel(org, pairing, mentor_user, mentee_user):
    proposed = make_session(pairing, status=Session.Status.PROPOSED, starts_in=timedelta(days=3))
    day = (timezone.now() + timedelta(days=4)).date().isoformat()
    client_for(mentee_user).post(
        reverse("session_counter_propose", args=[org.slug, proposed.pk]),
        {"counter-date": day, "counter-time": "08:30"},
    )
    proposed.refresh_from_db()
    assert (proposed.proposed_by, proposed.sequence) == (mentee_user, 1)
    assert proposed.starts_at.date().isoformat() == day

    started = make_session(pairing, starts_in=-timedelta(minutes=40))
    mentor = client_for(mentor_user)
    refused = mentor.post(
        reverse("session_no_show", args=[org.slug, started.pk]), {"noshow-absent": "x"}, follow=True
    )
    assert "Select a valid choice" in refused.content.decode()
    mentor.post(
        reverse("session_no_show", args=[org.slug, started.pk]), {"noshow-absent": "mentee"}
    )
    started.refresh_from_db()
    assert (started.status, started.no_show_of) == (Session.Status.NO_SHOW, mentee_user)
