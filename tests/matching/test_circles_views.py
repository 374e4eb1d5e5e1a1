"""Pages of cohort circles: leaders read, admins split."""

import pytest
from django.urls import reverse

from matching.models import Circle
from tests.utils import assert_flat_queries

pytestmark = pytest.mark.django_db


def test_circles_page_splits(org, as_admin, paired_cohort):
    cohort = paired_cohort[0]
    response = as_admin.post(reverse("cohort_circles", args=[org.slug, cohort.pk]))
    assert response.status_code == 302
    page = as_admin.get(reverse("cohort_circles", args=[org.slug, cohort.pk])).content.decode()
    assert "Circle 1" in page


def test_circles_query_budget(org, as_admin, paired_cohort):
    cohort, mentors, mentees, comps, pairing = paired_cohort

    def grow():
        for i in range(2):
            circle = Circle.objects.create(
                organization=org,
                cohort=cohort,
                mentor=mentors[i],
                name=f"C{Circle.objects.for_org(org).count()}",
            )
            circle.mentees.set(mentees, through_defaults={"organization": org})

    assert_flat_queries(as_admin, reverse("cohort_circles", args=[org.slug, cohort.pk]), grow, n=12)
