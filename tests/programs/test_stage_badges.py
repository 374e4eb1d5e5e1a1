"""The status badge on Home and My programs is the cohort's stage, with the person's own
status beside it only when it differs (issue 8: an enrolling cohort read "Active")."""

import re

import pytest
from django.urls import reverse

from programs.models import Cohort, Participant
from tests.programs.factories import client_for, enrol, make_cohort, make_person

pytestmark = pytest.mark.django_db


BADGE = r'<span class="badge people-(?:p?status)-[^"]*">(.*?)</span>'


def _badges(html):
    return [re.sub(r"<[^>]+>", "", b).strip() for b in re.findall(BADGE, html)]


@pytest.fixture
def person(org):
    return make_person(org)


@pytest.mark.parametrize("page", ["my_programs", "org_home"])
def test_an_enrolling_cohort_reads_enrolling(org, person, page):
    enrol(make_cohort(org, name="Spring"), user=person)
    html = client_for(person).get(reverse(page, args=[org.slug])).content.decode()
    assert _badges(html) == ["Enrolling"]


@pytest.mark.parametrize("page", ["my_programs", "org_home"])
def test_a_withdrawn_person_sees_their_own_status_beside_the_stage(org, person, page):
    enrol(make_cohort(org, status=Cohort.Status.ACTIVE), user=person, status="withdrawn")
    html = client_for(person).get(reverse(page, args=[org.slug])).content.decode()
    assert _badges(html) == ["Active", "You: Withdrawn"]


def test_a_completed_cohort_and_person_read_completed_once(org, person):
    enrol(
        make_cohort(org, status=Cohort.Status.COMPLETED),
        user=person,
        status=Participant.Status.COMPLETED,
    )
    html = client_for(person).get(reverse("my_programs", args=[org.slug])).content.decode()
    assert _badges(html) == ["Completed"]
