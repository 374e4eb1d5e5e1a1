"""A person's time zone (sessions.selectors.people): the profile's, else their latest
intake's (a mentee's over a mentor's), else the organisation's; one query for any number."""

from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentorship.accounts.models import Profile
from programs.models import Participant
from sessions.selectors.people import zones_of
from tests.programs.factories import (
    MenteeIntakeFactory,
    MentorIntakeFactory,
    enrol,
    make_cohort,
    make_person,
)

pytestmark = pytest.mark.django_db


def test_profile_over_mentee_intake_over_mentor_intake_over_the_organisation(org):
    cohort = make_cohort(org)
    both, mentee_only, mentor_only, nobody, profiled = (make_person(org) for _ in range(5))
    for user in (both, mentor_only, profiled):
        MentorIntakeFactory(
            participant=enrol(cohort, user, role=Participant.Role.MENTOR), time_zone="Asia/Tokyo"
        )
    for user in (both, mentee_only, profiled):
        MenteeIntakeFactory(participant=enrol(make_cohort(org), user), time_zone="America/Lima")
    Profile.objects.create(organization=org, user=profiled, time_zone="Africa/Lagos")
    Profile.objects.create(organization=org, user=nobody, time_zone="")
    ids = [u.pk for u in (both, mentee_only, mentor_only, nobody, profiled)]
    with CaptureQueriesContext(connection) as queries:
        zones = zones_of(organization=org, user_ids=ids)
    assert len(queries.captured_queries) == 1
    assert zones == {
        both.pk: ZoneInfo("America/Lima"),
        mentee_only.pk: ZoneInfo("America/Lima"),
        mentor_only.pk: ZoneInfo("Asia/Tokyo"),
        nobody.pk: org.zoneinfo,
        profiled.pk: ZoneInfo("Africa/Lagos"),
    }


def test_the_later_of_two_intakes_wins_and_nobody_asked_reads_nothing(org):
    user = make_person(org)
    first = MenteeIntakeFactory(participant=enrol(make_cohort(org), user), time_zone="Asia/Tokyo")
    MenteeIntakeFactory(participant=enrol(make_cohort(org), user), time_zone="Europe/Paris")
    assert zones_of(organization=org, user_ids=[user.pk]) == {user.pk: ZoneInfo("Europe/Paris")}
    first.save()  # now the later one
    assert zones_of(organization=org, user_ids=[user.pk]) == {user.pk: ZoneInfo("Asia/Tokyo")}
    with CaptureQueriesContext(connection) as queries:
        assert zones_of(organization=org, user_ids=[]) == {}
    assert not queries.captured_queries
