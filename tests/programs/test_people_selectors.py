"""Reads of the people area: seats and the cohort's header counts."""

from datetime import timedelta

import pytest

from mentorship.accounts.models import Invitation
from mentorship.tenancy.models import AuditEvent
from programs.models import (
    Participant,
)
from programs.selectors import cohorts as cohort_selectors
from programs.selectors import people as selectors
from programs.services import enrolment
from tests.programs.factories import (
    enrol,
    make_cohort,
    score,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver/"


def _events(org, action):
    return list(AuditEvent.objects.for_org(org).filter(action=action))


def _participants(cohort):
    return cohort.participants.all()


def test_seats_and_summary_count_what_the_header_shows(org, admin):
    cohort = make_cohort(org, capacity=10)
    enrol(cohort, role="mentor")
    score(enrol(cohort, role="mentor"))
    enrol(cohort)
    enrol(cohort, role="facilitator")
    enrol(cohort, status=Participant.Status.WITHDRAWN)
    enrolment.participant_invite(
        cohort=cohort, email="x@example.org", role="mentee", by=admin, site_url=SITE
    )
    Invitation.objects.for_org(org).update(
        expires_at=Invitation.default_expiry() - timedelta(days=99)
    )
    enrolment.participant_invite(
        cohort=cohort, email="y@example.org", role="mentee", by=admin, site_url=SITE
    )

    summary = selectors.cohort_people_summary(cohort=cohort)

    assert summary["mentors"] == 2 and summary["mentees"] == 1
    assert summary["facilitators"] == 1 and summary["withdrawn"] == 1
    assert summary["invited"] == 1  # the expired invitation keeps no seat
    assert summary["seats_left"] == 10 - 3 - 1
    assert summary["intake_pending"] == 3
    assert cohort_selectors.cohort_seats(cohort=cohort).left == 6


def test_the_header_counts_the_same_seats_as_the_capacity_check(org, admin):
    cohort = make_cohort(org, capacity=5)
    enrol(cohort, role="mentor")
    enrol(cohort)
    enrol(cohort, role="facilitator")
    enrolment.participant_invite(
        cohort=cohort, email="held@example.org", role="mentor", by=admin, site_url=SITE
    )
    enrolment.participant_invite(
        cohort=cohort, email="fac@example.org", role="facilitator", by=admin, site_url=SITE
    )

    summary = selectors.cohort_people_summary(cohort=cohort)

    assert summary["seats"] == cohort_selectors.cohort_seats(cohort=cohort)
    assert summary["seats_left"] == cohort_selectors.cohort_seats(cohort=cohort).left == 2


def test_the_participants_list_reads_each_intakes_state_without_joining_the_intakes(org):
    """The list says whether each intake is done (a subquery per intake table) and does not
    read what the intakes say: no intake table is joined, and the intake filter still
    works on the state."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from programs.filters.people import ParticipantFilter
    from tests.programs.factories import MenteeIntakeFactory, MentorIntakeFactory

    cohort = make_cohort(org)
    done_mentee = MenteeIntakeFactory(participant=enrol(cohort)).participant
    MenteeIntakeFactory(participant=enrol(cohort), completed_at=None)
    done_mentor = MentorIntakeFactory(participant=enrol(cohort, role="mentor")).participant
    enrol(cohort, role="facilitator")
    with CaptureQueriesContext(connection) as queries:
        rows = {p.pk: p for p in selectors.cohort_participants(cohort=cohort)}
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert 'JOIN "programs_menteeintake"' not in sql
    assert 'JOIN "programs_mentorintake"' not in sql
    done = {pk for pk, p in rows.items() if p.intake_done_at is not None}
    assert done == {done_mentee.pk, done_mentor.pk}
    assert all(p.intake_done_at <= timezone.now() for pk, p in rows.items() if pk in done)

    def filtered(value):
        qs = selectors.cohort_participants(cohort=cohort)
        return {p.pk for p in ParticipantFilter({"intake": value}, queryset=qs).qs}

    assert filtered("done") == {done_mentee.pk, done_mentor.pk}
    assert len(filtered("pending")) == 1


def test_a_persons_own_participations_join_neither_person_nor_manager(org, member):
    """My programs and the home page read the person's participations with their cohort,
    program and intakes (the next steps), not their own person, manager or readiness."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.utils import max_queries

    cohort = make_cohort(org)
    enrol(cohort, user=member)
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.my_participations(organization=org, user=member)
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert 'JOIN "accounts_user"' not in sql and "mentorreadiness" not in sql
    with max_queries(0):
        ((participant, _steps),) = rows
        assert participant.user == member and participant.cohort.program.name
