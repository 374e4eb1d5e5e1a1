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
