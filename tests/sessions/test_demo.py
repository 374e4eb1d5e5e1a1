"""The sessions part of the demo: seven weeks of the active cohort, signals that trend, one
no-show, one cancellation, one reschedule, upcoming sessions, a row of every sessions model,
and no pulse answer shown to anyone but its respondent. The demo is built once for the module
(in a transaction rolled back at its end)."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from matching.models import Pairing
from mentorship.demo import build_demo
from mentorship.tenancy.models import Membership, Role
from programs.models import Cohort, Participant
from sessions.models import (
    ActionItem,
    Attendance,
    Output,
    PulseAnswer,
    Session,
    SessionKind,
    SignalType,
    SignalValue,
)
from tests.programs.factories import client_for

Status = Session.Status


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo(slug="sessions-demo", email_domain="sessions-demo.example")
        transaction.set_rollback(True)


@pytest.fixture
def org(demo, db):
    return demo


@pytest.fixture
def cohort(org):
    # The trainers' active cohort (the leaders' variant cohorts are the metrics demo's).
    return Cohort.objects.for_org(org).get(status=Cohort.Status.ACTIVE, variant="")


@pytest.fixture
def core(org, cohort):
    """The active cohort's first live core pairing (the demo mentee's)."""
    return (
        Pairing.objects.for_org(org)
        .filter(cohort=cohort, kind=Pairing.Kind.CORE, status=Pairing.Status.ACTIVE)
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")
        .first()
    )


def sessions_of(org, **filters):
    # The sessions demo's own: not the metrics demo's variant cohorts (months of their own).
    return Session.objects.for_org(org).filter(**filters).exclude(cohort__variant__gt="")


# The models of issue 9 (the isolation walk needs a row of each); later issues' models in the
# same app (plans, journals) come with their own demo.
SESSIONS_MODELS = [
    "Session",
    "SessionBlock",
    "SignalType",
    "SignalValue",
    "Correction",
    "MicroHabit",
    "ActionItem",
    "Attendance",
    "OfficeHoursSlot",
    "PulseAnswer",
    "Kudos",
    "CalendarFeed",
    "ProgramSessionTemplate",
    "SessionTemplate",
    "TemplateBlock",
]


def test_every_sessions_model_has_a_demo_row(org):
    models = [apps.get_model("mentoring", name) for name in SESSIONS_MODELS]
    empty = [model.__name__ for model in models if not model.objects.for_org(org).exists()]
    assert empty == []


def test_each_program_has_the_seeds_signals_and_its_templates(org):
    names = {
        "Technique consistency",
        "Readiness",
        "Velocity",
        "Client retention when the trainee leads sessions",
        "Independent problem-solving",
    }
    programs = {t.program for t in SignalType.objects.for_org(org).select_related("program")}
    assert len(programs) == 2
    for program in programs:
        types = {t.name: t for t in SignalType.objects.for_org(org).filter(program=program)}
        assert set(types) == names
        for signal_type in types.values():
            signal_type.full_clean()  # a rubric has its five words, a number its range
        assert types["Client retention when the trainee leads sessions"].unit == "%"
        assert types["Client retention when the trainee leads sessions"].value_range() == (0, 100)
        assert types["Velocity"].unit
        assert program.session_templates.exists()
    trainer = next(p for p in programs if p.name == "New Trainer Onboarding")
    types = {t.name: t for t in SignalType.objects.for_org(org).filter(program=trainer)}
    assert types["Technique consistency"].competency.name == "Cueing and demonstration"
    assert types["Independent problem-solving"].competency.name == "Regressions and progressions"
    # As the charters say: the trainers' shares notes with the program team, the leaders' not.
    assert "program team" in trainer.confidentiality and trainer.notes_shared_with_team
    leaders = next(p for p in programs if p.name == "Leadership Accelerator")
    assert not leaders.notes_shared_with_team
    keys = set(trainer.session_templates.values_list("key", flat=True))
    assert {"on-the-floor", "remote-review", "cohort-weekly-module"} <= keys


def test_the_active_cohort_has_seven_weeks_of_sessions(org, cohort, core):
    now = timezone.now()
    held = list(sessions_of(org, cohort=cohort, status=Status.COMPLETED).order_by("starts_at"))
    weeks = {s.starts_at.isocalendar()[:2] for s in held}
    assert len(weeks) >= 7, weeks
    # The oldest pairs are seven to eight weeks old: their first sessions that long ago.
    assert held[0].starts_at <= now - timedelta(days=49)
    pair = list(sessions_of(org, pairing=core, status=Status.COMPLETED).order_by("starts_at"))
    assert len(pair) >= 4
    # About weekly: no gap over two weeks between the pair's sessions.
    gaps = [(b.starts_at - a.starts_at).days for a, b in zip(pair, pair[1:], strict=False)]
    assert max(gaps) <= 14, gaps
    for session in pair:
        assert session.template.key in {"on-the-floor", "remote-review"}
        for block in session.blocks.all():
            if Output.NOTES in block.outputs:
                assert len(block.notes) > 40, (session, block.title)
        if session.template.key == "on-the-floor":
            assert session.corrections.count() == 3
            assert session.habits.count() == 1
        else:
            assert session.cue and session.practice_target and session.follow_up_on
        assert session.signal_values.exists()
    # Notes are varied, not one text pasted everywhere.
    observation = [
        b.notes for s in pair for b in s.blocks.all() if b.title == "Observation" and b.notes
    ]
    assert len(set(observation)) == len(observation) >= 2
    core.refresh_from_db()
    assert core.last_activity_at == pair[-1].completed_at


def test_the_weekly_module_has_attendance_for_the_cohort(org, cohort):
    groups = list(sessions_of(org, cohort=cohort, kind=SessionKind.GROUP).order_by("starts_at"))
    assert len(groups) == (cohort.ends_on - cohort.starts_on).days // 7 + 1
    people = set(
        cohort.participants.filter(status__in=Participant.ENROLLED_STATUSES)
        .exclude(role=Participant.Role.FACILITATOR)
        .values_list("pk", flat=True)
    )
    held = [s for s in groups if s.status == Status.COMPLETED]
    assert len(held) >= 5
    for session in held:
        rows = Attendance.objects.for_org(org).filter(session=session)
        assert set(rows.values_list("participant_id", flat=True)) == people
        assert session.peer_critique and session.presenter_id
        assert session.mentor_id == cohort.facilitator_id
    statuses = set(Attendance.objects.for_org(org).values_list("status", flat=True))
    assert "present" in statuses and statuses - {"present"}
    assert all(s.status == Status.CONFIRMED for s in groups if s.starts_at > timezone.now())


def test_signals_trend_upward(org, core):
    values = (
        SignalValue.objects.for_org(org)
        .filter(session__pairing=core)
        .select_related("signal_type", "session")
        .order_by("session__starts_at")
    )
    by_type = {}
    for value in values:
        assert value.subject_id == core.mentee.user_id
        by_type.setdefault(value.signal_type.name, []).append(value.value)
    assert len(by_type) == 5
    for name, series in by_type.items():
        assert series[-1] > series[0], (name, series)
    technique = by_type["Technique consistency"]
    assert len(technique) >= 4
    # With noise: not a straight staircase of equal steps.
    steps = {b - a for a, b in zip(technique, technique[1:], strict=False)}
    assert len(steps) > 1, technique


def test_one_no_show_one_cancellation_one_reschedule(org, core):
    no_show = sessions_of(org, status=Status.NO_SHOW)
    assert no_show.count() == 1
    assert no_show.get().no_show_of_id == core.mentee.user_id
    cancelled = sessions_of(org, status=Status.CANCELLED)
    assert cancelled.count() == 1
    assert cancelled.get().cancel_reason and cancelled.get().cancelled_by_id
    moved = sessions_of(org, reschedule_count__gt=0)
    assert moved.count() == 1
    session = moved.get()
    assert (session.sequence, session.reschedule_count) == (1, 1)
    assert session.reschedule_reason


def test_nobody_is_in_two_sessions_at_once(org):
    """What scheduling refuses (a time that overlaps one of either person's sessions), the
    demo does not hold: a group session counts for its cohort's people."""
    taken = {}
    sessions = (
        sessions_of(org)
        .exclude(status__in=[Status.CANCELLED, Status.NO_SHOW])
        .select_related("cohort")
    )
    for session in sessions:
        people = {session.mentor_id, session.mentee_id} - {None}
        if session.kind == SessionKind.GROUP:
            people |= set(
                session.cohort.participants.filter(
                    status__in=Participant.ENROLLED_STATUSES
                ).values_list("user_id", flat=True)
            )
        for person in people:
            taken.setdefault(person, []).append((session.starts_at, session.ends_at, session.pk))
    clashes = []
    for person, times in taken.items():
        times.sort()
        for (_, end, first), (start, _, second) in zip(times, times[1:], strict=False):
            if start < end:
                clashes.append((person, first, second))
    assert clashes == []


def test_upcoming_sessions_are_proposed_and_confirmed(org, core):
    now = timezone.now()
    upcoming = sessions_of(org, starts_at__gt=now, kind=SessionKind.ONE_TO_ONE)
    statuses = set(upcoming.values_list("status", flat=True))
    assert {Status.PROPOSED, Status.CONFIRMED} <= statuses
    assert statuses <= set(Session.LIVE_STATUSES)
    assert sessions_of(org, pairing=core, starts_at__gt=now, status=Status.CONFIRMED).exists()
    booked = sessions_of(org, office_hours_slot__isnull=False).get()
    assert booked.kind == SessionKind.MICRO and booked.status == Status.CONFIRMED
    assert booked.pre_work


def test_actions_some_done_some_overdue_and_pulses_some_unanswered(org):
    today = timezone.localdate()
    actions = ActionItem.objects.for_org(org)
    assert actions.filter(done_at__isnull=False).exists()
    assert actions.filter(done_at__isnull=True, due_on__lt=today).exists()
    assert actions.filter(done_at__isnull=True, due_on__gte=today).exists()
    pulses = PulseAnswer.objects.for_org(org)
    assert pulses.filter(answered_at__isnull=True).exists()
    answered = pulses.filter(answered_at__isnull=False)
    assert answered.exists()
    assert all(1 <= p.score <= 5 for p in answered)
    assert not pulses.filter(answered_at__isnull=True, score__isnull=False).exists()


def test_the_demo_pulse_answers_reach_nobody_but_their_respondent(org, cohort):
    """The demo's pulse comments are on no page of the partner, a leader or an admin."""
    pulses = list(
        PulseAnswer.objects.for_org(org)
        .filter(answered_at__isnull=False)
        .exclude(comment="")
        .select_related("session")
    )
    assert pulses
    admin = Membership.objects.for_org(org).filter(role=Role.ADMIN).first().user
    leader = Membership.objects.for_org(org).filter(role=Role.LEADER).first().user
    clients = {"admin": client_for(admin), "leader": client_for(leader)}
    cohort_page = reverse("cohort_detail", args=[org.slug, cohort.pk])
    for pulse in pulses:
        session = pulse.session
        partner = session.mentee if pulse.respondent_id == session.mentor_id else session.mentor
        url = reverse("session_detail", args=[org.slug, session.pk])
        for who, client in [("partner", client_for(partner)), *clients.items()]:
            for page in [url] if who == "partner" else [url, cohort_page]:
                response = client.get(page)
                assert response.status_code == 200, (who, page)
                assert pulse.comment not in response.content.decode(), (who, page)
        # The respondent reaches their own answer.
        assert (
            client_for(pulse.respondent)
            .get(reverse("my_pulse", args=[org.slug, pulse.pk]))
            .status_code
            == 200
        )
