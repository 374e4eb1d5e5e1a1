"""Pages of calibration: the admin's Calibration page and a pair's fit question."""

import pytest
from django.urls import reverse

from matching.models import CalibrationCheck
from matching.services import calibration, rematch, responsiveness
from tests.matching.factories import (
    client_for,
    cohort_with_people,
    pair,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def test_mentee_answers_low_and_the_admin_sees_the_flag(org, as_admin, paired_cohort):
    _, _, mentees, _, pairing = paired_cohort
    mentee = client_for(mentees[0].user)
    url = reverse("pairing_calibration", args=[org.slug, pairing.pk])
    assert mentee.get(url).status_code == 200
    response = mentee.post(url, {"answer": "2", "comment": "We never meet."})
    assert response.status_code == 302
    check = CalibrationCheck.objects.for_org(org).get(pairing=pairing)
    assert check.flagged and check.mentee_answer == 2
    page = as_admin.get(reverse("calibration", args=[org.slug]))
    assert "We never meet." in page.content.decode()


def test_calibration_answer_needs_a_value(org, paired_cohort):
    _, mentors, _, _, pairing = paired_cohort
    response = client_for(mentors[0].user).post(
        reverse("pairing_calibration", args=[org.slug, pairing.pk]), {}
    )
    assert response.status_code == 400


def test_calibration_query_budget(org, as_admin, paired_cohort):
    cohort, mentors, mentees, _, _ = paired_cohort

    def grow():
        for _ in range(2):
            _, ms, es, _ = cohort_with_people(org, mentors=1, mentees=1)
            p = pair(es[0], ms[0])
            calibration.calibration_answer(pairing=p, answer=1, by=es[0].user)
            rematch.rematch_request(pairing=p, reason="x", by=es[0].user)
            responsiveness.unresponsive_report(pairing=p, note="y", by=ms[0].user)

    assert_flat_queries(as_admin, reverse("calibration", args=[org.slug]), grow, n=14)


def test_pair_pages_query_budget(org, paired_cohort):
    cohort, mentors, mentees, comps, pairing = paired_cohort
    client = client_for(mentees[0].user)

    def grow():
        calibration.calibration_answer(pairing=pairing, answer=3, by=mentees[0].user)

    url = reverse("pairing_calibration", args=[org.slug, pairing.pk])
    assert_flat_queries(client, url, grow, n=10)
