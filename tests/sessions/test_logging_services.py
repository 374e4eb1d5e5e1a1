"""Logging a session (sessions/services/logging.py): every refusal first, then what each write
does. The session fixture is a confirmed on-the-floor session of an active pairing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.models import Pairing
from sessions.models import ActionItem, Correction, MicroHabit, Session, SessionBlock, SignalValue
from sessions.services import logging as services
from sessions.signals import session_completed
from tests.sessions.factories import builtin, make_session, number_signal, rubric_signal

pytestmark = pytest.mark.django_db


@pytest.fixture
def past(pairing):
    """A confirmed on-the-floor session that began an hour ago."""
    return make_session(pairing, starts_in=-timedelta(hours=1))


def _fill(session, by):
    """Give ``session`` every output the on-the-floor blocks ask for."""
    program = session.cohort.program
    for block in session.blocks.all():
        services.block_notes_save(block=block, notes=f"Notes of {block.title}", version=0, by=by)
    services.signal_record(session=session, signal_type=rubric_signal(program), value=4, by=by)
    services.corrections_save(session=session, texts=["One", "Two", "Three"], by=by)
    services.habit_save(session=session, text="Cue the first rep", cadence="daily", by=by)


# ------------------------------------------------------------------ who and when


@pytest.mark.parametrize(
    "status, words",
    [
        (Session.Status.CANCELLED, "was cancelled"),
        (Session.Status.NO_SHOW, "was a no-show"),
        (Session.Status.PROPOSED, "not confirmed yet"),
        (Session.Status.COMPLETED, "completed: its log is closed"),
    ],
)
def test_a_session_in_these_states_cannot_be_logged(pairing, mentor_user, status, words):
    session = make_session(pairing, status=status)
    block = session.blocks.first()
    with pytest.raises(ValidationError, match=words):
        services.block_notes_save(block=block, notes="x", version=0, by=mentor_user)
    with pytest.raises(ValidationError, match=words):
        services.corrections_save(session=session, texts=["x"], by=mentor_user)
    block.refresh_from_db()
    assert block.notes == "" and block.version == 0


def test_a_session_of_an_ended_pairing_cannot_be_logged(pairing, session, mentor_user):
    Pairing.objects.for_org(pairing.organization).filter(pk=pairing.pk).update(
        status=Pairing.Status.CONCLUDED
    )
    session.pairing.refresh_from_db()
    with pytest.raises(ValidationError, match="pairing is concluded"):
        services.session_start(session=session, by=mentor_user)


def test_only_the_mentor_logs(session, mentee_user, pair_cohort):
    other_mentor = pair_cohort[2].mentor.user
    for person in (mentee_user, other_mentor):
        with pytest.raises(ValidationError, match="Only the session's mentor"):
            services.session_start(session=session, by=person)
        with pytest.raises(ValidationError, match="Only the session's mentor"):
            services.outcomes_save(session=session, cue="x", by=person)
    with pytest.raises(ValidationError, match="Only the session's mentor keeps"):
        services.private_note_save(session=session, text="mine", by=mentee_user)
    session.refresh_from_db()
    assert session.started_at is None and session.cue == "" and session.private_note == ""


def test_start_records_the_time_once(session, mentor_user):
    first = timezone.now() - timedelta(minutes=3)
    services.session_start(session=session, by=mentor_user, now=first)
    services.session_start(session=session, by=mentor_user)
    session.refresh_from_db()
    assert session.started_at == first


# ------------------------------------------------------------------ notes and their versions


def test_two_saves_from_version_0_the_second_is_refused_with_both_texts(session, mentor_user):
    tab_one = SessionBlock.objects.for_org(session.organization).get(session=session, position=2)
    tab_two = SessionBlock.objects.for_org(session.organization).get(pk=tab_one.pk)
    services.block_notes_save(block=tab_one, notes="From the first tab", version=0, by=mentor_user)

    with pytest.raises(services.NotesConflict) as refused:
        services.block_notes_save(
            block=tab_two, notes="From the second tab", version=0, by=mentor_user
        )

    conflict = refused.value
    assert conflict.yours == "From the second tab"
    assert conflict.stored.notes == "From the first tab" and conflict.stored.version == 1
    assert "version 1" in conflict.messages[0] and "version 0" in conflict.messages[0]
    tab_one.refresh_from_db()
    assert tab_one.notes == "From the first tab" and tab_one.version == 1
    # Keeping mine names the stored version: it saves.
    services.block_notes_save(block=tab_one, notes="From the second tab", version=1, by=mentor_user)
    tab_one.refresh_from_db()
    assert tab_one.notes == "From the second tab" and tab_one.version == 2


def test_saving_rises_the_version_and_an_unchanged_save_writes_nothing(session, mentor_user):
    block = session.blocks.first()
    services.block_notes_save(block=block, notes="Goals: pacing", version=0, by=mentor_user)
    assert block.version == 1 and block.saved_by == mentor_user
    services.block_notes_save(block=block, notes="Goals: pacing", version=1, by=mentor_user)
    block.refresh_from_db()
    assert block.version == 1 and block.notes == "Goals: pacing"


def test_notes_too_long_are_refused(session, mentor_user):
    block = session.blocks.first()
    with pytest.raises(ValidationError, match="at most 20,000"):
        services.block_notes_save(block=block, notes="x" * 20_001, version=0, by=mentor_user)


# ------------------------------------------------------------------ signals


def test_a_signal_out_of_range_is_refused_with_the_range(session, mentor_user):
    program = session.cohort.program
    velocity = number_signal(program, unit="reps/min", low=0, high=40)
    rubric = rubric_signal(program)
    with pytest.raises(ValidationError, match="0 reps/min to 40 reps/min"):
        services.signal_record(session=session, signal_type=velocity, value="41", by=mentor_user)
    with pytest.raises(ValidationError, match="1 to 5"):
        services.signal_record(session=session, signal_type=rubric, value="6", by=mentor_user)
    with pytest.raises(ValidationError, match="takes a number"):
        services.signal_record(session=session, signal_type=rubric, value="lots", by=mentor_user)
    assert not SignalValue.objects.for_org(session.organization).exists()


def test_a_signal_of_another_program_is_refused(org, session, mentor_user):
    from tests.programs.factories import ProgramFactory

    elsewhere = rubric_signal(ProgramFactory(organization=org))
    with pytest.raises(ValidationError, match="not one of this program's"):
        services.signal_record(session=session, signal_type=elsewhere, value=3, by=mentor_user)


def test_a_signal_is_recorded_changed_and_cleared(session, mentor_user, mentee_user):
    rubric = rubric_signal(session.cohort.program)
    services.signal_record(session=session, signal_type=rubric, value="3", by=mentor_user)
    row = services.signal_record(session=session, signal_type=rubric, value="4", by=mentor_user)
    assert row.subject == mentee_user and row.display() == "4 · Consistent"
    assert SignalValue.objects.for_org(session.organization).count() == 1
    services.signal_record(session=session, signal_type=rubric, value="", by=mentor_user)
    assert not SignalValue.objects.for_org(session.organization).exists()


# ------------------------------------------------------------------ corrections, habit, actions


def test_three_corrections_as_three_lines(session, mentor_user):
    services.corrections_save(session=session, texts=["Hips", "", "Breath"], by=mentor_user)
    rows = Correction.objects.for_org(session.organization).filter(session=session)
    assert [(c.position, c.text) for c in rows] == [(1, "Hips"), (3, "Breath")]
    with pytest.raises(ValidationError, match="At most 3"):
        services.corrections_save(session=session, texts=["a", "b", "c", "d"], by=mentor_user)
    with pytest.raises(ValidationError):
        services.corrections_save(session=session, texts=["x" * 301], by=mentor_user)
    assert rows.count() == 2


def test_the_micro_habit_and_its_cadence(session, mentor_user, mentee_user):
    with pytest.raises(ValidationError, match="1 to 7"):
        services.habit_save(session=session, text="Count reps", cadence="per_week", by=mentor_user)
    habit = services.habit_save(
        session=session, text="Count reps", cadence="per_week", times_per_week=3, by=mentor_user
    )
    assert habit.mentee == mentee_user and habit.cadence_text() == "3 times a week"
    services.habit_save(session=session, text="Count reps", cadence="weekdays", by=mentor_user)
    habit.refresh_from_db()
    assert habit.cadence_text() == "Weekdays" and habit.times_per_week is None
    services.habit_save(session=session, text="", cadence="daily", by=mentor_user)
    assert not MicroHabit.objects.for_org(session.organization).exists()


def test_actions_have_an_owner_of_the_pair_and_a_due_date(
    session, mentor_user, mentee_user, pair_cohort
):
    day = timezone.localdate(session.starts_at, session.organization.zoneinfo)
    stranger = pair_cohort[2].mentee.user
    with pytest.raises(ValidationError, match="mentor or mentee"):
        services.action_add(session=session, text="x", owner=stranger, due_on=day, by=mentor_user)
    with pytest.raises(ValidationError, match="on or after the session's day"):
        services.action_add(
            session=session,
            text="x",
            owner=mentee_user,
            due_on=day - timedelta(days=1),
            by=mentor_user,
        )
    for owner in (mentee_user, mentor_user):
        services.action_add(
            session=session, text=f"For {owner}", owner=owner, due_on=day, by=mentor_user
        )
    actions = ActionItem.objects.for_org(session.organization).filter(session=session)
    assert actions.count() == 2 and {a.pairing_id for a in actions} == {session.pairing_id}
    services.action_remove(action=actions.first(), by=mentor_user)
    assert actions.all().count() == 1


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example/clip.mp4", "data:text/html,x", "clips"]
)
def test_a_clip_link_that_is_not_http_is_refused(session, mentor_user, url):
    with pytest.raises(ValidationError, match="http:// or https://"):
        services.outcomes_save(session=session, clip_url=url, by=mentor_user)
    session.refresh_from_db()
    assert session.clip_url == ""


def test_outcomes_are_saved(session, mentor_user):
    day = timezone.localdate(session.starts_at, session.organization.zoneinfo)
    with pytest.raises(ValidationError, match="follow-up date is on or after"):
        services.outcomes_save(
            session=session, follow_up_on=day - timedelta(days=1), by=mentor_user
        )
    services.outcomes_save(
        session=session,
        micro_outcome=" Draft the plan ",
        cue="Say 'tall spine'",
        practice_target="3 sets a day",
        follow_up_on=day + timedelta(days=7),
        clip_url="https://video.example/clip/1",
        by=mentor_user,
    )
    session.refresh_from_db()
    assert session.micro_outcome == "Draft the plan"
    assert session.clip_url == "https://video.example/clip/1"


# ------------------------------------------------------------------ completing


def test_completing_before_the_session_began_is_refused(session, mentor_user):
    with pytest.raises(ValidationError, match="has not begun"):
        services.session_complete(session=session, by=mentor_user, reason="x")


def test_completing_with_outputs_missing_needs_a_reason(past, mentor_user):
    with pytest.raises(ValidationError) as refused:
        services.session_complete(session=past, by=mentor_user)
    text = " ".join(refused.value.messages)
    assert "Notes in" in text and "Actionable corrections: 0 of 3" in text
    assert "A micro-habit" in text
    past.refresh_from_db()
    assert past.status == Session.Status.CONFIRMED


def test_completing_with_a_reason_flags_the_session_for_the_audit(past, mentor_user):
    done = services.session_complete(session=past, by=mentor_user, reason="Ran out of time")
    assert done.status == Session.Status.COMPLETED
    assert done.flagged_for_audit and done.completion_reason == "Ran out of time"
    assert done.missing_outputs == ["notes", "signals", "corrections", "micro_habit"]


def test_completing_a_full_session_restarts_the_idle_clock_and_tells_the_listeners(
    past, pairing, mentor_user
):
    Pairing.objects.for_org(pairing.organization).filter(pk=pairing.pk).update(
        last_activity_at=timezone.now() - timedelta(days=30)
    )
    _fill(past, mentor_user)
    heard = []

    def listener(sender, session, by, **kwargs):
        heard.append((session.pk, by.pk))

    session_completed.connect(listener)
    try:
        now = timezone.now()
        done = services.session_complete(session=past, by=mentor_user, now=now)
    finally:
        session_completed.disconnect(listener)
    assert heard == [(past.pk, mentor_user.pk)]
    assert done.missing_outputs == [] and not done.flagged_for_audit
    assert done.completed_at == now and done.completed_by == mentor_user
    pairing.refresh_from_db()
    assert pairing.last_activity_at == now


def test_a_second_completion_is_refused(past, mentor_user):
    services.session_complete(session=past, by=mentor_user, reason="Short session")
    heard = []
    session_completed.connect(lambda **kw: heard.append(1), weak=False, dispatch_uid="second")
    try:
        with pytest.raises(ValidationError, match="already completed"):
            services.session_complete(session=past, by=mentor_user, reason="Again")
    finally:
        session_completed.disconnect(dispatch_uid="second")
    assert heard == []
    past.refresh_from_db()
    assert past.completion_reason == "Short session"


def test_the_mentee_cannot_complete(past, mentee_user):
    with pytest.raises(ValidationError, match="Only the session's mentor"):
        services.session_complete(session=past, by=mentee_user, reason="x")


# ------------------------------------------------------------------ after the fact


def test_logging_after_the_fact_refusals(org, pairing, mentor_user, mentee_user):
    template = builtin(org, "on-the-floor")
    yesterday = timezone.now() - timedelta(days=1)
    with pytest.raises(ValidationError, match="Only the pairing's mentor"):
        services.session_log_after(
            pairing=pairing, template=template, starts_at=yesterday, by=mentee_user
        )
    with pytest.raises(ValidationError, match="in the past"):
        services.session_log_after(
            pairing=pairing,
            template=template,
            starts_at=timezone.now() - timedelta(minutes=10),
            by=mentor_user,
        )
    with pytest.raises(ValidationError, match="before the pair was matched"):
        services.session_log_after(
            pairing=pairing,
            template=template,
            starts_at=timezone.now() - timedelta(days=60),
            by=mentor_user,
        )
    with pytest.raises(ValidationError, match="lasts 15 to 45 minutes"):
        services.session_log_after(
            pairing=pairing,
            template=builtin(org, "micro-mentoring"),
            starts_at=yesterday,
            minutes=60,
            by=mentor_user,
        )
    with pytest.raises(ValidationError, match="program's session templates"):
        services.session_log_after(
            pairing=pairing,
            template=builtin(org, "cohort-weekly-module"),
            starts_at=yesterday,
            by=mentor_user,
        )
    Pairing.objects.for_org(org).filter(pk=pairing.pk).update(status=Pairing.Status.CONCLUDED)
    pairing.refresh_from_db()
    with pytest.raises(ValidationError, match="only an active pair"):
        services.session_log_after(
            pairing=pairing, template=template, starts_at=yesterday, by=mentor_user
        )
    assert not Session.objects.for_org(org).exists()


def test_logging_after_the_fact_creates_a_confirmed_session_to_fill_in(org, pairing, mentor_user):
    yesterday = timezone.now() - timedelta(days=1)
    session = services.session_log_after(
        pairing=pairing,
        template=builtin(org, "micro-mentoring"),
        starts_at=yesterday,
        minutes=20,
        by=mentor_user,
    )
    assert session.logged_after and session.status == Session.Status.CONFIRMED
    assert session.minutes == 20 and sum(b.minutes for b in session.blocks.all()) == 20
    assert session.mentee == pairing.mentee.user
    _fill(session, mentor_user)
    services.session_complete(session=session, by=mentor_user, reason="Micro: no habit")


def test_logging_after_the_fact_refuses_a_time_the_pair_already_met(org, pairing, mentor_user):
    yesterday = timezone.now() - timedelta(days=1)
    make_session(pairing, starts_at=yesterday - timedelta(minutes=10), title="Remote review")
    with pytest.raises(ValidationError, match="Remote review.*log that one"):
        services.session_log_after(
            pairing=pairing,
            template=builtin(org, "on-the-floor"),
            starts_at=yesterday,
            by=mentor_user,
        )
    assert Session.objects.for_org(org).filter(logged_after=True).count() == 0
