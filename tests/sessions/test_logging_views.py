"""The session page and its writes (sessions/views/logging.py): each role, negatives first;
privacy by the viewer's side; htmx fragments and the forms without JavaScript; query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import ActionItem, Session, SessionBlock, SignalValue
from sessions.services import logging as services
from tests.programs.factories import client_for
from tests.sessions.factories import (
    ActionItemFactory,
    SessionTemplateFactory,
    builtin,
    make_session,
    number_signal,
    rubric_signal,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}

NOTE = "Observed: hips drift on the third rep"
PRIVATE = "Private: ask about the schedule at home"
CORRECTION = "Brace before the lift"


@pytest.fixture
def logged(pairing, mentor_user):
    """A session under way with notes, a signal, a correction, an action and a private note."""
    session = make_session(pairing, starts_in=-timedelta(minutes=20))
    block = session.blocks.get(position=2)
    services.block_notes_save(block=block, notes=NOTE, version=0, by=mentor_user)
    services.signal_record(
        session=session,
        signal_type=rubric_signal(pairing.cohort.program),
        value=4,
        by=mentor_user,
    )
    services.corrections_save(session=session, texts=[CORRECTION], by=mentor_user)
    services.action_add(
        session=session,
        text="Film one set",
        owner=session.mentee,
        due_on=timezone.localdate() + timedelta(days=3),
        by=mentor_user,
    )
    services.private_note_save(session=session, text=PRIVATE, by=mentor_user)
    return session


def _url(session, name="session_detail"):
    return reverse(name, args=[session.organization.slug, session.pk])


# ------------------------------------------------------------------ who reads the page


def test_a_stranger_of_another_organisation_gets_404(as_stranger, logged):
    assert as_stranger.get(_url(logged)).status_code == 404


def test_a_member_outside_the_pair_and_another_pairs_mentor_get_404(as_member, pair_cohort, logged):
    assert as_member.get(_url(logged)).status_code == 404
    other_mentor = client_for(pair_cohort[2].mentor.user)
    assert other_mentor.get(_url(logged)).status_code == 404
    assert other_mentor.post(_url(logged, "session_corrections"), {}).status_code == 404


@pytest.mark.parametrize("who", ["as_leader", "as_admin"])
def test_leaders_and_admins_see_metadata_and_signals_not_the_text(request, who, logged):
    page = request.getfixturevalue(who).get(_url(logged))
    text = page.content.decode()
    assert page.status_code == 200
    assert NOTE not in text and PRIVATE not in text and CORRECTION not in text
    assert "Film one set" not in text
    assert "4 · Consistent" in text  # signals are shown
    assert "1 of 3 written" in text and "1 action item" in text
    assert "Its notes are the pair's" in text
    assert "Complete the session" not in text and 'name="notes"' not in text


def test_the_mentee_sees_notes_signals_corrections_and_actions_not_the_private_note(
    mentee_user, logged
):
    page = client_for(mentee_user).get(_url(logged))
    text = page.content.decode()
    assert page.status_code == 200
    assert NOTE in text and CORRECTION in text and "Film one set" in text
    assert "4 · Consistent" in text
    assert PRIVATE not in text and "Private note" not in text
    assert 'name="notes"' not in text and "Complete the session" not in text


def test_the_mentor_sees_everything_and_the_forms(mentor_user, logged):
    text = client_for(mentor_user).get(_url(logged)).content.decode()
    assert NOTE in text and PRIVATE in text and CORRECTION in text
    assert 'hx-trigger="input changed delay:800ms"' in text
    assert "Complete the session" in text and "Still missing" in text


def test_notes_shared_with_the_team_show_the_admin_the_notes_not_the_private_note(
    as_admin, pairing, logged
):
    program = pairing.cohort.program
    program.notes_shared_with_team = True
    program.save()
    text = as_admin.get(_url(logged)).content.decode()
    assert NOTE in text and CORRECTION in text
    assert PRIVATE not in text


def test_the_previous_sessions_open_actions_come_first(pairing, mentor_user, mentee_user):
    earlier = make_session(pairing, starts_in=-timedelta(days=7), status=Session.Status.COMPLETED)
    ActionItemFactory(session=earlier, text="Read the cue sheet")
    ActionItemFactory(session=earlier, text="Already done", done_at=timezone.now())
    session = make_session(pairing)
    text = client_for(mentee_user).get(_url(session)).content.decode()
    assert text.index("Open actions from the last session") < text.index("Agenda")
    assert "Read the cue sheet" in text and "Already done" not in text


def test_the_page_shows_the_time_in_the_viewers_zone_with_its_name(mentor_user, session):
    from sessions.selectors.people import zone_of

    zone = zone_of(organization=session.organization, user=mentor_user)
    client = client_for(mentor_user)
    text = client.get(_url(session)).content.decode()
    starts = timezone.localtime(session.starts_at, zone)
    assert f'{starts:%H:%M} <span class="muted">({zone})</span>' in text
    page = client.post(_url(session, "session_start"), follow=True).content.decode()
    session.refresh_from_db()
    assert f"Started {timezone.localtime(session.started_at, zone):%H:%M} ({zone})" in page


def test_session_page_query_budget_flat_in_blocks_signals_and_past_sessions(
    org, pairing, mentor_user
):
    template = SessionTemplateFactory(organization=org)
    session = make_session(pairing, template=template, starts_in=-timedelta(minutes=5))
    program = pairing.cohort.program
    counter = {"n": 0}

    def grow():
        for _ in range(2):
            counter["n"] += 1
            n = counter["n"]
            SessionBlock.objects.create(
                organization=org,
                session=session,
                position=10 + n,
                title=f"Extra {n}",
                minutes=5,
                notes=f"notes {n}",
                outputs=["notes", "signals"],
            )
            kind = rubric_signal(program, name=f"Rubric {n}")
            number_signal(program, name=f"Number {n}")
            SignalValue.objects.create(
                organization=org,
                session=session,
                signal_type=kind,
                subject=session.mentee,
                value=3,
            )
            past = make_session(
                pairing,
                starts_in=-timedelta(days=n + 1),
                status=Session.Status.COMPLETED,
            )
            ActionItemFactory(session=past)
            ActionItemFactory(session=session, owner=session.mentor)

    assert_flat_queries(client_for(mentor_user), _url(session), grow, n=30)


def test_session_page_query_budget_as_admin(org, as_admin, pairing):
    session = make_session(pairing, starts_in=-timedelta(minutes=5))
    program = pairing.cohort.program
    names = iter(range(100))

    def grow():
        for _ in range(2):
            signal = rubric_signal(program, name=f"Signal {next(names)}")
            SignalValue.objects.create(
                organization=org,
                session=session,
                signal_type=signal,
                subject=session.mentee,
                value=2,
            )
            ActionItemFactory(session=session)

    count = assert_flat_queries(
        as_admin, reverse("session_detail", args=[org.slug, session.pk]), grow, n=30
    )
    assert count <= 30


# ------------------------------------------------------------------ notes


def test_the_mentee_cannot_save_notes(mentee_user, session):
    block = session.blocks.first()
    url = reverse("session_block_notes", args=[session.organization.slug, block.pk])
    assert client_for(mentee_user).post(url, {"notes": "x", "version": 0}).status_code == 404
    block.refresh_from_db()
    assert block.notes == ""


def test_autosave_answers_saved_and_the_new_version_out_of_band(mentor_user, session):
    block = session.blocks.first()
    url = reverse("session_block_notes", args=[session.organization.slug, block.pk])
    response = client_for(mentor_user).post(url, {"notes": "Goals", "version": 0}, **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Saved " in text
    assert f'id="block-{block.pk}-version" value="1" hx-swap-oob="true"' in text
    assert "<textarea" not in text  # the textarea being typed in is never replaced


def test_two_tabs_the_later_save_is_refused_with_both_texts(mentor_user, session):
    from programs.models import MentorIntake

    # The mentor lives in Tokyo: the stored version's time is shown in their zone.
    MentorIntake.objects.for_org(session.organization).filter(participant__user=mentor_user).update(
        time_zone="Asia/Tokyo"
    )
    block = session.blocks.first()
    url = reverse("session_block_notes", args=[session.organization.slug, block.pk])
    client = client_for(mentor_user)
    client.post(url, {"notes": "From tab one", "version": 0}, **HTMX)

    response = client.post(url, {"notes": "From tab two", "version": 0}, **HTMX)

    text = response.content.decode()
    assert "Not saved." in text
    assert "From tab one" in text and "From tab two" in text
    assert "hx-swap-oob" not in text  # the version stays: nothing saves over it silently
    block.refresh_from_db()
    assert block.notes == "From tab one" and block.version == 1
    from sessions.selectors.people import zone_of

    zone = zone_of(organization=session.organization, user=mentor_user)
    assert str(zone) == "Asia/Tokyo"
    assert f"at {timezone.localtime(block.saved_at, zone):%H:%M})" in text


def test_without_javascript_a_conflict_shows_the_page_with_both_texts(mentor_user, session):
    block = session.blocks.first()
    url = reverse("session_block_notes", args=[session.organization.slug, block.pk])
    client = client_for(mentor_user)
    saved = client.post(url, {"notes": "From tab one", "version": 0})
    assert saved.status_code == 302 and saved.url.endswith(f"#block-{block.position}")
    response = client.post(url, {"notes": "From tab two", "version": 0})
    assert response.status_code == 409
    text = response.content.decode()
    assert "From tab one" in text and "From tab two" in text and "Keep mine" in text


# ------------------------------------------------------------------ the outputs


def test_a_signal_out_of_range_is_answered_with_its_range(mentor_user, session):
    velocity = number_signal(session.cohort.program, unit="reps/min", low=0, high=40)
    url = reverse("session_signal", args=[session.organization.slug, session.pk, velocity.pk])
    response = client_for(mentor_user).post(url, {"value": "55"}, **HTMX)
    assert "0 reps/min to 40 reps/min" in response.content.decode()
    assert not SignalValue.objects.for_org(session.organization).exists()
    response = client_for(mentor_user).post(url, {"value": "32"}, **HTMX)
    text = response.content.decode()
    assert "32 reps/min" in text and 'id="completion"' in text and "hx-swap-oob" in text


def test_a_rubric_tap_without_javascript_redirects_back(mentor_user, session):
    rubric = rubric_signal(session.cohort.program)
    url = reverse("session_signal", args=[session.organization.slug, session.pk, rubric.pk])
    response = client_for(mentor_user).post(url, {"value": "2"})
    assert response.status_code == 302 and response.url.endswith(f"#signal-{rubric.pk}")
    assert SignalValue.objects.for_org(session.organization).get().value == 2


def test_a_javascript_clip_link_is_refused_next_to_the_field(mentor_user, session):
    url = _url(session, "session_outcomes")
    response = client_for(mentor_user).post(url, {"clip_url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert "http:// or https://" in response.content.decode()
    session.refresh_from_db()
    assert session.clip_url == ""


def test_corrections_habit_and_actions_through_htmx(mentor_user, mentee_user, session):
    client = client_for(mentor_user)
    text = client.post(
        _url(session, "session_corrections"),
        {"correction_1": "Hips", "correction_2": "Breath", "correction_3": "Tempo"},
        **HTMX,
    ).content.decode()
    assert 'id="corrections"' in text and "Tempo" in text
    text = client.post(
        _url(session, "session_habit"),
        {"text": "Count reps", "cadence": "per_week", "times_per_week": "3"},
        **HTMX,
    ).content.decode()
    assert "Count reps" in text
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    for words in ("Film a set", "Send the plan"):
        client.post(
            _url(session, "session_action_add"),
            {"text": words, "owner": "mentee", "due_on": due},
            **HTMX,
        )
    actions = ActionItem.objects.for_org(session.organization).filter(session=session)
    assert actions.count() == 2 and {a.owner_id for a in actions} == {mentee_user.pk}
    remove = reverse("session_action_remove", args=[session.organization.slug, actions[0].pk])
    assert client_for(mentee_user).post(remove).status_code == 404
    text = client.post(remove, **HTMX).content.decode()
    assert actions.all().count() == 1 and "Send the plan" in text


def test_completing_lists_what_is_missing_then_completes_with_a_reason(mentor_user, pairing):
    session = make_session(pairing, starts_in=-timedelta(minutes=40))
    client = client_for(mentor_user)
    refused = client.post(_url(session, "session_complete"), {"reason": ""})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Still missing" in text and "Actionable corrections: 0 of 3 written" in text
    done = client.post(_url(session, "session_complete"), {"reason": "Cut short"}, follow=True)
    text = done.content.decode()
    assert "Session completed" in text and "Marked for the data-quality audit" in text
    again = client.post(_url(session, "session_complete"), {"reason": "Again"})
    assert "already completed" in again.content.decode()


def test_the_mentee_cannot_complete_or_start(mentee_user, session):
    client = client_for(mentee_user)
    assert client.post(_url(session, "session_complete"), {"reason": "x"}).status_code == 404
    assert client.post(_url(session, "session_start")).status_code == 404


def test_start_shows_the_timer(mentor_user, session):
    client = client_for(mentor_user)
    assert "Start the session" in client.get(_url(session)).content.decode()
    page = client.post(_url(session, "session_start"), follow=True).content.decode()
    assert 'id="session-timer"' in page and "session_timer" in page
    assert "Start the session" not in page


# ------------------------------------------------------------------ log after the fact


def test_log_after_the_fact_negatives(as_stranger, as_leader, as_admin, mentee_user, pairing):
    url = reverse("session_log", args=[pairing.organization.slug, pairing.pk])
    assert as_stranger.get(url).status_code == 404
    assert client_for(mentee_user).get(url).status_code == 404
    assert as_leader.get(url).status_code == 404
    assert as_admin.get(url).status_code == 404


def test_log_after_the_fact_lands_on_the_session_page(org, mentor_user, pairing):
    url = reverse("session_log", args=[org.slug, pairing.pk])
    client = client_for(mentor_user)
    assert "Log the session" in client.get(url).content.decode()
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    template = builtin(org, "on-the-floor")
    future = client.post(
        url,
        {
            "template": template.pk,
            "day": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "time": "10:00",
        },
    )
    assert future.status_code == 400 and "pick a time in the past" in future.content.decode()
    response = client.post(url, {"template": template.pk, "day": day, "time": "10:00"})
    session = Session.objects.for_org(org).get()
    assert response.status_code == 302 and response.url == _url(session)
    assert session.logged_after and session.blocks.count() == 4
    assert "Logged after the fact" in client.get(_url(session)).content.decode()


def test_log_after_query_budget(org, mentor_user, pairing):
    def grow():
        for _ in range(2):
            SessionTemplateFactory(organization=org)

    assert_flat_queries(
        client_for(mentor_user), reverse("session_log", args=[org.slug, pairing.pk]), grow, n=20
    )


# ------------------------------------------------------------------ group sessions


def test_a_group_session_is_logged_by_its_facilitator_not_by_an_attendee(
    org, pair_cohort, mentee_user
):
    from programs.models import Cohort
    from tests.factories import MembershipFactory

    cohort = pair_cohort[0]
    facilitator = MembershipFactory(organization=org).user
    Cohort.objects.for_org(org).filter(pk=cohort.pk).update(facilitator=facilitator)
    session = make_session(cohort=cohort, starts_in=-timedelta(minutes=30))
    block = session.blocks.first()
    url = reverse("session_block_notes", args=[org.slug, block.pk])
    attendee = client_for(mentee_user)
    assert attendee.post(url, {"notes": "x", "version": 0}).status_code == 404

    response = client_for(facilitator).post(url, {"notes": "Module 3: pacing", "version": 0})

    assert response.status_code == 302
    page = attendee.get(_url(session)).content.decode()
    assert "Module 3: pacing" in page and 'name="notes"' not in page
    # No one mentee: no signals, habit or actions on a group session's page.
    assert 'id="signals"' not in page and 'id="habit"' not in page
