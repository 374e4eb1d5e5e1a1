"""A cohort's runs are numbered within the cohort; the cohort page reads weights as words."""

import pytest
from django.urls import reverse

from matching.services.run import matchrun_start
from tests.matching.factories import matching_cohort

pytestmark = pytest.mark.django_db


def test_runs_are_numbered_within_their_cohort(org, admin, as_admin):
    first, comps, *_ = matching_cohort(org, mentors=1, mentees=1)
    other, *_ = matching_cohort(org, mentors=1, mentees=1, competencies=comps)
    matchrun_start(cohort=other, by=admin)
    matchrun_start(cohort=other, by=admin)
    runs = [matchrun_start(cohort=first, by=admin) for _ in range(2)]
    assert [r.number for r in runs] == [1, 2]
    assert runs[1].pk > 2  # numbers are not the table's ids
    assert str(runs[1]).startswith("Run 2 of ")

    page = as_admin.get(reverse("matchrun_detail", args=[org.slug, runs[1].pk])).content.decode()
    assert "<h1>Run 2 " in page and f"Run {runs[1].pk} " not in page
    listing = as_admin.get(reverse("cohort_matching", args=[org.slug, first.pk])).content.decode()
    assert ">Run 1</a>" in listing and ">Run 2</a>" in listing


def test_the_cohort_page_reads_the_weights_as_words(org, as_admin):
    cohort, *_ = matching_cohort(org, mentors=1, mentees=1)
    page = as_admin.get(reverse("cohort_matching", args=[org.slug, cohort.pk])).content.decode()
    assert "4 · 2 · 1" not in page
    assert "competency fit counts 4×, availability 2×, time zone 1×" in page
