"""The run page of a large run: its proposals come a page at a time, the page stays small
and its query count flat."""

import time

import pytest
from django.urls import reverse

from matching.models import Proposal
from matching.services.run import matchrun_start
from tests.matching.factories import add_mentee, matching_cohort
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def _grow(run, cohort, comps, org, n):
    mentor = run.proposals.filter(mentor__isnull=False).first().mentor
    for i in range(n):
        Proposal.objects.create(
            organization=org,
            run=run,
            mentee=add_mentee(cohort, comps),
            mentor=mentor,
            score=0.5 + (i % 40) / 100,
            components=run.proposals.filter(mentor__isnull=False).first().components,
        )


def test_a_run_of_160_proposals_is_paginated_and_small(org, admin, as_admin):
    cohort, comps, _, _ = matching_cohort(org, mentors=2, mentees=2)
    run = matchrun_start(cohort=cohort, by=admin)
    _grow(run, cohort, comps, org, 158)
    url = reverse("matchrun_detail", args=[org.slug, run.pk])
    as_admin.get(url)
    started = time.perf_counter()
    first = as_admin.get(url)
    assert time.perf_counter() - started < 1.0  # about 0.1 s here; 0.3 s before, unpaginated
    body = first.content.decode()
    rows = body.count('<tr id="proposal-')
    assert 0 < rows <= 50
    assert len(first.content) < 200_000
    assert "page=2" in body
    # Every matched proposal is on one page or another, once.
    seen = set()
    page = 1
    while True:
        html = as_admin.get(url, {"page": page}).content.decode()
        ids = {chunk.split('"')[0] for chunk in html.split('<tr id="proposal-')[1:]}
        assert not ids & seen
        seen |= ids
        if f"page={page + 1}" not in html:
            break
        page += 1
    assert len(seen) == run.proposals.filter(mentor__isnull=False).count() == 160
    # The publish button counts the whole run, not the page.
    assert "Publish 160 pairings" in body


def test_the_run_page_query_count_is_flat_across_pages(org, admin, as_admin):
    cohort, comps, _, _ = matching_cohort(org, mentors=2, mentees=2)
    run = matchrun_start(cohort=cohort, by=admin)
    _grow(run, cohort, comps, org, 30)
    url = reverse("matchrun_detail", args=[org.slug, run.pk])
    assert_flat_queries(
        as_admin, url + "?page=2", grow=lambda: _grow(run, cohort, comps, org, 2), n=20
    )


def test_a_change_on_a_later_page_comes_back_to_that_page(org, admin, as_admin):
    cohort, comps, _, _ = matching_cohort(org, mentors=2, mentees=2)
    run = matchrun_start(cohort=cohort, by=admin)
    _grow(run, cohort, comps, org, 30)
    url = reverse("matchrun_detail", args=[org.slug, run.pk])
    html = as_admin.get(url, {"page": 2}).content.decode()
    row_id = html.split('<tr id="proposal-')[1].split('"')[0]
    review = reverse("proposal_review", args=[org.slug, int(row_id)])
    assert f'action="{review}?page=2"' in html
    response = as_admin.post(f"{review}?page=2", {"action": "approve"})
    assert response.status_code == 302 and response["Location"] == f"{url}?page=2"
    assign = reverse("proposal_assign", args=[org.slug, int(row_id)])
    assert f'href="{assign}?page=2"' in html
