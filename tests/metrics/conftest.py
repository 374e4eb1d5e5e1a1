"""Fixtures of the metrics tests."""

import pytest

from tests.programs.factories import make_program


@pytest.fixture
def program(org):
    """A program of ``org`` judged by a share, a score and a count."""
    return make_program(org, indicators=["cadence", "pulse", "mentor_recognition"])
