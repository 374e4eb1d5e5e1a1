"""Scheduling services (S2, S3): propose, confirm, another time, reschedule, cancel, no-show,
pre-work; the refusals (past, overlap, cap, ended pairing, outsiders); the e-mails with the
invitation, once each."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from matching.models import Pairing
from mentorship.notifications.models import Message
from programs.models import MenteeIntake
from sessions.models import Session, SessionKind
from sessions.services import scheduling as svc
from tests.factories import UserFactory
from tests.sessions.factories import builtin, make_session

UTC = ZoneInfo("UTC")


def at(days, hour=10, minute=0, zone=UTC):
    """A time ``days`` from today at ``hour``:``minute`` in ``zone``."""
    day = timezone.now().astimezone(zone).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def monday_in(weeks, hour=10):
    today = timezone.now().astimezone(UTC).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
    return datetime(monday.year, monday.month, monday.day, hour, tzinfo=UTC)


def messages(org, kind=None):
    rows = Message.objects.for_org(org).order_by("pk")
    return list(rows.filter(kind=kind) if kind else rows)


def propose(pairing, by, starts_at=None, key="on-the-floor", **extra):
    return svc.session_propose(
        pairing=pairing,
        template=builtin(pairing.organization, key),
        starts_at=starts_at or at(3),
        by=by,
        **extra,
    )


# --- refusals first ---------------------------------------------------------------------------


def test_a_time_in_the_past_is_refused(pairing, mentor_user, org):
    with pytest.raises(ValidationError, match="in the future"):
        propose(pairing, mentor_user, starts_at=timezone.now() - timedelta(minutes=1))
    assert not Session.objects.for_org(org).exists()
    assert messages(org) == []


def test_someone_outside_the_pair_is_refused(pair_cohort, org):
    _, pairing, other = pair_cohort
    with pytest.raises(ValidationError, match="mentor and mentee"):
        propose(pairing, other.mentor.user)
    with pytest.raises(ValidationError, match="mentor and mentee"):
        propose(pairing, UserFactory())
    assert not Session.objects.for_org(org).exists()


@pytest.mark.parametrize("status", [Pairing.Status.CONCLUDED, Pairing.Status.PENDING])
def test_a_pairing_that_is_not_active_is_refused(pairing, mentor_user, org, status):
    Pairing.objects.for_org(org).filter(pk=pairing.pk).update(status=status)
    with pytest.raises(ValidationError, match="ended|not active"):
        propose(pairing, mentor_user)
    assert not Session.objects.for_org(org).exists()


def test_a_template_the_program_does_not_use_is_refused(pairing, mentor_user, org):
    with pytest.raises(ValidationError) as refused:
        propose(pairing, mentor_user, key="cohort-weekly-module")
    assert "program's session templates" in str(refused.value) or "program" in str(refused.value)
    assert not Session.objects.for_org(org).exists()


def test_an_overlap_with_the_partners_other_session_is_refused_naming_it(pair_cohort, org):
    _, pairing, other = pair_cohort
    mentee = pairing.mentee.user
    # The mentee also has a topic mentor: that pair's remote review at 14:00-14:20.
    topic = Pairing.objects.for_org(org).create(
        organization=org,
        cohort=pairing.cohort,
        mentee=pairing.mentee,
        mentor=other.mentor,
        kind=Pairing.Kind.TOPIC,
        status=Pairing.Status.ACTIVE,
        accepted_at=timezone.now(),
    )
    make_session(topic, template=builtin(org, "remote-review"), starts_at=at(4, 14))
    with pytest.raises(ValidationError) as refused:
        propose(pairing, pairing.mentor.user, starts_at=at(4, 13, 45))
    name = mentee.name or mentee.email
    assert refused.value.message_dict["starts_at"] == [
        f"{name} has \u201cRemote review\u201d 14:00\u201314:20 that day."
    ]
    # Right after it is fine.
    assert propose(pairing, pairing.mentor.user, starts_at=at(4, 14, 20)).pk


def test_an_overlap_with_ones_own_session_says_you(pairing, mentor_user, org):
    make_session(pairing, starts_at=at(4, 9))
    with pytest.raises(ValidationError, match="^.*You have \u201cOn-the-floor session\u201d 09:00"):
        propose(pairing, mentor_user, starts_at=at(4, 9, 15))


def test_a_cancelled_session_does_not_block_the_time(pairing, mentor_user):
    make_session(pairing, starts_at=at(4, 9), status=Session.Status.CANCELLED)
    assert propose(pairing, mentor_user, starts_at=at(4, 9)).pk


def test_the_weekly_cap_counts_the_mentees_week_and_names_it(pairing, mentor_user, org):
    program = pairing.cohort.program
    assert program.micro_touch_cap == 2
    monday = monday_in(2)
    make_session(pairing, starts_at=monday)
    make_session(pairing, starts_at=monday + timedelta(days=2))
    mentee = pairing.mentee.user
    with pytest.raises(ValidationError) as refused:
        propose(pairing, mentor_user, starts_at=monday + timedelta(days=6, hours=8))
    assert refused.value.message_dict["starts_at"] == [
        f"{mentee.name or mentee.email} already has 2 sessions in the week of "
        f"{monday.day} {monday:%B}, the program\u2019s limit."
    ]
    # The next Monday is another week; a cancelled session and group sessions do not count.
    assert propose(pairing, mentor_user, starts_at=monday + timedelta(days=7)).pk
    Session.objects.for_org(org).filter(starts_at=monday).update(status=Session.Status.CANCELLED)
    make_session(None, cohort=pairing.cohort, starts_at=monday + timedelta(days=3))
    assert propose(pairing, mentor_user, starts_at=monday + timedelta(days=4)).pk


def test_the_week_is_the_mentees_week_in_the_mentees_zone(pairing, mentor_user, org):
    """Sunday 23:30 in UTC is already Monday in Auckland: for a mentee there, it counts in
    the next week."""
    MenteeIntake.objects.for_org(org).filter(participant=pairing.mentee).update(
        time_zone="Pacific/Auckland"
    )
    monday = monday_in(2)
    make_session(pairing, starts_at=monday)
    make_session(pairing, starts_at=monday + timedelta(days=1))
    sunday_night_utc = monday + timedelta(days=6, hours=13, minutes=30)  # Sunday 23:30 UTC
    assert propose(pairing, mentor_user, starts_at=sunday_night_utc).pk


def test_moving_into_a_full_week_is_refused_and_nothing_changes(pairing, mentor_user, org):
    monday = monday_in(3)
    make_session(pairing, starts_at=monday)
    make_session(pairing, starts_at=monday + timedelta(days=1))
    session = make_session(pairing, starts_at=monday + timedelta(days=9))
    with pytest.raises(ValidationError, match="the program\u2019s limit"):
        svc.session_reschedule(
            session=session, starts_at=monday + timedelta(days=3), reason="Clash", by=mentor_user
        )
    session.refresh_from_db()
    assert (session.starts_at, session.sequence, session.status) == (
        monday + timedelta(days=9),
        0,
        Session.Status.CONFIRMED,
    )
    assert messages(org) == []


def test_a_ranged_template_takes_a_length_in_its_range(pairing, mentee_user):
    with pytest.raises(ValidationError, match="15 to 45 minutes"):
        propose(pairing, mentee_user, key="micro-mentoring", minutes=60)
    session = propose(pairing, mentee_user, key="micro-mentoring", minutes=20)
    assert session.kind == SessionKind.MICRO
    assert sum(block.minutes for block in session.blocks.all()) == 20


# --- the path ---------------------------------------------------------------------------------


def test_propose_creates_the_session_with_its_blocks_and_tells_the_other_side(
    pairing, mentor_user, mentee_user, org
):
    session = propose(pairing, mentor_user, location="Studio 2")
    assert session.status == Session.Status.PROPOSED
    assert (session.mentor, session.mentee, session.proposed_by) == (
        mentor_user,
        mentee_user,
        mentor_user,
    )
    assert (session.kind, session.title, session.cohort) == (
        SessionKind.ONE_TO_ONE,
        "On-the-floor session",
        pairing.cohort,
    )
    assert [b.minutes for b in session.blocks.all()] == [5, 10, 10, 5]
    [message] = messages(org)
    assert (message.kind, message.recipient, message.period) == (
        "sessions.session_proposed",
        mentee_user,
        "seq0",
    )
    assert message.attachments == []
    assert "Studio 2" in message.body


def test_the_proposer_cannot_confirm_their_own_time(pairing, mentor_user):
    session = propose(pairing, mentor_user)
    with pytest.raises(ValidationError, match="You proposed this time"):
        svc.session_confirm(session=session, by=mentor_user)


def test_confirm_sends_both_sides_the_invitation_once(pairing, mentor_user, mentee_user, org):
    session = propose(pairing, mentor_user)
    svc.session_confirm(session=session, by=mentee_user)
    with pytest.raises(ValidationError, match="already confirmed"):
        svc.session_confirm(session=session, by=mentee_user)
    confirmed = messages(org, "sessions.session_confirmed")
    assert sorted(m.recipient_id for m in confirmed) == sorted([mentor_user.pk, mentee_user.pk])
    for message in confirmed:
        assert message.period == "seq0"
        [attachment] = message.attachments
        assert attachment["content_type"] == "text/calendar; method=REQUEST"
        calendar = Calendar.from_ical(attachment["content"])
        [event] = calendar.events
        assert calendar["METHOD"] == "REQUEST"
        assert str(event["UID"]) == f"session-{session.uid}@mentorship"
        assert int(event["SEQUENCE"]) == 0
    session.refresh_from_db()
    assert (session.status, session.confirmed_by) == (Session.Status.CONFIRMED, mentee_user)


def test_the_other_side_proposes_another_time_and_the_first_confirms(
    pairing, mentor_user, mentee_user, org
):
    session = propose(pairing, mentor_user, starts_at=at(3, 9))
    with pytest.raises(ValidationError, match="Reschedule"):
        svc.session_counter_propose(session=session, starts_at=at(3, 11), by=mentor_user)
    svc.session_counter_propose(session=session, starts_at=at(3, 11), by=mentee_user)
    session.refresh_from_db()
    assert (session.starts_at, session.proposed_by, session.sequence) == (
        at(3, 11),
        mentee_user,
        1,
    )
    assert [m.recipient for m in messages(org, "sessions.session_proposed")] == [
        mentee_user,
        mentor_user,
    ]
    with pytest.raises(ValidationError, match="You proposed"):
        svc.session_confirm(session=session, by=mentee_user)
    svc.session_confirm(session=session, by=mentor_user)
    assert {m.period for m in messages(org, "sessions.session_confirmed")} == {"seq1"}


def test_reschedule_of_a_confirmed_session_raises_the_sequence_and_asks_again(
    pairing, mentor_user, mentee_user, org
):
    session = make_session(pairing, starts_at=at(5, 10))
    with pytest.raises(ValidationError, match="why"):
        svc.session_reschedule(session=session, starts_at=at(6, 10), reason=" ", by=mentor_user)
    svc.session_reschedule(
        session=session, starts_at=at(6, 10), reason="Gym closed", by=mentor_user
    )
    session.refresh_from_db()
    assert (session.status, session.sequence, session.reschedule_count) == (
        Session.Status.PROPOSED,
        1,
        1,
    )
    assert (session.proposed_by, session.reschedule_reason) == (mentor_user, "Gym closed")
    moved = messages(org, "sessions.session_rescheduled")
    assert len(moved) == 2
    for message in moved:
        event = Calendar.from_ical(message.attachments[0]["content"]).events[0]
        assert int(event["SEQUENCE"]) == 1
        assert event.start == at(6, 10)
        assert "Gym closed" in message.body
    # The mentor moved it: the mentee confirms the new time, and both get SEQUENCE 1 again.
    svc.session_confirm(session=session, by=mentee_user)
    svc.session_reschedule(session=session, starts_at=at(7, 10), reason="Ill", by=mentee_user)
    session.refresh_from_db()
    assert (session.sequence, session.reschedule_count) == (2, 2)
    assert sorted(m.period for m in messages(org, "sessions.session_rescheduled")) == [
        "seq1",
        "seq1",
        "seq2",
        "seq2",
    ]


def test_cancel_needs_a_reason_marks_late_cancels_and_sends_cancel(
    pairing, mentor_user, mentee_user, org
):
    session = make_session(pairing, starts_at=timezone.now() + timedelta(hours=5))
    with pytest.raises(ValidationError, match="why"):
        svc.session_cancel(session=session, reason="", by=mentee_user)
    svc.session_cancel(session=session, reason="Sick", by=mentee_user)
    session.refresh_from_db()
    assert (session.status, session.cancelled_late, session.sequence, session.cancel_reason) == (
        Session.Status.CANCELLED,
        True,
        1,
        "Sick",
    )
    cancelled = messages(org, "sessions.session_cancelled")
    assert len(cancelled) == 2
    for message in cancelled:
        calendar = Calendar.from_ical(message.attachments[0]["content"])
        assert calendar["METHOD"] == "CANCEL"
        assert int(calendar.events[0]["SEQUENCE"]) == 1
        assert str(calendar.events[0]["STATUS"]) == "CANCELLED"
    with pytest.raises(ValidationError, match="cancelled"):
        svc.session_cancel(session=session, reason="Again", by=mentee_user)
    assert len(messages(org, "sessions.session_cancelled")) == 2


def test_cancelling_a_proposal_tells_only_the_other_side_without_a_calendar(
    pairing, mentor_user, mentee_user, org
):
    session = propose(pairing, mentor_user, starts_at=at(9))
    svc.session_cancel(session=session, reason="Changed my mind", by=mentor_user)
    [message] = messages(org, "sessions.session_cancelled")
    assert (message.recipient, message.attachments) == (mentee_user, [])
    session.refresh_from_db()
    assert session.cancelled_late is False


def test_no_show_only_after_the_start_and_naming_one_of_the_pair(
    pairing, mentor_user, mentee_user, pair_cohort
):
    session = make_session(pairing, starts_at=at(2))
    with pytest.raises(ValidationError, match="once the session has started"):
        svc.session_no_show(session=session, absent=mentee_user, by=mentor_user)
    Session.objects.for_org(pairing.organization).filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=30)
    )
    with pytest.raises(ValidationError, match="mentor or the mentee"):
        svc.session_no_show(session=session, absent=pair_cohort[2].mentee.user, by=mentor_user)
    svc.session_no_show(session=session, absent=mentee_user, by=mentor_user)
    session.refresh_from_db()
    assert (session.status, session.no_show_of, session.no_show_marked_by) == (
        Session.Status.NO_SHOW,
        mentee_user,
        mentor_user,
    )
    with pytest.raises(ValidationError, match="only a confirmed"):
        svc.session_no_show(session=session, absent=mentor_user, by=mentee_user)


def test_pre_work_is_the_mentees_and_records_when(pairing, mentor_user, mentee_user):
    session = make_session(pairing)
    with pytest.raises(ValidationError, match="Only the mentee"):
        svc.pre_work_save(session=session, text="Notes", by=mentor_user)
    svc.pre_work_save(session=session, text="  My squat stalls at the bottom. ", by=mentee_user)
    session.refresh_from_db()
    assert session.pre_work == "My squat stalls at the bottom."
    assert session.pre_work_at is not None
    svc.pre_work_save(session=session, text="", by=mentee_user)
    session.refresh_from_db()
    assert (session.pre_work, session.pre_work_at) == ("", None)


def test_group_sessions_are_not_scheduled_here(pairing, mentor_user):
    group = make_session(None, cohort=pairing.cohort, mentor=mentor_user)
    with pytest.raises(ValidationError, match="facilitator"):
        svc.session_cancel(session=group, reason="No", by=mentor_user)


def test_a_session_of_an_ended_pairing_is_not_moved_or_confirmed(
    pairing, mentor_user, mentee_user, org
):
    session = propose(pairing, mentor_user)
    Pairing.objects.for_org(org).filter(pk=pairing.pk).update(status=Pairing.Status.CONCLUDED)
    with pytest.raises(ValidationError, match="ended"):
        svc.session_confirm(session=session, by=mentee_user)
    with pytest.raises(ValidationError, match="ended"):
        svc.session_reschedule(session=session, starts_at=at(8), reason="x", by=mentee_user)
    # Cancelling is still possible.
    svc.session_cancel(session=session, reason="The pairing ended", by=mentee_user)


def test_the_confirmation_email_is_delivered_with_the_invitation_in_the_recipients_zone(
    pairing, mentor_user, mentee_user, org, settings
):
    import vobject
    from django.core import mail

    from mentorship.notifications.delivery import message_deliver

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    MenteeIntake.objects.for_org(org).filter(participant=pairing.mentee).update(
        time_zone="Europe/London"
    )
    starts_at = datetime(2027, 3, 29, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    session = propose(pairing, mentor_user, starts_at=starts_at)
    svc.session_confirm(session=session, by=mentee_user)
    message = Message.objects.for_org(org).get(
        kind="sessions.session_confirmed", recipient=mentee_user
    )
    message_deliver(organization=org, message_id=message.pk)
    [sent] = mail.outbox
    assert "Monday 29 March 2027, 09:00" in sent.subject
    [part] = [p for p in sent.message().walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    event = vobject.readOne(part.get_payload(decode=True).decode()).vevent
    assert event.dtstart.value == starts_at
    assert "TZID=Europe/London" in part.get_payload(decode=True).decode()


def test_a_directory_session_without_a_pairing_is_scheduled_by_its_two_people(
    pairing, mentor_user, mentee_user, org
):
    """A micro session from an accepted directory request has a mentor and a mentee but no
    pairing (and no program's cap): its people confirm, move and cancel it as a pair does."""
    template = builtin(org, "micro-mentoring")
    session = Session.objects.create(
        organization=org,
        kind=SessionKind.MICRO,
        mentor=mentor_user,
        mentee=mentee_user,
        template=template,
        template_name=template.name,
        title=template.name,
        starts_at=at(6, 15),
        minutes=30,
        status=Session.Status.PROPOSED,
        proposed_by=mentee_user,
    )
    with pytest.raises(ValidationError, match="mentor and mentee"):
        svc.session_confirm(session=session, by=UserFactory())
    svc.session_confirm(session=session, by=mentor_user)
    svc.session_reschedule(session=session, starts_at=at(7, 15), reason="Clash", by=mentor_user)
    session.refresh_from_db()
    assert (session.status, session.sequence, session.starts_at) == ("proposed", 1, at(7, 15))
    svc.session_cancel(session=session, reason="No longer needed", by=mentee_user)
    assert len(messages(org, "sessions.session_cancelled")) == 2
