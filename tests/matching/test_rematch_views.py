"""Pages of re-pairing and rematch requests (confidential: the partner never sees one)."""

import pytest
from django.urls import reverse

from matching.models import Pairing, RematchRequest
from matching.services import calibration, rematch
from tests.matching.factories import (
    client_for,
    cohort_with_people,
)
from tests.matching.pages import page_url as _url
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def test_rematch_is_confidential(org, as_admin, paired_cohort):
    _, mentors, mentees, _, pairing = paired_cohort
    mentee = client_for(mentees[0].user)
    mentee.post(
        reverse("pairing_rematch", args=[org.slug, pairing.pk]), {"reason": "Secret reason"}
    )
    assert RematchRequest.objects.for_org(org).count() == 1
    partner = client_for(mentors[0].user)
    for name in ("my_mentoring", "pairing_calibration", "pairing_rematch"):
        args = () if name == "my_mentoring" else (pairing.pk,)
        body = partner.get(_url(name, org, *args)).content.decode()
        assert "Secret reason" not in body and "asks for another partner" not in body
    assert "Secret reason" in as_admin.get(reverse("calibration", args=[org.slug])).content.decode()


def test_repair_in_two_clicks(org, as_admin, paired_cohort):
    _, mentors, mentees, _, pairing = paired_cohort
    calibration.calibration_answer(pairing=pairing, answer=1, by=mentees[0].user)
    url = reverse("pairing_repair", args=[org.slug, pairing.pk])
    first = as_admin.get(url, headers={"HX-Request": "true"})
    assert first.status_code == 200
    body = first.content.decode()
    assert "Pair with" in body and "<html" not in body
    second = as_admin.post(url, {"mentor": mentors[1].pk})
    assert second.status_code == 302
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.CONCLUDED
    assert Pairing.objects.for_org(org).live().get(mentee=mentees[0]).mentor == mentors[1]


def test_repair_with_a_mentor_of_another_org_is_404(org, other_org, as_admin, paired_cohort):
    _, _, _, _, pairing = paired_cohort
    _, other_mentors, _, _ = cohort_with_people(other_org, mentors=1, mentees=1)
    response = as_admin.post(
        reverse("pairing_repair", args=[org.slug, pairing.pk]), {"mentor": other_mentors[0].pk}
    )
    assert response.status_code == 404


def test_repair_query_budget(org, as_admin, paired_cohort):
    cohort, mentors, mentees, comps, pairing = paired_cohort
    from tests.programs.factories import enrol

    def grow():
        for _ in range(2):
            enrol(cohort, role="mentor")

    assert_flat_queries(
        as_admin, reverse("pairing_repair", args=[org.slug, pairing.pk]), grow, n=25
    )


def test_pair_rematch_page_query_budget(org, paired_cohort):
    cohort, mentors, mentees, comps, pairing = paired_cohort
    client = client_for(mentees[0].user)

    def grow():
        rematch.rematch_request(pairing=pairing, reason="x", by=mentees[0].user)

    assert_flat_queries(client, reverse("pairing_rematch", args=[org.slug, pairing.pk]), grow, n=10)


def test_admin_marks_a_rematch_request_handled_without_re_pairing(
    org, as_admin, as_leader, as_member, paired_cohort
):
    _, mentors, mentees, _, pairing = paired_cohort
    client_for(mentees[0].user).post(
        reverse("pairing_rematch", args=[org.slug, pairing.pk]), {"reason": "Shifts never overlap"}
    )
    request_row = RematchRequest.objects.for_org(org).get()
    url = reverse("rematch_request_resolve", args=[org.slug, request_row.pk])
    assert as_member.post(url).status_code == 403
    assert as_leader.post(url).status_code == 403
    assert as_admin.get(url).status_code == 405
    request_row.refresh_from_db()
    assert request_row.resolved_at is None

    response = as_admin.post(url, follow=True)

    assert b"Rematch request marked as handled" in response.content
    assert b"Shifts never overlap" not in response.content
    request_row.refresh_from_db()
    assert request_row.resolved_at is not None
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE
