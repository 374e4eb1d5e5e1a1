"""Fixtures the programs tests share: a cohort enrolling from next week, with the
``member`` fixture taking part as its mentee, a mentor, and their ids for URLs.

A test module that needs another cohort (a draft one, an active one) declares its own
``cohort`` fixture, which takes precedence over this one inside that module.
"""

import pytest

from programs.models import Participant
from tests.programs.factories import enrol, make_cohort


@pytest.fixture
def cohort(org):
    return make_cohort(org, name="Spring trainers")


@pytest.fixture
def mentee(cohort, member):
    """The ``member`` fixture takes part as a mentee."""
    return enrol(cohort, user=member)


@pytest.fixture
def mentor(cohort):
    return enrol(cohort, role=Participant.Role.MENTOR)


@pytest.fixture
def ids(cohort, mentee):
    return {"cohort_id": cohort.pk, "participant_id": mentee.pk}
