"""Upcoming-session reminders (sessions/services/reminders.py, B2): a day before and an hour
before (a program setting), to both sides in each one's zone, once per version of the
session; the pre-work prompt to the mentee; never for a cancelled or moved version."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from mentorship.notifications.models import Message, Nudge, NudgePreference
from mentorship.notifications.sweeps import run_all
from programs.models import MenteeIntake, MentorIntake
from sessions.models import Session
from sessions.services import reminders
from sessions.services import scheduling as scheduling_services
from tests.sessions.factories import SessionTemplateFactory, make_session

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
KIND = "sessions.session_reminder"
START = datetime(2027, 2, 10, 15, 0, tzinfo=UTC)


def sweep(org, now):
    return reminders.session_reminders_send(organization=org, now=now)


def nudges(org, **filters):
    return Nudge.objects.for_org(org).filter(kind=KIND, **filters)


def settings_of(pairing, **values):
    rules = pairing.cohort.program.reminders
    for name, value in values.items():
        setattr(rules, name, value)
    rules.save()
    return rules


def zone(pairing, *, mentee=None, mentor=None):
    org = pairing.organization
    if mentee:
        MenteeIntake.objects.for_org(org).filter(participant=pairing.mentee).update(
            time_zone=mentee
        )
    if mentor:
        MentorIntake.objects.for_org(org).filter(participant=pairing.mentor).update(
            time_zone=mentor
        )


@pytest.fixture
def upcoming(pairing):
    """A confirmed session of ``pairing`` at START (confirmed now, long before)."""
    return make_session(pairing, starts_at=START)


# --- not before, not for what is not confirmed, not when switched off


def test_nothing_is_sent_before_the_day_before(org, upcoming):
    assert sweep(org, START - timedelta(hours=24, minutes=1)) == 0
    assert not nudges(org).exists()


@pytest.mark.parametrize(
    "status", [Session.Status.CANCELLED, Session.Status.PROPOSED, Session.Status.COMPLETED]
)
def test_a_session_not_confirmed_is_not_reminded_of(org, upcoming, status):
    Session.objects.for_org(org).filter(pk=upcoming.pk).update(status=status)
    assert sweep(org, START - timedelta(hours=20)) == 0
    assert not nudges(org).exists()


def test_a_concluded_pairing_s_session_is_not_reminded_of(org, upcoming, pairing):
    pairing.status = pairing.Status.CONCLUDED
    pairing.save()
    assert sweep(org, START - timedelta(hours=20)) == 0


def test_the_day_before_switched_off_sends_nothing(org, upcoming, pairing):
    settings_of(pairing, session_day_before=False)
    assert sweep(org, START - timedelta(hours=20)) == 0
    assert sweep(org, START - timedelta(minutes=30)) == 0  # the hour-before is off by default
    assert not nudges(org).exists()


def test_a_session_confirmed_within_the_day_gets_no_day_before_reminder(org, pairing):
    session = make_session(pairing, starts_at=START)
    Session.objects.for_org(org).filter(pk=session.pk).update(
        confirmed_at=START - timedelta(hours=5)
    )
    assert sweep(org, START - timedelta(hours=4)) == 0


def test_a_session_that_has_started_is_not_reminded_of(org, upcoming):
    assert sweep(org, START + timedelta(minutes=1)) == 0


# --- at its time, once, to both sides


def test_a_day_before_both_sides_are_reminded_once(org, upcoming, mentor_user, mentee_user):
    now = START - timedelta(hours=24)
    assert sweep(org, now) == 2
    assert sweep(org, now + timedelta(minutes=1)) == 0
    assert sweep(org, START - timedelta(hours=2)) == 0
    rows = nudges(org)
    assert {n.recipient for n in rows} == {mentor_user, mentee_user}
    assert {n.period for n in rows} == {"day-before-seq0"}
    assert {n.subject_key for n in rows} == {f"session:{upcoming.pk}"}
    assert Message.objects.for_org(org).filter(kind=KIND).count() == 2
    mentor_nudge = rows.get(recipient=mentor_user)
    assert mentor_nudge.title == (
        f"Reminder: {upcoming.title} with {mentee_user.name or mentee_user.email} "
        "tomorrow at 15:00 (UTC)"
    )
    assert mentor_nudge.link.endswith(f"/o/{org.slug}/sessions/{upcoming.pk}/")


def test_the_sweep_registered_for_the_beat_sends_it(org, upcoming):
    results = run_all(organization=org, now=START - timedelta(hours=3))
    assert results["sessions.session_reminders"] == 2


def test_the_hour_before_is_sent_when_the_program_asks(org, upcoming, pairing):
    settings_of(pairing, session_hour_before=True)
    assert sweep(org, START - timedelta(hours=23)) == 2
    assert sweep(org, START - timedelta(minutes=61)) == 0
    assert sweep(org, START - timedelta(minutes=60)) == 2
    assert sweep(org, START - timedelta(minutes=59)) == 0
    hour = nudges(org, period="hour-before-seq0")
    assert hour.count() == 2
    assert all(n.title.startswith("Starting soon: ") and "today at 15:00" in n.title for n in hour)


def test_the_day_before_is_not_sent_once_the_hour_before_is_due(org, upcoming, pairing):
    """A sweep that first runs within the hour (the worker was down) sends one reminder."""
    settings_of(pairing, session_hour_before=True)
    assert sweep(org, START - timedelta(minutes=30)) == 2
    assert set(nudges(org).values_list("period", flat=True)) == {"hour-before-seq0"}


def test_without_the_hour_before_a_late_sweep_still_sends_the_day_before(org, upcoming):
    assert sweep(org, START - timedelta(minutes=30)) == 2
    assert set(nudges(org).values_list("period", flat=True)) == {"day-before-seq0"}


# --- moved and cancelled


def test_a_moved_session_is_reminded_of_at_its_new_time_only(
    org, upcoming, mentor_user, mentee_user
):
    assert sweep(org, START - timedelta(hours=20)) == 2
    later = START + timedelta(days=3)
    upcoming = scheduling_services.session_reschedule(
        session=upcoming, starts_at=later, reason="Clinic moved", by=mentor_user
    )
    assert sweep(org, START - timedelta(hours=1)) == 0  # proposed again: not confirmed
    upcoming = scheduling_services.session_confirm(session=upcoming, by=mentee_user)
    Session.objects.for_org(org).filter(pk=upcoming.pk).update(
        confirmed_at=later - timedelta(days=2)
    )
    assert sweep(org, later - timedelta(hours=25)) == 0
    assert sweep(org, later - timedelta(hours=24)) == 2
    assert set(nudges(org).values_list("period", flat=True)) == {
        "day-before-seq0",
        "day-before-seq1",
    }
    new = nudges(org, period="day-before-seq1", recipient=mentee_user).get()
    assert "tomorrow at 15:00" in new.title


def test_a_reminder_waiting_for_quiet_hours_is_withdrawn_when_the_session_is_cancelled(
    org, upcoming, mentor_user, mentee_user
):
    NudgePreference.objects.create(
        organization=org,
        user=mentee_user,
        quiet_from=time(0, 0),
        quiet_until=time(23, 59),
    )
    now = START - timedelta(hours=20)  # 19:00 UTC: quiet for the mentee
    assert sweep(org, now) == 2
    waiting = Message.objects.for_org(org).get(kind=KIND, recipient=mentee_user)
    assert waiting.not_before is not None
    sent_now = Message.objects.for_org(org).get(kind=KIND, recipient=mentor_user)
    Message.objects.for_org(org).filter(pk=sent_now.pk).update(status=Message.Status.SENT)
    scheduling_services.session_cancel(session=upcoming, reason="Unwell", by=mentor_user)
    assert sweep(org, now + timedelta(minutes=1)) == 0
    assert not Message.objects.for_org(org).filter(pk=waiting.pk).exists()
    assert Message.objects.for_org(org).filter(pk=sent_now.pk).exists()  # not ours to undo
    mentee_nudge = nudges(org, recipient=mentee_user).get()
    assert mentee_nudge.email == Nudge.Email.NONE
    assert mentee_nudge.read_at is not None


def test_a_claimed_reminder_is_left_to_the_worker_that_claimed_it(org, upcoming, mentor_user):
    now = START - timedelta(hours=20)
    sweep(org, now)
    Message.objects.for_org(org).filter(kind=KIND).update(claimed_at=now, claimed_by="w1")
    Session.objects.for_org(org).filter(pk=upcoming.pk).update(
        status=Session.Status.CANCELLED, sequence=1
    )
    reminders.session_reminders_withdraw(organization=org, now=now)
    assert Message.objects.for_org(org).filter(kind=KIND).count() == 2


def test_a_reminder_in_the_digest_is_withdrawn_when_the_session_moves(org, upcoming, mentee_user):
    NudgePreference.objects.create(
        organization=org, user=mentee_user, channels={"sessions": "digest"}
    )
    now = START - timedelta(hours=20)
    sweep(org, now)
    waiting = nudges(org, recipient=mentee_user).get()
    assert waiting.email == Nudge.Email.DIGEST
    Session.objects.for_org(org).filter(pk=upcoming.pk).update(
        starts_at=START + timedelta(days=1), sequence=1
    )
    # the mentee's digest nudge, and the mentor's e-mail (not delivered yet here)
    assert reminders.session_reminders_withdraw(organization=org, now=now) == 2
    waiting.refresh_from_db()
    assert waiting.email == Nudge.Email.NONE


# --- each person's zone, across the clock changes


def test_each_side_reads_the_time_in_their_own_zone(org, pairing, mentor_user, mentee_user):
    zone(pairing, mentee="Europe/Berlin", mentor="America/New_York")
    make_session(pairing, starts_at=START)
    sweep(org, START - timedelta(hours=23))
    mentee = nudges(org, recipient=mentee_user).get()
    mentor = nudges(org, recipient=mentor_user).get()
    assert "tomorrow at 16:00 (Europe/Berlin)" in mentee.title
    assert "tomorrow at 10:00 (America/New_York)" in mentor.title
    body = Message.objects.for_org(org).get(kind=KIND, recipient=mentee_user).body
    assert "tomorrow at 16:00 (Europe/Berlin)" in body


@pytest.mark.parametrize(
    ("starts_at", "hours_before", "words"),
    [
        # The clocks went forward on Sunday 28 March 2027: Monday 09:00 is 08:00 UTC; the
        # day before, Sunday 08:00 UTC, is 09:00 BST.
        (datetime(2027, 3, 29, 8, 0, tzinfo=UTC), 24, "tomorrow at 09:00 (Europe/London)"),
        # They went back on Sunday 31 October 2027: Monday 09:00 is 09:00 UTC.
        (datetime(2027, 11, 1, 9, 0, tzinfo=UTC), 24, "tomorrow at 09:00 (Europe/London)"),
        # Late on Saturday 27 March (GMT) for Sunday morning after the change (BST).
        (datetime(2027, 3, 28, 8, 30, tzinfo=UTC), 10, "tomorrow at 09:30 (Europe/London)"),
    ],
)
def test_the_time_is_right_across_a_clock_change_in_london(
    org, pairing, mentee_user, starts_at, hours_before, words
):
    zone(pairing, mentee="Europe/London")
    make_session(pairing, starts_at=starts_at)
    assert sweep(org, starts_at - timedelta(hours=24, minutes=1)) == 0
    sweep(org, starts_at - timedelta(hours=hours_before))
    assert words in nudges(org, recipient=mentee_user).get().title


def test_when_words_name_a_later_day_by_its_date():
    london = ZoneInfo("Europe/London")
    now = datetime(2027, 3, 27, 23, 30, tzinfo=UTC)
    assert reminders.when_words(datetime(2027, 3, 28, 8, 0, tzinfo=UTC), now, london) == (
        "tomorrow at 09:00"
    )
    assert reminders.when_words(datetime(2027, 3, 27, 23, 45, tzinfo=UTC), now, london) == (
        "today at 23:45"
    )
    assert reminders.when_words(datetime(2027, 3, 29, 8, 0, tzinfo=UTC), now, london) == (
        "on Monday 29 March at 09:00"
    )


# --- the pre-work prompt


@pytest.fixture
def prework_session(org, pairing):
    template = SessionTemplateFactory(
        organization=org,
        requires_pre_work=True,
        pre_work_prompt="Film one set and note what felt off.",
    )
    return make_session(pairing, template=template, starts_at=START)


def test_the_mentee_without_pre_work_is_asked_for_it(org, prework_session, mentee_user):
    sweep(org, START - timedelta(hours=20))
    nudge = nudges(org, recipient=mentee_user).get()
    assert "pre-work is not written yet" in nudge.detail
    body = Message.objects.for_org(org).get(kind=KIND, recipient=mentee_user).body
    assert "Film one set and note what felt off." in body
    mentor_body = Message.objects.for_org(org).exclude(recipient=mentee_user).get(kind=KIND).body
    assert "pre-work" not in mentor_body


def test_the_mentee_with_pre_work_is_not_asked(org, prework_session, mentee_user):
    Session.objects.for_org(org).filter(pk=prework_session.pk).update(pre_work="Done: see clip")
    sweep(org, START - timedelta(hours=20))
    body = Message.objects.for_org(org).get(kind=KIND, recipient=mentee_user).body
    assert "pre-work" not in body


def test_the_pre_work_prompt_switched_off_is_not_sent(org, prework_session, pairing, mentee_user):
    settings_of(pairing, session_prework_prompt=False)
    sweep(org, START - timedelta(hours=20))
    body = Message.objects.for_org(org).get(kind=KIND, recipient=mentee_user).body
    assert "pre-work" not in body


# --- the other organisation, the cost of a sweep


def test_another_organisation_is_untouched(org, other_org, upcoming):
    assert (
        reminders.session_reminders_send(organization=other_org, now=START - timedelta(hours=20))
        == 0
    )
    assert not Nudge.objects.for_org(other_org).exists()
    assert sweep(org, START - timedelta(hours=20)) == 2
    assert not Nudge.objects.for_org(other_org).exists()


@pytest.mark.parametrize("sessions", [1, 6])
def test_a_sweep_with_nothing_left_to_send_costs_the_same_at_any_size(
    org, pair_cohort, django_assert_max_num_queries, sessions
):
    _, pairing, other = pair_cohort
    for n in range(sessions):
        make_session(
            pairing if n % 2 else other,
            starts_at=START + timedelta(minutes=90 * n),
        )
    now = START - timedelta(hours=16)
    assert sweep(org, now) == 2 * sessions
    Message.objects.for_org(org).update(status=Message.Status.SENT)
    # waiting e-mails, nudges waiting for the digest, the sessions, the nudges sent
    with django_assert_max_num_queries(4):
        assert sweep(org, now + timedelta(minutes=1)) == 0
    with django_assert_max_num_queries(3):
        assert sweep(org, START - timedelta(days=3)) == 0


def test_a_title_that_names_the_other_person_does_not_name_them_twice(
    org, pairing, mentor_user, mentee_user
):
    mentor_user.name = "Leila Haddad"
    mentor_user.save()
    make_session(pairing, starts_at=START, title="Office hours with Leila Haddad")
    sweep(org, START - timedelta(hours=20))
    assert nudges(org, recipient=mentee_user).get().title == (
        "Reminder: Office hours with Leila Haddad tomorrow at 15:00 (UTC)"
    )


# --- group sessions


@pytest.fixture
def group_session(org, pair_cohort, admin):
    cohort = pair_cohort[0]
    return make_session(cohort=cohort, starts_at=START, mentor=admin, title="Weekly module: week 3")


def test_a_group_session_reminds_its_host_and_the_cohort_s_active_people(
    org, group_session, pair_cohort, admin
):
    from programs.models import Participant

    cohort = group_session.cohort
    people = list(cohort.participants.exclude(role="facilitator").select_related("user"))
    gone = people[0]
    Participant.objects.for_org(org).filter(pk=gone.pk).update(status="withdrawn")
    assert sweep(org, START - timedelta(hours=24, minutes=1)) == 0
    assert sweep(org, START - timedelta(hours=20)) == len(people)  # the host, less one gone
    assert sweep(org, START - timedelta(hours=19)) == 0
    rows = nudges(org)
    assert {n.recipient for n in rows} == {admin} | {p.user for p in people[1:]}
    title = f"Reminder: Weekly module: week 3 ({cohort.name}) tomorrow at 15:00 (UTC)"
    host = rows.get(recipient=admin)
    assert (host.title, host.detail) == (
        title.replace("(UTC)", "(Europe/London)"),  # the admin has no intake: the org's zone
        "You run it.",
    )
    assert rows.exclude(recipient=admin).first().title == title


def test_a_completed_cohort_s_group_session_is_not_reminded_of(org, group_session):
    from programs.models import Cohort

    Cohort.objects.for_org(org).filter(pk=group_session.cohort_id).update(status="completed")
    assert sweep(org, START - timedelta(hours=20)) == 0


def test_one_reminder_that_fails_does_not_undo_the_others(org, upcoming, mentee_user, monkeypatch):
    real = reminders.nudge_send

    def failing(kind, **kwargs):
        if kwargs["user"] == mentee_user:
            raise RuntimeError("the template broke")
        return real(kind, **kwargs)

    monkeypatch.setattr(reminders, "nudge_send", failing)
    assert sweep(org, START - timedelta(hours=20)) == 1
    assert nudges(org).get().recipient != mentee_user
    monkeypatch.setattr(reminders, "nudge_send", real)
    assert sweep(org, START - timedelta(hours=19)) == 1  # the next sweep sends it
    assert nudges(org, recipient=mentee_user).exists()
