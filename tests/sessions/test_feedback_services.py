"""The follow-up after a completed session (B1), pulse answers (S5) and kudos (S7): sent once,
answered once, refused with clear words; aggregates only from five answers."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentorship.notifications.models import Message
from programs.models import MenteeIntake
from sessions.models import Correction, Kudos, PulseAnswer, Session
from sessions.selectors.feedback import pulse_summary, recognition
from sessions.services import feedback as services
from sessions.signals import session_completed
from tests.sessions.factories import ActionItemFactory, MicroHabitFactory, make_session

pytestmark = pytest.mark.django_db


def complete(session, by=None):
    """Completing, as the logging area does it: the status, then the signal."""
    session.status = Session.Status.COMPLETED
    session.completed_at = timezone.now()
    session.completed_by = by or session.mentor
    session.save()
    session_completed.send(sender=Session, session=session, by=session.completed_by)
    return session


@pytest.fixture
def done(pairing):
    session = make_session(pairing, starts_in=-timedelta(hours=2))
    for position, text in enumerate(["Brace before the descent", "Knees out", "Slow eccentric"], 1):
        Correction.objects.create(
            organization=session.organization, session=session, position=position, text=text
        )
    MicroHabitFactory(
        session=session, pairing=pairing, mentee=pairing.mentee.user, text="Ten goblet squats"
    )
    ActionItemFactory(
        session=session,
        pairing=pairing,
        owner=pairing.mentee.user,
        text="Film one set",
        due_on=date(2027, 1, 8),
    )
    session.follow_up_on = date(2027, 1, 15)
    session.save()
    return session


def followups(org):
    return Message.objects.for_org(org).filter(kind="sessions.followup")


def test_completion_asks_both_sides_once_and_sends_the_mentee_the_summary(org, done):
    complete(done)
    complete(done)  # a second signal (a retried task, a second receiver run) adds nothing
    pulses = PulseAnswer.objects.for_org(org).filter(session=done)
    assert {(p.respondent_id, p.role) for p in pulses} == {
        (done.mentee_id, "mentee"),
        (done.mentor_id, "mentor"),
    }
    messages = {m.recipient_id: m for m in followups(org)}
    assert set(messages) == {done.mentee_id, done.mentor_id}
    mentee_mail = messages[done.mentee_id].body
    for text in ["Brace before the descent", "Knees out", "Slow eccentric", "Ten goblet squats"]:
        assert text in mentee_mail
    assert "Film one set" in mentee_mail and "due 8 January 2027" in mentee_mail
    assert "Follow-up date: Friday 15 January 2027" in mentee_mail
    mentee_pulse = pulses.get(respondent_id=done.mentee_id)
    assert f"/me/pulse/{mentee_pulse.pk}/" in mentee_mail
    mentor_mail = messages[done.mentor_id].body
    assert "Brace before the descent" not in mentor_mail
    assert f"/me/pulse/{pulses.get(respondent_id=done.mentor_id).pk}/" in mentor_mail
    assert all(m.subject_key == f"session:{done.pk}" for m in messages.values())


def test_an_uncompleted_or_group_session_gets_no_followup(org, pairing, pair_cohort):
    proposed = make_session(pairing)
    assert services.session_followup(session=proposed) == []
    group = make_session(cohort=pair_cohort[0], starts_in=-timedelta(days=1))
    complete(group, by=pairing.mentor.user)
    assert not followups(org).exists()
    assert not PulseAnswer.objects.for_org(org).exists()


def test_a_pulse_is_answered_once_by_its_respondent(org, done):
    complete(done)
    pulse = PulseAnswer.objects.for_org(org).get(respondent_id=done.mentee_id)
    with pytest.raises(ValidationError, match="Only the person asked"):
        services.pulse_answer(pulse=pulse, score=5, by=done.mentor)
    with pytest.raises(ValidationError, match="from 1 to 5"):
        services.pulse_answer(pulse=pulse, score=6, by=done.mentee)
    services.pulse_answer(pulse=pulse, score=4, comment=" Clear cues. ", by=done.mentee)
    pulse.refresh_from_db()
    assert (pulse.score, pulse.comment) == (4, "Clear cues.")
    with pytest.raises(ValidationError, match="an answer is final"):
        services.pulse_answer(pulse=pulse, score=1, by=done.mentee)
    pulse.refresh_from_db()
    assert pulse.score == 4


def _answered(session, score):
    for role, user in (("mentee", session.mentee), ("mentor", session.mentor)):
        PulseAnswer.objects.create(
            organization=session.organization,
            session=session,
            respondent=user,
            role=role,
            score=score,
            answered_at=timezone.now(),
        )


def test_the_pulse_mean_shows_only_from_five_answers(org, pairing, pair_cohort):
    cohort = pair_cohort[0]
    for score in (5, 3):
        _answered(make_session(pairing, status=Session.Status.COMPLETED), score)
    # an unanswered request does not count
    PulseAnswer.objects.create(
        organization=org,
        session=make_session(pairing, status=Session.Status.COMPLETED),
        respondent=pairing.mentee.user,
        role="mentee",
    )
    summary = pulse_summary(organization=org, cohort=cohort)
    assert (summary.count, summary.mean, summary.shown) == (4, None, False)
    assert summary.text == "4 answers: shown from 5"
    _answered(make_session(pairing, status=Session.Status.COMPLETED), 4)
    summary = pulse_summary(organization=org, cohort=cohort)
    assert summary.count == 6 and summary.mean == pytest.approx(4.0)
    assert summary.text == "4.0 of 5 (Very useful) from 6 answers"
    assert pulse_summary(organization=org, program=cohort.program).count == 6


def test_kudos_after_a_completed_session_once_each_side_up_to_280(org, pairing, done, member):
    with pytest.raises(ValidationError, match="not completed yet"):
        services.kudos_give(session=done, text="Thanks!", by=done.mentee)
    complete(done)
    with pytest.raises(ValidationError, match="two people of the session"):
        services.kudos_give(session=done, text="Thanks!", by=member)
    with pytest.raises(ValidationError) as refused:
        services.kudos_give(session=done, text="x" * 281, by=done.mentee)
    assert refused.value.message_dict["text"] == ["Kudos are up to 280 characters: this has 281."]
    kudos = services.kudos_give(session=done, text="x" * 280, by=done.mentee)
    assert kudos.recipient_id == done.mentor_id
    with pytest.raises(ValidationError, match="already sent"):
        services.kudos_give(session=done, text="Again", by=done.mentee)
    back = services.kudos_give(session=done, text="Great work this week", by=done.mentor)
    assert back.recipient_id == done.mentee_id
    assert Kudos.objects.for_org(org).filter(session=done).count() == 2


def test_recognition_counts_sessions_delivered_and_kudos_received(org, pairing, done):
    make_session(pairing)  # not delivered yet
    complete(done)
    services.kudos_give(session=done, text="Thank you", by=done.mentee)
    mentor = recognition(organization=org, user=done.mentor)
    assert (mentor.sessions_delivered, mentor.kudos) == (1, 1)
    mentee = recognition(organization=org, user=done.mentee)
    assert (mentee.sessions_delivered, mentee.kudos) == (0, 0)


def test_the_followup_dates_the_session_in_each_persons_zone(org, pairing):
    MenteeIntake.objects.for_org(org).filter(participant=pairing.mentee).update(
        time_zone="Asia/Tokyo"
    )
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 1 December in Tokyo
    complete(make_session(pairing, starts_at=late))
    bodies = {m.recipient_id: m.body for m in followups(org)}
    assert "on 1 December 2026" in bodies[pairing.mentee.user_id]
    assert "on 30 November 2026" in bodies[pairing.mentor.user_id]
