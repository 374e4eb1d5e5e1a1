"""Pages of the groups area: a cohort's group sessions and office hours (its facilitator runs
them; a mentee books office hours), the session page's attendance and peer critique. Refusals
first; query budgets."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Participant
from sessions.models import Attendance, OfficeHoursSlot, Session
from sessions.services import groups as services
from tests.programs.factories import client_for, enrol, make_person
from tests.sessions.factories import make_session
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(pair_cohort):
    cohort = pair_cohort[0]
    cohort.meeting_day = 3
    cohort.meeting_time = time(17, 0)
    cohort.ends_on = timezone.localdate() + timedelta(days=40)
    cohort.save()
    return cohort


@pytest.fixture
def facilitator(cohort):
    return enrol(cohort, role=Participant.Role.FACILITATOR).user


@pytest.fixture
def group(cohort, facilitator):
    return make_session(cohort=cohort, mentor=facilitator, starts_in=-timedelta(hours=1))


def page(org, cohort):
    return reverse("cohort_group_sessions", args=[org.slug, cohort.pk])


# --- refusals first -------------------------------------------------------------------------


def test_strangers_and_people_outside_the_cohort_get_404(org, cohort, as_stranger, as_member):
    outsider = client_for(make_person(org))
    for client in (as_stranger, as_member, outsider):
        assert client.get(page(org, cohort)).status_code == 404
        generate = reverse("group_sessions_generate", args=[org.slug, cohort.pk])
        assert client.post(generate).status_code == 404
        offer = reverse("office_hours_offer", args=[org.slug, cohort.pk])
        assert client.post(offer, {"day": "2030-01-01", "time": "10:00"}).status_code == 404
    assert not Session.objects.for_org(org).filter(kind="group").exists()
    assert not OfficeHoursSlot.objects.for_org(org).exists()


def test_a_participant_reads_but_does_not_generate(org, cohort, pairing):
    mentee = client_for(pairing.mentee.user)
    body = mentee.get(page(org, cohort)).content.decode()
    assert "Plan the weekly sessions" not in body and "No group sessions" in body
    response = mentee.post(
        reverse("group_sessions_generate", args=[org.slug, cohort.pk]), follow=True
    )
    assert b"facilitator or an admin" in response.content
    assert not Session.objects.for_org(org).filter(kind="group").exists()


def test_a_leader_reads_but_does_not_generate(org, cohort, as_leader):
    assert as_leader.get(page(org, cohort)).status_code == 200
    as_leader.post(reverse("group_sessions_generate", args=[org.slug, cohort.pk]))
    assert not Session.objects.for_org(org).filter(kind="group").exists()


def test_attendance_and_critique_refused_to_attendees_and_the_other_cohorts(
    org, group, pairing, as_stranger, as_leader
):
    for name in ("session_attendance", "session_group_critique"):
        url = reverse(name, args=[org.slug, group.pk])
        for client in (as_stranger, client_for(pairing.mentee.user), as_leader):
            assert client.post(url, {"peer_critique": "x"}).status_code == 404
    group.refresh_from_db()
    assert group.peer_critique == ""
    assert not Attendance.objects.for_org(org).exists()


# --- what the pages do ----------------------------------------------------------------------


def test_the_facilitator_opens_the_cohort_page_and_plans_the_weeks(org, cohort, facilitator):
    client = client_for(facilitator)
    cohort_page = client.get(reverse("cohort_detail", args=[org.slug, cohort.pk]))
    assert cohort_page.status_code == 200
    assert page(org, cohort).encode() in cohort_page.content
    generate = reverse("group_sessions_generate", args=[org.slug, cohort.pk])
    first = client.post(generate, follow=True)
    made = Session.objects.for_org(org).filter(cohort=cohort, kind="group").count()
    assert made >= 5 and f"{made} weekly sessions added".encode() in first.content
    again = client.post(generate, follow=True)
    assert b"nothing was added" in again.content
    assert Session.objects.for_org(org).filter(cohort=cohort, kind="group").count() == made
    upcoming = client.get(page(org, cohort), {"when": "upcoming"}).content.decode()
    assert "Cohort weekly module: week" in upcoming
    past = client.get(page(org, cohort), {"when": "past"}).content.decode()
    assert "No group sessions here" in past


def test_attendance_presenter_and_critique_from_the_session_page(org, group, facilitator, pairing):
    client = client_for(facilitator)
    session_page = reverse("session_detail", args=[org.slug, group.pk])
    body = client.get(session_page).content.decode()
    assert "Save attendance" in body and "Peer critique given" in body
    # Who runs a group session leads it: nobody there is its mentor.
    assert f"led by {group.mentor}" in body and f"· mentor {group.mentor}" not in body
    people = services.group_people(session=group)
    posted = {f"status_{people[0].pk}": "present", f"status_{people[1].pk}": "late"}
    client.post(reverse("session_attendance", args=[org.slug, group.pk]), posted)
    client.post(
        reverse("session_group_critique", args=[org.slug, group.pk]),
        {"presenter": people[0].user_id, "peer_critique": "Slow the tempo"},
    )
    group.refresh_from_db()
    assert group.presenter_id == people[0].user_id and group.peer_critique == "Slow the tempo"
    # An attendee reads the summary and the critique.
    attendee = client_for(pairing.mentee.user).get(session_page).content.decode()
    assert "1 present, 1 late, 0 absent" in attendee and "Slow the tempo" in attendee
    assert "Save attendance" not in attendee


def test_a_mentor_offers_office_hours_and_a_mentee_books_them(org, cohort, pairing):
    mentor = client_for(pairing.mentor.user)
    day = (timezone.localdate() + timedelta(days=4)).isoformat()
    bad = mentor.post(
        reverse("office_hours_offer", args=[org.slug, cohort.pk]),
        {"day": day, "time": "10:00", "minutes": 90},
    )
    assert bad.status_code == 400
    mentor.post(
        reverse("office_hours_offer", args=[org.slug, cohort.pk]),
        {"day": day, "time": "10:00", "minutes": 20, "location": "Studio 2"},
    )
    slot = OfficeHoursSlot.objects.for_org(org).get()
    mentee = client_for(pairing.mentee.user)
    body = mentee.get(page(org, cohort)).content.decode()
    assert "Studio 2" in body and reverse("office_hours_book", args=[org.slug, slot.pk]) in body
    response = mentee.post(reverse("office_hours_book", args=[org.slug, slot.pk]), follow=True)
    assert b"Booked" in response.content
    slot.refresh_from_db()
    assert slot.session.mentee == pairing.mentee.user and slot.session.kind == "micro"


# --- query budgets --------------------------------------------------------------------------


def test_group_sessions_page_query_budget(org, cohort, facilitator, pairing):
    def grow():
        for days in (3, -3):
            session = make_session(
                cohort=cohort, mentor=facilitator, starts_in=timedelta(days=days)
            )
            for person in services.group_people(session=session)[:2]:
                Attendance.objects.create(
                    organization=org, session=session, participant=person, status="present"
                )
            OfficeHoursSlot.objects.create(
                organization=org,
                cohort=cohort,
                host=pairing.mentor.user,
                starts_at=timezone.now() + timedelta(days=days + 10),
            )

    assert_flat_queries(
        client_for(facilitator),
        reverse("cohort_group_sessions", args=[org.slug, cohort.pk]),
        grow,
        n=16,
    )


def test_group_session_page_is_flat_in_the_cohorts_people(org, cohort, group, facilitator):
    def grow():
        for _ in range(2):
            person = enrol(cohort, role=Participant.Role.MENTEE)
            Attendance.objects.create(
                organization=org, session=group, participant=person, status="late"
            )

    assert_flat_queries(
        client_for(facilitator), reverse("session_detail", args=[org.slug, group.pk]), grow
    )
