"""The rows behind a figure (X2): who may open them, that they agree with the stored
snapshots, what they never show, the CSV."""

import pytest
from django.urls import reverse

from metrics import catalogue
from metrics.links import rows_url
from metrics.services.snapshots import snapshots_compute
from tests.metrics.conftest import build_pairs

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    cohort = build_pairs(org, pairs=2)
    snapshots_compute(organization=org)
    return cohort


# --- Permissions first -------------------------------------------------------------------


def test_stranger_gets_404_and_member_403(org, world, as_stranger, as_member):
    program_id = world.program_id
    for url in (
        rows_url(org.slug, "organisation", org.pk, "cadence"),
        rows_url(org.slug, "program", program_id, "cadence"),
        rows_url(org.slug, "cohort", world.pk, "cadence"),
    ):
        assert as_stranger.get(url).status_code == 404
        assert as_member.get(url).status_code == 403


def test_leader_opens_the_cadence_rows(org, world, as_leader):
    url = rows_url(org.slug, "cohort", world.pk, "cadence")
    response = as_leader.get(url)
    assert response.status_code == 200
    assert b"Meets the cadence" in response.content


def test_index_lists_the_level_indicators(org, world, as_leader):
    response = as_leader.get(reverse("dashboard_rows", args=[org.slug]))
    assert response.status_code == 200
    for indicator in catalogue.at_level("organisation"):
        assert indicator.name.encode() in response.content
