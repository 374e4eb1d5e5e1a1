"""Fixtures the sessions tests share."""

import pytest

from tests.matching.factories import cohort_with_people, pair
from tests.sessions.factories import make_session


@pytest.fixture
def pair_cohort(org, admin):
    """An active cohort of two mentors and two mentees with done intakes, and one active
    pairing (the first mentee with the first mentor, accepted 20 days ago):
    ``(cohort, pairing, other_pairing)``; the other mentee and mentor are paired too."""
    cohort, mentors, mentees, _ = cohort_with_people(org, mentors=2, mentees=2)
    pairing = pair(mentees[0], mentors[0], days_ago=20)
    other = pair(mentees[1], mentors[1], days_ago=20)
    return cohort, pairing, other


@pytest.fixture
def pairing(pair_cohort):
    return pair_cohort[1]


@pytest.fixture
def mentor_user(pairing):
    return pairing.mentor.user


@pytest.fixture
def mentee_user(pairing):
    return pairing.mentee.user


@pytest.fixture
def session(pairing):
    """A confirmed on-the-floor session of ``pairing`` in two days."""
    return make_session(pairing)
