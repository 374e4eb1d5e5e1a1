"""Fixtures of the metrics tests, and the small world of pairs the snapshot tests share."""

from datetime import datetime, time, timedelta

import pytest

from metrics.services.outcomes import organization_today
from programs.models import Participant
from sessions.models import HabitCheckIn, Session
from tests.matching.factories import pair
from tests.programs.factories import enrol, make_active_cohort, make_program
from tests.sessions.factories import (
    ActionItemFactory,
    KudosFactory,
    MicroHabitFactory,
    PulseAnswerFactory,
    make_session,
)


@pytest.fixture
def program(org):
    """A program of ``org`` judged by a share, a score and a count."""
    return make_program(org, indicators=["cadence", "pulse", "mentor_recognition"])


# --- A small world of pairs for the snapshot tests -----------------------------------------


def at(org, day_offset, hour=10):
    """An aware datetime ``day_offset`` days from the organisation's today, at ``hour`` of
    its time zone."""
    today = organization_today(org)
    return datetime.combine(today + timedelta(days=day_offset), time(hour), tzinfo=org.zoneinfo)


def build_pairs(org, *, pairs=2, cadence_days=7, with_rows=True):
    """A program (cadence ``cadence_days``) with a running cohort and ``pairs`` pairs
    accepted 40 days ago; with rows: each pair has completed sessions 3, 10 and 17 days ago
    (the second pair only the first), a no-show, a late cancellation, two actions (one done
    on time), a daily habit with check-ins and pulse answers, a kudos; returns the cohort."""
    program = make_program(org, charter=False, cadence_days=cadence_days)
    cohort = make_active_cohort(org, program=program)
    today = organization_today(org)
    for i in range(pairs):
        mentor = enrol(cohort, role=Participant.Role.MENTOR)
        mentee = enrol(cohort, role=Participant.Role.MENTEE)
        pairing = pair(mentee, mentor, days_ago=40)
        if not with_rows:
            continue
        offsets = (-3, -10, -17) if i % 2 == 0 else (-3,)
        for offset in offsets:
            session = make_session(
                pairing,
                starts_at=at(org, offset),
                status=Session.Status.COMPLETED,
                completed_at=at(org, offset, 11),
            )
            for person, role in ((mentee.user, "mentee"), (mentor.user, "mentor")):
                PulseAnswerFactory(
                    session=session,
                    respondent=person,
                    role=role,
                    score=4 + (i % 2),
                    answered_at=at(org, offset, 12),
                )
        make_session(pairing, starts_at=at(org, -5), status=Session.Status.NO_SHOW)
        make_session(
            pairing, starts_at=at(org, -6), status=Session.Status.CANCELLED, cancelled_late=True
        )
        ActionItemFactory(session=session, due_on=today - timedelta(days=2), done_at=at(org, -2, 9))
        ActionItemFactory(session=session, due_on=today - timedelta(days=1))
        habit = MicroHabitFactory(session=session, starts_on=today - timedelta(days=6))
        for back in range(0, 6, 2):
            HabitCheckIn.objects.create(
                organization=org, habit=habit, day=today - timedelta(days=back), state="done"
            )
        KudosFactory(session=session)
    return cohort
