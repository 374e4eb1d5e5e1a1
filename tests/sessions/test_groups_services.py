"""Group sessions (S6): the weekly sessions generated from the cohort's slot (idempotent, a
week holding one skipped), attendance, presenter and critique, office hours offered and booked
within the weekly cap."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs.models import Participant
from sessions.models import Attendance, Session, SessionKind
from sessions.services import groups as services
from tests.programs.factories import enrol, make_cohort, make_person
from tests.sessions.factories import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(pair_cohort):
    cohort = pair_cohort[0]
    cohort.starts_on = date(2027, 1, 4)  # a Monday
    cohort.ends_on = date(2027, 2, 28)  # eight weeks
    cohort.meeting_day = 2  # Wednesday
    cohort.meeting_time = time(18, 30)
    cohort.save()
    return cohort


@pytest.fixture
def facilitator(cohort):
    return enrol(cohort, role=Participant.Role.FACILITATOR).user


BEFORE = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.get_current_timezone())


def group_sessions(cohort):
    return Session.objects.for_org(cohort.organization).filter(cohort=cohort, kind="group")


def test_only_the_facilitator_or_an_admin_generates(cohort, pairing, leader):
    for person in (pairing.mentor.user, pairing.mentee.user, leader):
        with pytest.raises(ValidationError, match="facilitator or an admin"):
            services.group_sessions_generate(cohort=cohort, by=person, now=BEFORE)
    assert not group_sessions(cohort).exists()


def test_the_weekly_slot_is_needed(cohort, facilitator):
    cohort.meeting_time = None
    cohort.save()
    with pytest.raises(ValidationError, match="weekly slot"):
        services.group_sessions_generate(cohort=cohort, by=facilitator, now=BEFORE)


def test_one_session_a_week_at_the_slot_in_the_organisations_zone_idempotent(
    org, cohort, facilitator
):
    org.time_zone = "Europe/London"
    org.save()
    created = services.group_sessions_generate(cohort=cohort, by=facilitator, now=BEFORE)
    assert len(created) == 8
    local = [s.starts_at.astimezone(org.zoneinfo) for s in created]
    assert {(t.weekday(), t.hour, t.minute) for t in local} == {(2, 18, 30)}
    assert local[0].date() == date(2027, 1, 6) and local[-1].date() == date(2027, 2, 24)
    first = created[0]
    assert first.title == "Cohort weekly module: week 1" and first.mentor == facilitator
    assert first.status == Session.Status.CONFIRMED and first.kind == SessionKind.GROUP
    assert [b.title for b in first.blocks.all()] == [
        "Module",
        "Mentor office hours",
        "Peer critique",
    ]
    assert services.group_sessions_generate(cohort=cohort, by=facilitator, now=BEFORE) == []
    assert group_sessions(cohort).count() == 8


def test_a_week_already_holding_one_is_skipped_and_begun_weeks_are_not_made(
    org, cohort, facilitator, admin
):
    # A session already in week 3 (moved to the Thursday, then cancelled: still that week's).
    make_session(
        cohort=cohort,
        starts_at=datetime(2027, 1, 21, 18, 0, tzinfo=org.zoneinfo),
        status=Session.Status.CANCELLED,
    )
    now = datetime(2027, 1, 10, 12, 0, tzinfo=org.zoneinfo)  # weeks 1 and 2 have begun
    created = services.group_sessions_generate(cohort=cohort, by=admin, now=now)
    days = sorted(s.starts_at.astimezone(org.zoneinfo).date() for s in created)
    assert date(2027, 1, 6) not in days and date(2027, 1, 20) not in days
    assert date(2027, 1, 13) in days and len(days) == 6


def test_attendance_presenter_and_critique(org, cohort, pairing, facilitator):
    session = make_session(cohort=cohort, mentor=facilitator, starts_in=-timedelta(hours=1))
    people = services.group_people(session=session)
    assert facilitator not in [p.user for p in people] and len(people) == 4
    statuses = {people[0].pk: "present", people[1].pk: "late", people[2].pk: "absent"}
    with pytest.raises(ValidationError, match="Only who runs"):
        services.attendance_record(session=session, statuses=statuses, by=pairing.mentee.user)
    with pytest.raises(ValidationError, match="present, late or absent"):
        services.attendance_record(session=session, statuses={people[0].pk: "gone"}, by=facilitator)
    other_cohort_person = enrol(make_cohort(org))
    with pytest.raises(ValidationError, match="own participants"):
        services.attendance_record(
            session=session, statuses={other_cohort_person.pk: "present"}, by=facilitator
        )
    services.attendance_record(session=session, statuses=statuses, by=facilitator)
    services.attendance_record(session=session, statuses={people[1].pk: "present"}, by=facilitator)
    marks = dict(
        Attendance.objects.for_org(org).filter(session=session).values_list("participant", "status")
    )
    assert marks == {people[0].pk: "present", people[1].pk: "present", people[2].pk: "absent"}
    with pytest.raises(ValidationError) as refused:
        services.group_critique_save(
            session=session, presenter=make_person(org), peer_critique="", by=facilitator
        )
    assert "presenter" in refused.value.message_dict
    services.group_critique_save(
        session=session,
        presenter=people[0].user,
        peer_critique=" Clear demo; slow the tempo. ",
        by=facilitator,
    )
    session.refresh_from_db()
    assert session.presenter == people[0].user
    assert session.peer_critique == "Clear demo; slow the tempo."


def test_office_hours_offered_by_a_mentor_booked_by_a_mentee_once(org, cohort, pairing):
    mentor, mentee = pairing.mentor.user, pairing.mentee.user
    soon = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError, match="mentors and facilitator"):
        services.office_hours_offer(cohort=cohort, starts_at=soon, by=mentee)
    with pytest.raises(ValidationError) as refused:
        services.office_hours_offer(
            cohort=cohort, starts_at=timezone.now() - timedelta(hours=1), minutes=60, by=mentor
        )
    assert set(refused.value.message_dict) == {"starts_at", "minutes"}
    slot = services.office_hours_offer(cohort=cohort, starts_at=soon, minutes=20, by=mentor)
    with pytest.raises(ValidationError, match="booked by the cohort's mentees"):
        services.office_hours_book(slot=slot, by=mentor)
    session = services.office_hours_book(slot=slot, by=mentee)
    assert session.kind == SessionKind.MICRO and session.template.key == "micro-mentoring"
    assert (session.mentor, session.mentee, session.minutes) == (mentor, mentee, 20)
    assert session.status == Session.Status.CONFIRMED and session.cohort == cohort
    assert sum(b.minutes for b in session.blocks.all()) == 20
    other_mentee = [p for p in cohort.participants.all() if p.role == "mentee"][1].user
    with pytest.raises(ValidationError, match="already booked"):
        services.office_hours_book(slot=slot, by=other_mentee)


def test_booking_office_hours_keeps_to_the_weekly_cap(org, cohort, pairing):
    mentor, mentee = pairing.mentor.user, pairing.mentee.user
    cohort.program.micro_touch_cap = 1
    cohort.program.save()
    when = timezone.now() + timedelta(days=7)
    make_session(pairing, starts_at=when - timedelta(hours=3))
    slot = services.office_hours_offer(cohort=cohort, starts_at=when, by=mentor)
    with pytest.raises(ValidationError, match="already has 1 session in the week of"):
        services.office_hours_book(slot=slot, by=mentee)
    slot.refresh_from_db()
    assert slot.session is None
    # Group sessions do not count.
    Session.objects.for_org(org).filter(pairing=pairing).update(kind=SessionKind.GROUP)
    assert services.office_hours_book(slot=slot, by=mentee).mentee == mentee


def test_booking_office_hours_refuses_an_overlap_with_the_mentees_other_session(
    org, cohort, pairing
):
    mentor, mentee = pairing.mentor.user, pairing.mentee.user
    when = timezone.now() + timedelta(days=5)
    make_session(pairing, starts_at=when - timedelta(minutes=10), title="Remote review")
    other_mentor = next(
        p.user for p in cohort.participants.all() if p.role == "mentor" and p.user != mentor
    )
    slot = services.office_hours_offer(cohort=cohort, starts_at=when, by=other_mentor)
    with pytest.raises(ValidationError, match="Remote review"):
        services.office_hours_book(slot=slot, by=mentee)
    slot.refresh_from_db()
    assert slot.session is None and mentor != other_mentor
