"""Services of cohort circles: a split replaces the previous one, leftovers explained."""

import pytest

from matching.models import Circle
from matching.services import circles
from mentorship.notifications.models import Message
from tests.matching.factories import (
    cohort_with_people,
)

pytestmark = pytest.mark.django_db


def _messages(org, kind):
    return Message.objects.for_org(org).filter(kind=kind)


def test_circles_split_replaces_previous_circles(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=9)
    made, unplaced = circles.cohort_circles_split(cohort=cohort, by=admin)
    assert not unplaced
    assert sorted(c.mentees.count() for c in made) == [4, 5]
    circles.cohort_circles_split(cohort=cohort, by=admin)
    assert Circle.objects.for_org(org).filter(cohort=cohort).count() == 2


def test_circles_over_six_per_mentor_are_explained(org, admin):
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=1, mentees=7)
    made, unplaced = circles.cohort_circles_split(cohort=cohort, by=admin)
    assert made[0].mentees.count() == 6
    assert len(unplaced) == 1
