"""Fixtures the matching tests share."""

import pytest

from tests.matching.factories import cohort_with_people, pair


@pytest.fixture
def paired_cohort(org, admin):
    """An active cohort of three mentors and three mentees whose intakes are done, and one
    pairing (the first mentee with the first mentor) accepted 31 days ago:
    ``(cohort, mentors, mentees, competencies, pairing)``."""
    cohort, mentors, mentees, comps = cohort_with_people(org, mentors=3, mentees=3)
    pairing = pair(mentees[0], mentors[0], days_ago=31)
    return cohort, mentors, mentees, comps, pairing
