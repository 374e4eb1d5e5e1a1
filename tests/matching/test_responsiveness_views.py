"""Pages of responsiveness: "we met", unresponsive-partner reports, My mentoring's actions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

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


def test_either_side_says_the_pair_met_and_the_idle_clock_restarts(org, paired_cohort):
    _, mentors, mentees, _, pairing = paired_cohort
    Pairing.objects.for_org(org).filter(pk=pairing.pk).update(
        last_activity_at=timezone.now() - timedelta(days=20)
    )
    url = reverse("pairing_met", args=[org.slug, pairing.pk])
    # Nobody else: a colleague who is not in the pair gets 404, and GET is refused.
    assert client_for(mentors[1].user).post(url).status_code == 404
    assert client_for(mentees[0].user).get(url).status_code == 405

    response = client_for(mentees[0].user).post(url, follow=True)

    assert b"Noted: you met" in response.content
    pairing.refresh_from_db()
    assert pairing.last_activity_at > timezone.now() - timedelta(minutes=1)
    assert b"We met" in response.content


def test_a_pending_pair_cannot_say_it_met(org, paired_cohort):
    _, mentors, mentees, _, pairing = paired_cohort
    Pairing.objects.for_org(org).filter(pk=pairing.pk).update(status=Pairing.Status.PENDING)
    response = client_for(mentors[0].user).post(
        reverse("pairing_met", args=[org.slug, pairing.pk]), follow=True
    )
    assert b"only an active pair meets" in response.content
