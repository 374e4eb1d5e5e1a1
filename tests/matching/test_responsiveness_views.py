"""Pages of responsiveness: unresponsive-partner reports, My mentoring's actions (the mentor's
"Log a session", which replaced "We met")."""

import pytest
from django.urls import reverse

from matching.models import Pairing, UnresponsiveReport
from tests.matching.factories import (
    client_for,
    pair,
)
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def test_report_unresponsive_partner(org, as_admin, paired_cohort):
    _, mentors, _, _, pairing = paired_cohort
    response = client_for(mentors[0].user).post(
        reverse("pairing_report", args=[org.slug, pairing.pk]), {"note": "No answer twice."}
    )
    assert response.status_code == 302
    report = UnresponsiveReport.objects.for_org(org).get()
    assert (
        "No answer twice." in as_admin.get(reverse("calibration", args=[org.slug])).content.decode()
    )
    as_admin.post(reverse("unresponsive_report_resolve", args=[org.slug, report.pk]))
    report.refresh_from_db()
    assert report.resolved_at is not None


def test_my_mentoring_with_care_actions_query_budget(org, paired_cohort):
    cohort, mentors, mentees, comps, pairing = paired_cohort
    client = client_for(mentors[0].user)
    from tests.programs.factories import enrol

    def grow():
        for _ in range(2):
            pair(enrol(cohort, role="mentee"), mentors[0])

    assert_flat_queries(client, reverse("my_mentoring", args=[org.slug]), grow, n=10)


def test_my_mentoring_offers_the_mentor_log_a_session_and_not_the_mentee(org, paired_cohort):
    _, mentors, mentees, _, pairing = paired_cohort
    log_url = reverse("session_log", args=[org.slug, pairing.pk])
    # The mentee does not log (only the mentor does): no link, and the page is a 404.
    mentee_page = client_for(mentees[0].user).get(reverse("my_mentoring", args=[org.slug]))
    assert b"Log a session" not in mentee_page.content and b"We met" not in mentee_page.content
    assert client_for(mentees[0].user).get(log_url).status_code == 404

    page = client_for(mentors[0].user).get(reverse("my_mentoring", args=[org.slug]))

    assert b"Log a session" in page.content and b"We met" not in page.content
    assert log_url.encode() in page.content


def test_a_pending_pair_is_not_offered_log_a_session(org, paired_cohort):
    _, mentors, mentees, _, pairing = paired_cohort
    Pairing.objects.for_org(org).filter(pk=pairing.pk).update(status=Pairing.Status.PENDING)
    page = client_for(mentors[0].user).get(reverse("my_mentoring", args=[org.slug]))
    assert reverse("session_log", args=[org.slug, pairing.pk]).encode() not in page.content
